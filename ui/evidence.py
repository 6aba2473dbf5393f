"""Evidence where it stands: the cited PDF page rendered with the quoted sentences' region
marked (the passage itself is drawn by ui/quoted.py)."""

import io
from pathlib import Path

import pypdfium2
from PIL import Image, ImageDraw

SCALE = 1.5  # 108 dpi: legible, and light enough for a browser
MAX_PIXELS = 12_000_000  # a huge page is drawn smaller: about 48 MB of RGBA at most
MARK = (255, 200, 0, 90)


def page_image(pdf: Path, page: int, passage: str | list[str], password: str | None = None) -> bytes | None:
    """PNG of the page with the text boxes of the passage (or of each of these sentences)
    marked; None when the page can't be drawn."""
    try:
        document = pypdfium2.PdfDocument(pdf, password=password)
    except pypdfium2.PdfiumError:
        return None
    try:
        if not 1 <= page <= len(document):
            return None
        pdf_page = document[page - 1]
        scale = fit_scale(pdf_page.get_width(), pdf_page.get_height())
        image = pdf_page.render(scale=scale).to_pil().convert("RGBA")
        texts = [passage] if isinstance(passage, str) else passage
        boxes = [box for text in texts for box in passage_boxes(pdf_page, text)]
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        height = pdf_page.get_height()
        for left, bottom, right, top in boxes:  # PDF points, origin bottom-left
            draw.rectangle(
                (left * scale, (height - top) * scale, right * scale, (height - bottom) * scale), fill=MARK
            )
        out = io.BytesIO()
        Image.alpha_composite(image, overlay).convert("RGB").save(out, format="PNG")
        return out.getvalue()
    finally:
        document.close()


def fit_scale(width_pt: float, height_pt: float) -> float:
    """SCALE, or less where the page would have more than MAX_PIXELS."""
    area = max(width_pt * height_pt, 1.0)
    return min(SCALE, 0.99 * (MAX_PIXELS / area) ** 0.5)  # 0.99: the renderer rounds sizes up


def passage_boxes(pdf_page: pypdfium2.PdfPage, passage: str) -> list[tuple[float, float, float, float]]:
    """Rectangles of the characters PDFium reads for the passage, found ignoring whitespace.
    The stored text may come from pypdf, so the ends are matched when the whole is not."""
    textpage = pdf_page.get_textpage()
    text = textpage.get_text_range()
    visible = [i for i, ch in enumerate(text) if not ch.isspace()]
    squeezed = "".join(text[i] for i in visible)
    wanted = "".join(passage.replace(" | ", " ").split())  # table rows: ingest/pdf_rows.py adds the bars
    if not wanted or not squeezed:
        return []
    start = squeezed.find(wanted)
    if start >= 0:
        end = start + len(wanted)
    else:
        head, tail = wanted[:24], wanted[-24:]
        start, last = squeezed.find(head), squeezed.rfind(tail)
        if start < 0 or last < start:
            return []
        end = last + len(tail)
    first, final = visible[start], visible[end - 1]  # PDFium's text and char indices agree
    count = textpage.count_rects(first, final - first + 1)
    return [textpage.get_rect(i) for i in range(count)]
