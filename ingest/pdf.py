"""Read PDF pages with pypdf, and per page take PDFium's text where pypdf's is worse."""

import logging
import re
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pypdf
import pypdfium2
from pypdf.errors import FileNotDecryptedError, PdfReadError

from ingest.errors import IngestError, PasswordRequired
from ingest.pdf_rows import mark_rows, table_rows
from ingest.read_progress import PageCounter, ReadProgress, ignore
from ingest.records import Page
from ingest.textclean import clean_page_text

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Signs of text decoded through the wrong encoding: replacement characters, Latin-1
# mojibake of GBK bytes, Hangul produced by reading GBK as UTF-16, private-use glyphs.
SUSPECT = re.compile(r"[\ufffd\u00a1-\u00ff\uac00-\ud7af\ue000-\uf8ff]")

logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # it logs each font it reads badly; we choose per page


def load_pdf(
    path: Path, password: str | None = None, max_pages: int = 0, report: ReadProgress = ignore
) -> list[Page]:
    """Pages of the PDF at `path`, 1-based, each from the reader that got the better text;
    more than `max_pages` pages (when > 0) is refused before any text is read. `report` hears
    how many pages are read."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF" not in head:
        raise IngestError("not a PDF file (no %PDF header)", "not_pdf")
    count = page_count(path, password)
    if max_pages and count > max_pages:
        raise IngestError(
            f"{count} pages is over the limit of {max_pages} pages per file (RAG_MAX_PAGES)",
            "too_many_pages", pages=count, limit=max_pages,
        )  # fmt: skip
    counter = PageCounter(report, count)
    first = _read_pypdf(path, password, counter.step)
    second, rows = _read_pdfium(path, password, counter.step)
    if first is None and second is None:
        raise IngestError("the PDF is damaged and no reader could open it", "damaged")
    count = max(len(first or []), len(second or []))
    pages = []
    for number in range(1, count + 1):
        a = first[number - 1] if first and number <= len(first) else ""
        b = second[number - 1] if second and number <= len(second) else ""
        text, source = choose_text(a, b)
        found = rows[number - 1] if number <= len(rows) else {}
        pages.append(Page(page=number, text=mark_rows(clean_page_text(text), found), source=source))
    return pages


def page_count(path: Path, password: str | None) -> int:
    """How many pages the file says it has, from whichever reader can open it (0 if none)."""
    try:
        doc = pypdfium2.PdfDocument(path, password=password or None)
    except pypdfium2.PdfiumError:
        try:
            return len(pypdf.PdfReader(path).pages)
        except Exception:  # damaged beyond both readers: the extraction below says so
            return 0
    try:
        return len(doc)
    finally:
        doc.close()


def choose_text(pypdf_text: str, pdfium_text: str) -> tuple[str, str]:
    """Pick one page text: pypdf's unless it is empty, garbled, lost CJK or is clearly shorter."""
    a, b = pypdf_text, pdfium_text
    if not b.strip():
        return a, "pypdf"
    if not a.strip():
        return b, "pdfium"
    if _garbled(a) and not _garbled(b):
        return b, "pdfium"
    if len(CJK.findall(b)) > len(CJK.findall(a)):
        return b, "pdfium"
    if _repeated_lines(a) > 0.3 >= _repeated_lines(b):
        return b, "pdfium"  # fake-bold text drawn twice: pypdf repeats every line
    if _visible(a) < 0.9 * _visible(b):
        return b, "pdfium"
    return a, "pypdf"


def _garbled(text: str) -> bool:
    visible = _visible(text)
    return visible > 0 and len(SUSPECT.findall(text)) / visible > 0.2


def _visible(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def _repeated_lines(text: str) -> float:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 4:
        return 0.0
    repeats = sum(1 for prev, line in pairwise(lines) if prev == line)
    return repeats / (len(lines) - 1)


def _read_pypdf(path: Path, password: str | None, step: Callable[[], None]) -> list[str] | None:
    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted:
            _decrypt(reader, path, password)
        texts = []
        for page in reader.pages:
            texts.append(_page_text(page))
            step()
        return texts
    except PasswordRequired:
        raise
    except (FileNotDecryptedError, NotImplementedError) as exc:
        raise IngestError(f"cannot decrypt this PDF ({exc})", "decrypt", detail=exc) from exc
    except Exception:  # pypdf raises many types on damaged files; PDFium gets its turn
        return None


def _decrypt(reader: pypdf.PdfReader, path: Path, password: str | None) -> None:
    if reader.decrypt("") != pypdf.PasswordType.NOT_DECRYPTED:
        return
    if password is None:
        raise PasswordRequired("the PDF is encrypted: give its password")
    if reader.decrypt(password) == pypdf.PasswordType.NOT_DECRYPTED:
        raise PasswordRequired("wrong password for this encrypted PDF", "wrong_password")


def _page_text(page: pypdf.PageObject) -> str:
    try:
        return page.extract_text() or ""
    except (PdfReadError, KeyError, ValueError, TypeError, AttributeError):
        return ""


def _read_pdfium(
    path: Path, password: str | None, step: Callable[[], None]
) -> tuple[list[str] | None, list[dict[str, str]]]:
    """PDFium's text of each page, and the table rows its character boxes show."""
    try:
        doc = pypdfium2.PdfDocument(path, password=password or None)
    except pypdfium2.PdfiumError:
        return None, []
    try:
        texts, rows = [], []
        for index in range(len(doc)):
            textpage = doc[index].get_textpage()
            texts.append(textpage.get_text_range())
            rows.append(table_rows(textpage, texts[-1]))
            step()
        return texts, rows
    finally:
        doc.close()
