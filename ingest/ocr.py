"""OCR for the pages ingest/ocr_plan.py picks (no text layer, a stamp over a scan, a garbled
text layer): render with PDFium, read with the engine chosen (RapidOCR, or tesseract for
Simplified and Traditional Chinese and English)."""

import io
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pypdfium2

from ingest.errors import IngestError
from ingest.notice import Notice, listed, notice
from ingest.ocr_plan import Plan, apply_ocr, plan_page
from ingest.rapid import RapidOcr
from ingest.read_progress import OCR, ReadProgress, ignore
from ingest.records import Page
from ingest.textclean import clean_page_text

TEXT_LAYER_KEPT = "the text layer reads as plausible text and is not a stamp over a scan: no OCR"
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
            raise IngestError(
                f"OCR took longer than {self.timeout_s:.0f} s on one page", "ocr_timeout",
                seconds=f"{self.timeout_s:.0f}",
            ) from exc  # fmt: skip
        if done.returncode != 0:
            detail = done.stderr.decode(errors="replace").strip()[-300:]
            raise IngestError(f"OCR failed: {detail}", "ocr_failed", detail=detail)
        return done.stdout.decode("utf-8", errors="replace")


Engine = Tesseract | RapidOcr
ENGINES = {"tesseract": Tesseract, "rapidocr": RapidOcr}


def engine_request(engine: Engine) -> dict[str, object]:
    """The engine as JSON for the reader child."""
    name = next(key for key, kind in ENGINES.items() if isinstance(engine, kind))
    return {"engine": name, **asdict(engine)}


def engine_from(request: dict[str, object]) -> Engine:
    values = dict(request)
    return ENGINES[str(values.pop("engine", "tesseract"))](**values)


def make_engine(name: str, languages: str, dpi: int) -> Engine | None:
    """The OCR engine named in settings (RAG_OCR_ENGINE); None when OCR is off."""
    if not languages.strip() or name == "off":
        return None
    if name == "rapidocr":
        return RapidOcr(dpi, fallback=languages)
    if name == "tesseract":
        return Tesseract(languages, dpi)
    raise ValueError(f"RAG_OCR_ENGINE must be rapidocr, tesseract or off, got {name!r}")


def ocr_pages(
    path: Path,
    password: str | None,
    pages: list[Page],
    engine: Engine | None,
    deadline: float | None = None,
    report: ReadProgress = ignore,
) -> tuple[list[Page], list[Notice]]:
    """The pages with OCR text where their plan says so, and warnings for the person: with no
    engine, or past `deadline` (time.monotonic()), the pages left keep their text layer (or
    stay without text) and the rest of the file is indexed."""
    plans = _plans(path, password, pages)
    wanted = [plan.page for plan in plans]
    pages = [page if page.page in wanted else replace(page, why=TEXT_LAYER_KEPT) for page in pages]
    if not plans:
        return pages, []
    if engine is None:
        return pages, [notice("ocr_off", pages=listed(wanted))]
    reason = engine.missing()
    if reason:
        return pages, [notice("ocr_missing", reason=reason, pages=listed(wanted))]
    doc = pypdfium2.PdfDocument(path, password=password or None)
    try:
        result, warnings = list(pages), list[Notice]()
        for done, number in enumerate(wanted):
            report(OCR, done + 1, len(wanted))  # this page of the m is being read now
            if deadline is not None and time.monotonic() > deadline:
                return result, [*warnings, notice("ocr_deadline", pages=listed(wanted[done:]))]
            plan = plans[done]
            try:
                text, note = read_png(engine, render_page(doc[number - 1], engine.dpi))
            except IngestError:
                raise
            except Exception as exc:  # the engine's library failed on this page: the others go on
                warnings.append(notice("ocr_failed", page=number, detail=failure(exc)))
                continue
            if note:
                warnings.append(notice("ocr_second_engine", page=number, detail=note))
            result[number - 1] = apply_ocr(pages[number - 1], plan, clean_page_text(text))
        return result, warnings
    finally:
        doc.close()


def read_png(engine: Engine, png: bytes) -> tuple[str, str]:
    """The engine's text of a picture, and how the engine failed when it took a second try
    ("" when it did not): where RapidOCR's runtime fails on a picture, tesseract reads it once
    (if installed)."""
    try:
        return engine.read(png), ""
    except IngestError:
        raise
    except Exception as exc:
        backup = Tesseract(engine.fallback, engine.dpi) if isinstance(engine, RapidOcr) else None
        if backup is None or not backup.languages or backup.missing():
            raise
        return backup.read(png), failure(exc)


def failure(exc: Exception) -> str:
    """The exception's kind and its last line (a traceback's last line says most)."""
    detail = (str(exc).strip().splitlines() or [""])[-1][-200:]
    return f"{type(exc).__name__}: {detail}"


def _plans(path: Path, password: str | None, pages: list[Page]) -> list[Plan]:
    if path.suffix.lower() != ".pdf":
        return []
    try:
        doc = pypdfium2.PdfDocument(path, password=password or None)
    except pypdfium2.PdfiumError:
        return []  # PDFium cannot render it either: nothing to OCR
    try:
        plans = [plan_page(p, doc[p.page - 1]) for p in pages if p.page <= len(doc)]
        return [plan for plan in plans if plan is not None]
    finally:
        doc.close()


def render_page(page: pypdfium2.PdfPage, dpi: int) -> bytes:
    width, height = page.get_size()
    scale = dpi / 72
    pixels = width * height * scale * scale
    if pixels > MAX_PIXELS:
        scale *= (MAX_PIXELS / pixels) ** 0.5
    image = page.render(scale=scale, grayscale=True).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
