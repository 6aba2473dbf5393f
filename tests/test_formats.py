"""Every new format through the real reader child process and the CLI, and a passage's place
from the reader to the citation shown in both interface languages."""

import json
import shutil

import opencc
import pytest

from ingest.pipeline import prepare
from ingest.records import Page
from ingest.store import Store
from rag.citations import resolve
from rag.retrieve import Retriever
from tests.cli import run, run_json
from tests.office import make_csv, make_docx, make_html, make_pptx, make_xlsx
from tests.pdfs import text_image
from ui.i18n import STRINGS
from ui.places import source_label

pytestmark = pytest.mark.integration
MAKERS = {"docx": make_docx, "pptx": make_pptx, "xlsx": make_xlsx, "csv": make_csv, "html": make_html}


def test_extract_json_gives_each_page_its_place_for_every_format(tmp_path):
    expected = {
        "docx": "2.1 Background", "pptx": "slide 3", "xlsx": "Income!A1:C4",
        "csv": "rows 1–4", "html": "2.1 Background",
    }  # fmt: skip
    for kind, make in MAKERS.items():
        path = make(tmp_path / f"sample.{kind}")
        pages = run_json("ingest", "extract", str(path), data_dir=tmp_path / "lib")["pages"]
        assert all(list(p)[:2] == ["page", "place"] for p in pages), pages
        assert expected[kind] in [p["place"] for p in pages], (kind, pages)
        assert any("10,208.6" in p["text"] or "10208.6" in p["text"] for p in pages), kind
        assert {p["source"] for p in pages} == {kind}


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
def test_a_picture_is_read_by_ocr(tmp_path):
    path = tmp_path / "photo.png"
    text_image("长江是中国最长的河流。\nThe Yangtze flows east.").save(path)
    jpg = tmp_path / "photo.jpg"
    text_image("Invoice number 4471").convert("RGB").save(jpg, quality=90)
    page = run_json("ingest", "extract", str(path), data_dir=tmp_path / "lib")["pages"][0]
    simplified = opencc.OpenCC("t2s").convert(page["text"])  # tesseract may pick the traditional forms
    assert page["source"] == "ocr" and "长江是中国最长的河流" in simplified and "Yangtze" in page["text"]
    page = run_json("ingest", "extract", str(jpg), data_dir=tmp_path / "lib")["pages"][0]
    assert "4471" in page["text"]


def test_add_takes_a_folder_of_new_formats_and_refuses_an_unknown_type(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for kind, make in MAKERS.items():
        make(folder / f"sample.{kind}")
    (folder / "ignored.exe").write_bytes(b"MZ")
    done = run("ingest", "add", str(folder), data_dir=tmp_path / "lib")
    assert done.returncode == 0, done.stderr
    listed = json.loads(run("ingest", "list", "--json", data_dir=tmp_path / "lib").stdout)["documents"]
    assert sorted(d["name"] for d in listed) == sorted(f"sample.{kind}" for kind in MAKERS)
    refused = run("ingest", "add", str(folder / "ignored.exe"), data_dir=tmp_path / "lib")
    assert refused.returncode == 1 and "unsupported file type '.exe'" in refused.stderr


def test_a_citation_shows_the_slide_in_both_languages(tmp_path, fake_embedder):
    pages = [
        Page(1, "Quarterly review", "pptx", place="slide 1"),
        Page(2, "华东地区销售额增长百分之十八。", "pptx", place="slide 2"),
        Page(3, "Line item | FY2023\nNet sales | 10,208.6", "pptx", place="slide 3"),
    ]
    store = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    store.add([prepare("deck", "deck.pptx", 10, pages, fake_embedder, 64, 8)])
    reopened = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    hits = Retriever(reopened, fake_embedder).search("华东地区销售额", k=1)
    citation = resolve("销售额增长了 [1]", hits).citations[0]
    assert (citation.place, citation.page) == ("slide 2", 2)
    args = (citation.n, citation.doc, citation.page, citation.page_end, citation.place)
    assert source_label(STRINGS["zh"], *args) == "[1] deck\\.pptx，第 2 张幻灯片"
    assert source_label(STRINGS["en"], *args) == "[1] deck\\.pptx, slide 2"
    assert source_label(STRINGS["en"], 1, "a.pdf", 4, 5, "") == "[1] a\\.pdf, p. 4–5"
    sheet = source_label(STRINGS["zh"], 2, "b.xlsx", 1, 1, "Income!A2:C9")
    assert sheet == "[2] b\\.xlsx，Income\\!A2\\:C9"  # escaped for markdown: shown as typed


def test_a_library_made_before_places_gets_the_column_and_keeps_its_passages(tmp_path, fake_embedder):
    store = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    store.add(
        [prepare("old", "old.pdf", 10, [Page(1, "长江是中国最长的河流。", "pypdf")], fake_embedder, 64, 8)]
    )
    for table in ("chunks", "pages"):
        store._db.execute(f"ALTER TABLE {table} DROP COLUMN place")  # as an older version made it
    store._db.commit()
    store.close()
    reopened = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    assert [(c.text, c.place) for c in reopened.chunks()] == [("长江是中国最长的河流。", "")]
    assert reopened.pages("old")[0].place == ""
