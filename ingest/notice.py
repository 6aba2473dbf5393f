"""What the person should know about a file that was read anyway (pages left without text, OCR
that failed on a page): a code and its values, so that each interface says it in the person's
language; the English message is for the CLI, the API's clients and the server's log."""

from dataclasses import dataclass

MESSAGES = {
    "ocr_off": "OCR is off (RAG_OCR_LANGUAGES is empty): pages {pages} have no text",
    "ocr_off_picture": "OCR is off (RAG_OCR_LANGUAGES is empty): the picture has no text",
    "ocr_missing": "{reason}: pages {pages} have no text and are not searchable",
    "ocr_missing_picture": "{reason}: the picture has no text",
    "ocr_deadline": "OCR stopped at the time limit (RAG_PARSE_TIMEOUT_S): pages {pages} have no text",
    "ocr_failed": "OCR failed on page {page} ({detail}): its text layer is kept",
    "office_pdf_failed": "{detail}: read without LibreOffice, so passages have no page numbers",
    "ocr_second_engine": "RapidOCR failed on page {page} ({detail}): read with tesseract instead",
    "ocr_second_engine_picture": "RapidOCR failed on the picture ({detail}): read with tesseract instead",
}


@dataclass(frozen=True)
class Notice:
    """One warning: `code` names it (a key of MESSAGES), `params` are its variable parts."""

    code: str
    params: dict[str, str]
    message: str


def notice(code: str, **params: object) -> Notice:
    """The warning `code` with its values, and its English message."""
    if code not in MESSAGES:
        raise ValueError(f"no warning with the code {code!r}; known: {', '.join(MESSAGES)}")
    values = {key: str(value) for key, value in params.items()}
    return Notice(code, values, MESSAGES[code].format(**values))


def listed(pages: list[int]) -> str:
    """Page numbers as the messages show them: "2, 3"."""
    return ", ".join(str(number) for number in pages)


def message_of(stored: dict | str) -> str:
    """A warning kept in a job's note as text: a Notice's fields, or an older plain message."""
    return stored if isinstance(stored, str) else str(stored.get("message", "?"))
