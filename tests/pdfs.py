"""Test PDFs generated with a CJK font, so tests need no files from elsewhere."""

import subprocess
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import EncryptionMethod, TextMode
from PIL import Image, ImageDraw, ImageFont

from bench.hostile import bomb

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
]


def cjk_font() -> Path:
    """A TrueType font with Chinese glyphs; tools/system-deps.sh installs one."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return Path(candidate)
    listing = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True)
    for line in listing.stdout.splitlines():
        path = Path(line.split(":")[0])
        if path.suffix.lower() in (".ttf", ".ttc"):
            return path
    raise RuntimeError("no CJK TrueType font found: run `sh tools/system-deps.sh` (fonts-wqy-microhei)")


def make_pdf(path: Path, pages: list[str], password: str | None = None) -> Path:
    """A PDF with one page per string, text embedded with a CJK font."""
    pdf = FPDF()
    pdf.add_font("cjk", fname=str(cjk_font()))
    pdf.set_font("cjk", size=11)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 7, text)
    if password is not None:
        pdf.set_encryption(
            owner_password="owner-" + password,
            user_password=password,
            encryption_method=EncryptionMethod.AES_128,
        )
    pdf.output(str(path))
    return path


def text_image(text: str, size: int = 40) -> Image.Image:
    """Black text on white, as a scanner would see a printed page (no text layer)."""
    font = ImageFont.truetype(str(cjk_font()), size)
    lines = text.split("\n")
    image = Image.new("L", (1600, 120 + len(lines) * int(size * 1.6)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((60, 60 + i * int(size * 1.6)), line, font=font, fill=0)
    return image


def make_scanned_pdf(path: Path, pages: list[str], header: str = "") -> Path:
    """A PDF whose pages are pictures of text; `header`, if given, is a real text line above."""
    pdf = FPDF()
    if header:
        pdf.add_font("cjk", fname=str(cjk_font()))
        pdf.set_font("cjk", size=11)
    for text in pages:
        pdf.add_page()
        if header:
            pdf.cell(0, 8, header)
        pdf.image(text_image(text), x=10, y=25, w=190)
    pdf.output(str(path))
    return path


def make_bomb_pdf(path: Path, megabytes: int) -> Path:
    """A decompression bomb: a small PDF whose page inflates to `megabytes` MB."""
    path.write_bytes(bomb(megabytes))
    return path


def page_scan(text: str, size: int = 36) -> Image.Image:
    """A whole A4 page scanned at 150 dpi: black text from the top, white below."""
    font = ImageFont.truetype(str(cjk_font()), size)
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(text.split("\n")):
        draw.text((90, 160 + i * int(size * 1.7)), line, font=font, fill=0)
    return image


def make_stamped_scan(path: Path, pages: list[str], stamp: str) -> Path:
    """Scanned pages each under a one-line text stamp ("... Page 1 of 2"), as courts file them."""
    pdf = FPDF()
    pdf.add_font("cjk", fname=str(cjk_font()))
    pdf.set_font("cjk", size=9)
    for number, text in enumerate(pages, 1):
        pdf.add_page()
        pdf.image(page_scan(text), x=0, y=0, w=210, h=297)
        pdf.set_xy(10, 5)
        pdf.cell(0, 5, stamp.format(page=number, pages=len(pages)))
    pdf.output(str(path))
    return path


def make_scan_with_layer(path: Path, shown: str, layer: str) -> Path:
    """A scanned page with an invisible text layer saying `layer` (an old OCR's reading)."""
    pdf = FPDF()
    pdf.add_font("cjk", fname=str(cjk_font()))
    pdf.set_font("cjk", size=11)
    pdf.add_page()
    pdf.image(page_scan(shown), x=0, y=0, w=210, h=297)
    pdf.text_mode = TextMode.INVISIBLE
    pdf.set_xy(15, 25)
    pdf.multi_cell(0, 8, layer)
    pdf.output(str(path))
    return path


def make_table_pdf(path: Path, intro: str, rows: list[list[str]]) -> Path:
    """A page with a paragraph and a ruled table drawn as text (a financial statement)."""
    pdf = FPDF()
    pdf.add_font("cjk", fname=str(cjk_font()))
    pdf.set_font("cjk", size=10)
    pdf.add_page()
    pdf.multi_cell(0, 6, intro)
    pdf.ln(4)
    plain = FontFace(emphasis="")  # the CJK font has no bold face
    with pdf.table(
        col_widths=(70, 35, 35), text_align=("LEFT", "RIGHT", "RIGHT"), headings_style=plain
    ) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.output(str(path))
    return path
