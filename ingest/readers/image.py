"""Pictures (.png, .jpg) -> one page read by OCR; a picture too large to decode safely is refused."""

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from ingest.errors import IngestError
from ingest.notice import Notice, notice
from ingest.ocr import Engine, read_png
from ingest.records import Page
from ingest.textclean import clean_page_text

MAX_PIXELS = 80_000_000  # past this Pillow refuses to decode (a decompression bomb)
OCR_PIXELS = 40_000_000  # larger pictures are shrunk before OCR


def read_image(path: Path, engine: Engine | None) -> tuple[list[Page], list[Notice]]:
    """The picture's text; without an OCR engine one empty page and a warning."""
    png = image_png(path)
    if engine is None:
        return [Page(page=1, text="", source="ocr")], [notice("ocr_off_picture")]
    if reason := engine.missing():
        return [Page(page=1, text="", source="ocr")], [notice("ocr_missing_picture", reason=reason)]
    text, failed = read_png(engine, png)
    page = Page(page=1, text=clean_page_text(text), source="ocr", why="a picture: OCR is its only text")
    return [page], [notice("ocr_second_engine_picture", detail=failed)] if failed else []


def image_png(path: Path) -> bytes:
    """The picture upright, in grey, as PNG bytes for the OCR engine."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as opened:
                image = ImageOps.exif_transpose(opened).convert("L")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise IngestError(f"the picture is too large to read safely ({exc})", "image_too_large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise IngestError(
            f"not a picture that can be read (damaged or another format: {exc})", "not_image", detail=exc
        ) from exc
    pixels = image.width * image.height
    if pixels > OCR_PIXELS:
        scale = (OCR_PIXELS / pixels) ** 0.5
        image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
