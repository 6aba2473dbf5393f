"""Which PDF pages OCR reads, and how its text is used, by what the page is:
- no text layer, or an image and a nearly empty one: OCR's text, when it reads more;
- mostly covered by images, with a text layer short for its area (a stamp "Filed 09/14/21
  Page 1 of 5", a header, a page number over a scan): the stamp's text and the OCR text join;
- a text layer that looks garbled (an old OCR's "ZOq5", "预汁负债"): compared with a fresh OCR
  of the page, the more plausible kept."""

import difflib
from dataclasses import dataclass, replace
from typing import Literal

import pypdfium2
import pypdfium2.raw as pdfium_c

from ingest.plausible import plausibility
from ingest.records import Page

NEARLY_EMPTY = 40  # visible characters
MOSTLY_IMAGE = 0.5  # share of the page's area under images
STAMP_DENSITY = 2.0  # visible characters per square inch: a page of text has 20 to 40
GARBLED_BELOW = 0.8  # plausibility score; the shared PDFs' text layers score 0.89 and up
BETTER_BY = 0.05

Mode = Literal["more", "join", "compare"]


@dataclass(frozen=True)
class Plan:
    """Read page `page` by OCR because `reason`; `mode` says how its text is used."""

    page: int
    mode: Mode
    reason: str


def plan_page(page: Page, pdf_page: pypdfium2.PdfPage) -> Plan | None:
    visible = _visible(page.text)
    if not page.has_text:
        return Plan(page.page, "more", "no text layer")
    cover = image_cover(pdf_page)
    if visible < NEARLY_EMPTY and cover > 0:
        return Plan(page.page, "more", f"an image and only {visible} characters of text")
    score = plausibility(page.text)
    if score.score < GARBLED_BELOW:
        return Plan(page.page, "compare", f"the text layer looks garbled ({score.describe()})")
    width, height = pdf_page.get_size()
    density = visible / (width * height / 72 / 72)
    # An invisible text layer over a scan is an earlier OCR's reading, not a stamp.
    if cover >= MOSTLY_IMAGE and density < STAMP_DENSITY and has_visible_text(pdf_page):
        return Plan(
            page.page, "join",
            f"{cover:.0%} of the page is image and its text layer has {density:.1f} characters per "
            "square inch (a stamp or header over a scan)",
        )  # fmt: skip
    return None


def apply_ocr(page: Page, plan: Plan, ocr_text: str) -> Page:
    """The page with the OCR text used as the plan says, and why."""
    if plan.mode == "more":
        if _visible(ocr_text) > _visible(page.text):
            return replace(page, text=ocr_text, source="ocr", why=f"{plan.reason}: OCR read more")
        return replace(page, why=f"{plan.reason}: OCR read no more, the text layer kept")
    if plan.mode == "join":
        added = new_lines(page.text, ocr_text)
        text = page.text + "\n\n" + added if added else page.text
        return replace(page, text=text, source="ocr", why=f"{plan.reason}: OCR text joined to it")
    layer, fresh = plausibility(page.text).score, plausibility(ocr_text).score
    scores = f"plausibility {layer:.2f} for the text layer, {fresh:.2f} for OCR"
    if fresh >= layer + BETTER_BY and _visible(ocr_text) >= 0.5 * _visible(page.text):
        return replace(page, text=ocr_text, source="ocr", why=f"{plan.reason}; {scores}: OCR kept")
    return replace(page, why=f"{plan.reason}; {scores}: the text layer kept")


def new_lines(layer: str, ocr_text: str) -> str:
    """OCR lines that do not repeat a line of the text layer (OCR reads the stamp too)."""
    known = ["".join(line.split()) for line in layer.splitlines() if line.strip()]
    kept = []
    for line in ocr_text.splitlines():
        squeezed = "".join(line.split())
        if not squeezed:
            continue
        if any(difflib.SequenceMatcher(None, squeezed, k).ratio() > 0.8 for k in known):
            continue
        kept.append(line)
    return "\n".join(kept)


def image_cover(pdf_page: pypdfium2.PdfPage) -> float:
    """Share of the page's area under image objects (overlaps counted once each, capped at 1)."""
    width, height = pdf_page.get_size()
    area = 0.0
    for image in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = image.get_bounds()
        w = max(0.0, min(right, width) - max(left, 0.0))
        h = max(0.0, min(top, height) - max(bottom, 0.0))
        area += w * h
    return min(1.0, area / (width * height)) if width * height > 0 else 0.0


def has_visible_text(pdf_page: pypdfium2.PdfPage) -> bool:
    """Whether any text object is drawn (render mode not 'invisible', as OCR layers are)."""
    for obj in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=2):
        if pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw) != pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
            return True
    return False


def _visible(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())
