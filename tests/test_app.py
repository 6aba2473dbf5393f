"""The minimal page, headless through Streamlit's AppTest, on a real library."""

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.cli import ROOT, run

pytestmark = pytest.mark.integration


def test_page_shows_the_library_and_searches_it(tmp_path, monkeypatch):
    doc = tmp_path / "handbook.md"
    doc.write_text("# 员工手册\n\n员工每年享有十五天带薪年假。", encoding="utf-8")
    data_dir = tmp_path / "lib"
    assert run("ingest", "add", str(doc), data_dir=data_dir).returncode == 0
    monkeypatch.setenv("RAG_DATA_DIR", str(data_dir))
    st.cache_resource.clear()
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=120).run()
    assert not app.exception
    assert "1 documents in the library" in app.caption[0].value
    app.text_input[0].input("年假有几天？").run()
    assert not app.exception
    assert "handbook.md, p. 1" in app.markdown[0].value
    assert "十五天带薪年假" in app.text[0].value
