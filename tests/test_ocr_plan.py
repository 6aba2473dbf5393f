"""OCR decisions by what the page is: a stamp over a scan is OCRed and joined, a garbled text
layer is compared with a fresh OCR, a clean text page is left alone."""

import shutil

import opencc
import pypdfium2
import pytest

from ingest.ocr import TEXT_LAYER_KEPT, ocr_pages
from ingest.ocr_plan import Plan, apply_ocr, new_lines, plan_page
from ingest.pdf import load_pdf
from ingest.plausible import plausibility
from ingest.rapid import MAX_THREADS, RapidOcr, _engine, threads
from ingest.records import Page
from tests.cli import run_json
from tests.pdfs import make_pdf, make_scan_with_layer, make_stamped_scan

STAMP = "Case 1:21-cv-01234-ABC Document 17 Filed 09/14/21 Page {page} of {pages}"
ORDER = [
    "ORDER GRANTING MOTION TO DISMISS\nThe motion to dismiss is granted in part.\n"
    "本院裁定驳回原告的全部诉讼请求。",
    "The Clerk of Court is directed to close the case.\n案件受理费由原告负担。",
]
TRUE_SHEET = (
    "资产负债表 2023年12月31日\n预计负债合计 111,824.05 万元\n应付账款 52,310.20 万元\n"
    "短期借款 18,000.00 万元\n长期借款 40,500.00 万元\n盈余公积 9,876.54 万元\n未分配利润 73,210.98 万元"
)
GARBLED_SHEET = (
    "资产负债表 2O23年l2月3l日 预汁负债合计 111, 824. · 05 万元 应忖账款 52, 310. · 20 万元 "
    "短朗借款 l8, 000. · 00 万元 长朝借款 4O, 500. · 00 万元 盈余公枳 9, 876. · 54 万元 "
    "未分配利闰 73, 210. · 98 万元 ZOq5 rnOney"
)


def plans(path):
    doc = pypdfium2.PdfDocument(path)
    try:
        return [plan_page(p, doc[p.page - 1]) for p in load_pdf(path)]
    finally:
        doc.close()


def test_a_stamp_over_a_scan_is_planned_for_ocr_and_a_text_page_is_not(tmp_path):
    stamped = plans(make_stamped_scan(tmp_path / "order.pdf", ORDER, STAMP))
    assert [p.mode for p in stamped] == ["join", "join"]  # type: ignore[union-attr]
    assert "stamp" in stamped[0].reason  # type: ignore[union-attr]
    text = plans(
        make_pdf(tmp_path / "text.pdf", ["长江是中国最长的河流。" * 20, "The Yangtze flows east. " * 20])
    )
    assert text == [None, None]


def test_a_garbled_text_layer_is_planned_for_comparison_and_a_clean_one_is_not(tmp_path):
    garbled = plans(make_scan_with_layer(tmp_path / "g.pdf", TRUE_SHEET, GARBLED_SHEET))
    assert garbled[0] is not None and garbled[0].mode == "compare"
    clean = plans(make_scan_with_layer(tmp_path / "c.pdf", TRUE_SHEET, TRUE_SHEET.replace("\n", " ")))
    assert clean == [None]
    assert plausibility(GARBLED_SHEET).score < 0.8 <= plausibility(TRUE_SHEET).score


def test_joined_ocr_text_does_not_repeat_the_stamp():
    stamp = STAMP.format(page=1, pages=2)
    ocr = "Case 1:21-cv-01234-ABC Document 17 Fi1ed 09/14/21 Page 1 of 2\nORDER GRANTING MOTION"
    assert new_lines(stamp, ocr) == "ORDER GRANTING MOTION"
    page = apply_ocr(Page(1, stamp, "pypdf"), Plan(1, "join", "a stamp"), ocr)
    assert page.text == stamp + "\n\nORDER GRANTING MOTION" and page.source == "ocr"


def test_the_more_plausible_text_wins_a_comparison():
    plan = Plan(1, "compare", "garbled")
    kept = apply_ocr(Page(1, GARBLED_SHEET, "pypdf"), plan, TRUE_SHEET)
    assert kept.text == TRUE_SHEET and kept.source == "ocr" and "OCR kept" in kept.why
    worse = apply_ocr(Page(1, TRUE_SHEET, "pypdf"), plan, GARBLED_SHEET)
    assert worse.text == TRUE_SHEET and "text layer kept" in worse.why


needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="tesseract-ocr is not installed"
)


