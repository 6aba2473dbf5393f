"""Any supported file -> pages: PDFs through the PDF readers (and OCR where a page has no text
layer), .txt and .md as one page, Office files, CSV, web pages and pictures through
ingest/readers/."""

from dataclasses import dataclass, field
from pathlib import Path

from ingest.charset import decode_bytes
from ingest.errors import IngestError
from ingest.notice import Notice, notice
from ingest.ocr import Engine, ocr_pages
from ingest.office_pdf import CONVERTED, Convert, read_via_pdf
from ingest.pdf import load_pdf
from ingest.read_progress import ReadProgress, ignore
from ingest.readers.delimited import read_csv
from ingest.readers.image import read_image
from ingest.readers.sheets import read_xlsx
from ingest.readers.slides import read_pptx
from ingest.readers.web import read_html
from ingest.readers.word import read_docx
from ingest.records import Page
from ingest.textclean import clean_page_text

TEXT_SUFFIXES = {".txt", ".md"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
OFFICE_SUFFIXES = {".docx", ".pptx", ".xlsx"}
WEB_SUFFIXES = {".html", ".htm"}
SUPPORTED = {".pdf", ".csv", *TEXT_SUFFIXES, *IMAGE_SUFFIXES, *OFFICE_SUFFIXES, *WEB_SUFFIXES}


class UnsupportedType(IngestError):
    """A file of a type no reader reads; `suffix` is what it had."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix or "(none)"
        super().__init__(
            f"unsupported file type '{self.suffix}'; supported: {', '.join(sorted(SUPPORTED))}",
            "unsupported", suffix=self.suffix,
        )  # fmt: skip


def check_type(name: str) -> None:
    """Refuse a file name whose type no reader reads, before anything is read."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise UnsupportedType(suffix)


@dataclass(frozen=True)
class Loaded:
    """A file's pages, and what the person should know about them (e.g. OCR unavailable)."""

    pages: list[Page]
    warnings: list[Notice] = field(default_factory=list)


def load_file(
    path: Path,
    password: str | None = None,
    max_pages: int = 0,
    ocr: Engine | None = None,
    ocr_deadline: float | None = None,
    report: ReadProgress = ignore,
    office: Convert | None = None,
    office_timeout_s: float = 120.0,
) -> Loaded:
    """Pages of `path`; raises IngestError with a message for the user when it cannot. OCR
    stops at `ocr_deadline` (time.monotonic()), leaving the remaining scanned pages empty.
    `report` hears how far reading and OCR are (ingest.read_progress). With `office`, Word and
    PowerPoint files are converted to PDF and read as PDFs (ingest/office_pdf.py)."""
    if not path.is_file():
        raise IngestError("no such file", "missing")
    if path.stat().st_size == 0:
        raise IngestError("the file is empty", "empty")
    suffix = path.suffix.lower()
    check_type(path.name)
    if suffix == ".pdf":
        pages = load_pdf(path, password, max_pages, report)
        pages, warnings = ocr_pages(path, password, pages, ocr, ocr_deadline, report)
        return Loaded(pages, warnings)
    if suffix in TEXT_SUFFIXES:
        return Loaded([Page(page=1, text=clean_page_text(decode_text(path)), source="text")])
    if suffix in IMAGE_SUFFIXES:
        return Loaded(*read_image(path, ocr))
    if office is not None and suffix in CONVERTED:
        try:
            return Loaded(read_via_pdf(path, office, office_timeout_s, max_pages))
        except IngestError as exc:  # the native reader reads it (or refuses a hostile file itself)
            pages = _limit(read_other(path, suffix, max_pages), max_pages)
            return Loaded(pages, [notice("office_pdf_failed", detail=str(exc)[:300])])
    return Loaded(_limit(read_other(path, suffix, max_pages), max_pages))


def read_other(path: Path, suffix: str, max_pages: int) -> list[Page]:
    """Office files, CSV and web pages: pages with a place instead of a page number."""
    if suffix == ".docx":
        return read_docx(path).pages()
    if suffix == ".pptx":
        return read_pptx(path, max_pages)
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix == ".csv":
        return read_csv(decode_text(path))
    return read_html(path).pages()


def _limit(pages: list[Page], max_pages: int) -> list[Page]:
    if max_pages and len(pages) > max_pages:
        raise IngestError(
            f"{len(pages)} sections is over the limit of {max_pages} pages per file (RAG_MAX_PAGES)",
            "too_many_sections", sections=len(pages), limit=max_pages,
        )  # fmt: skip
    return pages


def decode_text(path: Path) -> str:
    """The file's text: UTF-8 or UTF-16 by their marks, else what the charset detector finds
    plausible (GB18030, Big5, Windows-1252...)."""
    return decode_bytes(path.read_bytes())
