"""Any supported file -> pages: PDFs through the PDF readers, .txt and .md as one page."""

from pathlib import Path

from ingest.errors import IngestError
from ingest.pdf import load_pdf
from ingest.records import Page
from ingest.textclean import clean_page_text

TEXT_SUFFIXES = {".txt", ".md"}
SUPPORTED = {".pdf", *TEXT_SUFFIXES}


def load_file(path: Path, password: str | None = None) -> list[Page]:
    """Pages of `path`; raises IngestError with a message for the user when it cannot."""
    if not path.is_file():
        raise IngestError("no such file")
    if path.stat().st_size == 0:
        raise IngestError("the file is empty")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return load_pdf(path, password)
    if suffix in TEXT_SUFFIXES:
        return [Page(page=1, text=clean_page_text(decode_text(path)), source="text")]
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