@pytest.mark.integration
@needs_tesseract
def test_extract_reads_the_body_under_a_stamp_and_says_why(tmp_path):
    pdf = make_stamped_scan(tmp_path / "order.pdf", ORDER, STAMP)
    pages = run_json("ingest", "extract", str(pdf), data_dir=tmp_path / "lib")["pages"]
    assert [p["source"] for p in pages] == ["ocr", "ocr"]
    first = pages[0]["text"]
    assert first.startswith(STAMP.format(page=1, pages=2)) and first.count("Filed 09/14/21") == 1
    squeezed = "".join(first.split())  # RapidOCR may drop the spaces between capitals
    assert "MOTIONTODISMISS" in squeezed and "motiontodismissisgranted" in squeezed and "驳回原告" in first
    assert "案件受理费" in pages[1]["text"]
    assert "stamp" in pages[0]["why"] and "joined" in pages[0]["why"]


@pytest.mark.integration
@needs_tesseract
@pytest.mark.parametrize("engine", ["rapidocr", "tesseract"])
def test_extract_replaces_a_garbled_text_layer_with_a_better_ocr(tmp_path, engine):
    pdf = make_scan_with_layer(tmp_path / "sheet.pdf", TRUE_SHEET, GARBLED_SHEET)
    found = run_json("ingest", "extract", str(pdf), data_dir=tmp_path / "lib", RAG_OCR_ENGINE=engine)
    page = found["pages"][0]
    assert page["source"] == "ocr" and "garbled" in page["why"] and "OCR kept" in page["why"]
    text = opencc.OpenCC("t2s").convert(page["text"])  # tesseract may read traditional forms
    assert "预计负债合计" in text and "111,824.05" in text and "预汁" not in text


@pytest.mark.integration
def test_extract_says_why_a_text_layer_was_kept_and_a_good_ocr_layer_is_not_read_again(tmp_path):
    scan = make_scan_with_layer(tmp_path / "good.pdf", TRUE_SHEET, TRUE_SHEET.replace("\n", " "))
    text = make_pdf(tmp_path / "text.pdf", ["长江是中国最长的河流。" * 20])
    for path in (scan, text):
        page = run_json("ingest", "extract", str(path), data_dir=tmp_path / "lib")["pages"][0]
        assert page["source"] != "ocr" and page["why"] == TEXT_LAYER_KEPT, page


class BrokenEngine:
    """Fails on every page as an OCR library can (out of memory in onnxruntime)."""

    dpi = 72

    def missing(self) -> str:
        return ""

    def read(self, png: bytes) -> str:
        raise RuntimeError("Traceback ...\nonnxruntime: Failed to allocate memory")


def test_an_engine_failing_on_a_page_keeps_the_page_and_says_so(tmp_path):
    path = make_stamped_scan(tmp_path / "order.pdf", ORDER[:1], STAMP)
    pages, warnings = ocr_pages(path, None, load_pdf(path), BrokenEngine())  # type: ignore[arg-type]
    assert pages[0].text == STAMP.format(page=1, pages=1)
    assert [(w.code, w.params["page"]) for w in warnings] == [("ocr_failed", "1")]
    assert warnings[0].message == (
        "OCR failed on page 1 (RuntimeError: onnxruntime: Failed to allocate memory): its text layer is kept"
    )


def failing_runtime(*args, **kwargs):
    raise RuntimeError(
        "[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : Non-zero status code returned while running Conv node"
    )


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
def test_a_page_rapidocr_fails_on_is_read_once_with_tesseract(tmp_path, monkeypatch):
    path = make_stamped_scan(tmp_path / "order.pdf", ORDER[:1], STAMP)
    monkeypatch.setattr("ingest.rapid._engine", lambda: failing_runtime)
    pages, warnings = ocr_pages(path, None, load_pdf(path), RapidOcr(dpi=150, fallback="eng"))
    assert "GRANTING" in pages[0].text and STAMP.format(page=1, pages=1) in pages[0].text
    assert [(w.code, w.params["page"]) for w in warnings] == [("ocr_second_engine", "1")]
    assert "RuntimeError" in warnings[0].message and "read with tesseract instead" in warnings[0].message
    pages, warnings = ocr_pages(path, None, load_pdf(path), RapidOcr(dpi=150))  # no second engine
    assert pages[0].text == STAMP.format(page=1, pages=1) and warnings[0].code == "ocr_failed"


def test_rapidocr_sessions_use_few_threads(monkeypatch):
    import rapidocr_onnxruntime

    made = []
    monkeypatch.setattr(rapidocr_onnxruntime, "RapidOCR", lambda **options: made.append(options))
    _engine.cache_clear()
    try:
        _engine()
    finally:
        _engine.cache_clear()
    assert made == [{"intra_op_num_threads": threads(), "inter_op_num_threads": 1}]
    assert 1 <= threads() <= MAX_THREADS
