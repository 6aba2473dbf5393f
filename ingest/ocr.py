"""OCR for pages whose text layer is missing or nearly empty: render with PDFium, read with
tesseract (Simplified and Traditional Chinese and English by default)."""

import io
import shutil
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c

from ingest.errors import IngestError
from ingest.records import Page
from ingest.textclean import clean_page_text

# A page with an image and fewer visible characters than this is likely text in a picture
# (a scan with a header line, a screenshot): OCR reads it, and wins when it reads more.
NEARLY_EMPTY = 40
MAX_PIXELS = 40_000_000  # a poster-sized page is rendered at a lower resolution
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra"


@dataclass(frozen=True)
class Tesseract:
    """The tesseract command for `languages` (e.g. chi_sim+chi_tra+eng) at `dpi`."""

    languages: str
    dpi: int = 300
    timeout_s: float = 120.0

    def missing(self) -> str:
        """Why this engine cannot run here, or '' when it can."""
        if shutil.which("tesseract") is None:
            return f"the OCR engine tesseract is not installed ({INSTALL})"
        listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
        have = set(listed.stdout.split())
        absent = [lang for lang in self.languages.split("+") if lang not in have]
        return f"tesseract has no language data for {', '.join(absent)} ({INSTALL})" if absent else ""

    def read(self, png: bytes) -> str:
        try:
            done = subprocess.run(
                ["tesseract", "stdin", "stdout", "-l", self.languages, "--dpi", str(self.dpi)],
                input=png, capture_output=True, timeout=self.timeout_s,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise IngestError(f"OCR took longer than {self.timeout_s:.0f} s on one page") from exc
        if done.returncode != 0:
            raise IngestError(f"OCR failed: {done.stderr.decode(errors='replace').strip()[-300:]}")
        return done.stdout.decode("utf-8", errors="replace")


def ocr_pages(
    path: Path,
    password: str | None,
    pages: list[Page],
    engine: Tesseract | None,
    deadline: float | None = None,
) -> tuple[list[Page], list[str]]:
    """The pages with OCR text where the text layer is missing or nearly empty, and warnings
    for the person: with no engine, or past `deadline` (time.monotonic()), the pages left
    stay without text and the rest of the file is indexed."""
    wanted = _pages_to_read(path, password, pages)
    if not wanted:
        return pages, []
    listed = ", ".join(str(number) for number in wanted)
    if engine is None:
        return pages, [f"OCR is off (RAG_OCR_LANGUAGES is empty): pages {listed} have no text"]
    reason = engine.missing()
    if reason:
        return pages, [f"{reason}: pages {listed} have no text and are not searchable"]
    doc = pypdfium2.PdfDocument(path, password=password or None)
    try:
        result = list(pages)
        for done, number in enumerate(wanted):
            if deadline is not None and time.monotonic() > deadline:
                left = ", ".join(str(n) for n in wanted[done:])
                return result, [
                    f"OCR stopped at the time limit (RAG_PARSE_TIMEOUT_S): pages {left} have no text"
                ]
            text = clean_page_text(engine.read(_render(doc[number - 1], engine.dpi)))
            if _visible(text) > _visible(pages[number - 1].text):
                result[number - 1] = replace(pages[number - 1], text=text, source="ocr")
        return result, []
    finally:
        doc.close()


def _pages_to_read(path: Path, password: str | None, pages: list[Page]) -> list[int]:
    """Pages without text, and pages with an image and a nearly empty text layer."""
    thin = [p.page for p in pages if _visible(p.text) < NEARLY_EMPTY]
    if not thin or path.suffix.lower() != ".pdf":
        return []
    try:
        doc = pypdfium2.PdfDocument(path, password=password or None)
    except pypdfium2.PdfiumError:
        return []  # PDFium cannot render it either: nothing to OCR
    try:
        return [n for n in thin if n <= len(doc) and (not pages[n - 1].has_text or _has_image(doc[n - 1]))]
    finally:
        doc.close()


def _has_image(page: pypdfium2.PdfPage) -> bool:
    return next(iter(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)), None) is not None


def _render(page: pypdfium2.PdfPage, dpi: int) -> bytes:
    width, height = page.get_size()
    scale = dpi / 72
    pixels = width * height * scale * scale
    if pixels > MAX_PIXELS:
        scale *= (MAX_PIXELS / pixels) ** 0.5
    image = page.render(scale=scale, grayscale=True).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _visible(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())
