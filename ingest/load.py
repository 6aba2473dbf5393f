"""Any supported file -> pages: PDFs through the PDF readers (and OCR where a page has no text
layer), .txt and .md as one page."""

from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import IngestError
from ingest.ocr import Tesseract, ocr_pages
from ingest.pdf import load_pdf
from ingest.records import Page
from ingest.textclean import clean_page_text

TEXT_SUFFIXES = {".txt", ".md"}
SUPPORTED = {".pdf", *TEXT_SUFFIXES}


@dataclass(frozen=True)
class Loaded:
    """A file's pages, and what the person should know about them (e.g. OCR unavailable)."""

    pages: list[Page]
    warnings: list[str] = field(default_factory=list)


def load_file(
    path: Path,
    password: str | None = None,
    max_pages: int = 0,
    ocr: Tesseract | None = None,
    ocr_deadline: float | None = None,
) -> Loaded:
    """Pages of `path`; raises IngestError with a message for the user when it cannot. OCR
    stops at `ocr_deadline` (time.monotonic()), leaving the remaining scanned pages empty."""
    if not path.is_file():
        raise IngestError("no such file")
    if path.stat().st_size == 0:
        raise IngestError("the file is empty")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        pages, warnings = ocr_pages(path, password, load_pdf(path, password, max_pages), ocr, ocr_deadline)
        return Loaded(pages, warnings)
    if suffix in TEXT_SUFFIXES:
        return Loaded([Page(page=1, text=clean_page_text(decode_text(path)), source="text")])
    raise IngestError(
        f"unsupported file type '{suffix or '(none)'}'; supported: {', '.join(sorted(SUPPORTED))}"
    )


def decode_text(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK/GB2312)."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise IngestError("binary data, not a text file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IngestError("not a text file in UTF-8, UTF-16 or GB18030")
