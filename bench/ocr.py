"""python -m bench ocr [DIR]: the OCR engines side by side, on scans made here with known
text (Chinese and English, clean and scanner-like) and on the scanned PDFs under DIR: share of
the known characters read right, and seconds per page."""

import argparse
import difflib
import io
import json
import sys
import time
from pathlib import Path

import pypdfium2
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ingest.ocr import Tesseract, render_page
from ingest.rapid import RapidOcr
from ingest.settings import DEFAULT_OCR_LANGUAGES

KNOWN = {
    "zh": "长江是中国最长的河流，全长约6300公里，\n流经青海、西藏、四川、云南等十一个省区市，\n"
    "最后在上海注入东海。2023年营业收入为10,208.6亿元。",
    "zh_tw": "臺灣的玉山海拔3952公尺，是東亞最高峰，\n位於南投縣、嘉義縣與高雄市的交界。",
    "en": "The Yangtze River flows into the East China Sea.\n"
    "Net sales rose to 10,208.6 million in fiscal 2023,\nand diluted earnings per share were 3.52.",
}
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SCANS = ["zh/jsvine__issue-203-decimalize.pdf", "en/pdfminer__175.pdf", "zh/chatchat-space__ocr_test.pdf"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ocr", description=__doc__)
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    engines = {"tesseract": Tesseract(DEFAULT_OCR_LANGUAGES), "rapidocr": RapidOcr()}
    report: dict[str, object] = {"known": known_text(engines)}
    if options.folder and options.folder.is_dir():
        report["scans"] = shared_scans(engines, options.folder)
    print(json.dumps(report, ensure_ascii=False, indent=None if options.json else 1))
    return 0


def scan_image(text: str, noisy: bool) -> bytes:
    """Black text on a white A4-wide page at 300 dpi (about 11 pt); `noisy` tilts, blurs and
    compresses it like an office scanner."""
    font = ImageFont.truetype(FONT, 46)
    lines = text.split("\n")
    image = Image.new("L", (2480, 200 + 80 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((150, 100 + 80 * i), line, font=font, fill=0)
    if noisy:
        image = image.rotate(0.7, fillcolor=255, expand=False).filter(ImageFilter.GaussianBlur(1.2))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=40)
        image = Image.open(io.BytesIO(out.getvalue())).convert("L")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def right_share(known: str, read: str) -> float:
    """Share of the known characters (whitespace aside) found in order in what was read."""
    a, b = "".join(known.split()), "".join(read.split())
    matched = sum(
        block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    )
    return matched / len(a)


def known_text(engines: dict) -> dict[str, dict[str, dict[str, float]]]:
    results: dict[str, dict[str, dict[str, float]]] = {}
    for name, engine in engines.items():
        rows = {}
        for lang, text in KNOWN.items():
            for noisy in (False, True):
                png = scan_image(text, noisy)
                start = time.perf_counter()
                read = engine.read(png)
                rows[f"{lang}{'_noisy' if noisy else ''}"] = {
                    "right": round(right_share(text, read), 3),
                    "s": round(time.perf_counter() - start, 2),
                }
        results[name] = rows
    return results


def shared_scans(engines: dict, folder: Path) -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    for name in SCANS:
        path = folder / name
        if not path.exists():
            continue
        doc = pypdfium2.PdfDocument(path)
        pngs = [render_page(doc[i], 300) for i in range(len(doc))]
        doc.close()
        for engine_name, engine in engines.items():
            start = time.perf_counter()
            texts = [engine.read(png) for png in pngs]
            seconds = time.perf_counter() - start
            results.setdefault(name, {})[engine_name] = {
                "s_per_page": round(seconds / len(pngs), 2),
                "chars": sum(len("".join(t.split())) for t in texts),
                "sample": texts[0][:160],
            }
    return results


if __name__ == "__main__":
    sys.exit(main())
