"""The web page, headless through Streamlit's AppTest, on a real library in a temporary folder;
the LLM is absent (extractive answers) or a scripted fake."""

import html
import os
import re
import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import rag.llm
from ingest.jobs import Jobs
from tests.cli import ROOT
from tests.fakes import FakeLLM
from tests.pdfs import make_pdf
from tests.safety import ESCAPED

pytestmark = pytest.mark.integration

PAGES = [
    "第一章 公司简介\n星河科技有限公司成立于二〇一二年，总部位于杭州，主要从事数据存储设备的研发。",
    "第二章 地理知识\n长江是中国最长的河流，全长约6300公里，最后注入东海。",
]


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "lib"))
    monkeypatch.setenv("RAG_LLM_BASE_URL", "")
    st.cache_resource.clear()
    st.cache_data.clear()
    return AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180).run()


def chinese(app: AppTest) -> AppTest:
    return app.sidebar.radio[0].set_value("中文").run()


def upload(app: AppTest, name: str, data: bytes) -> AppTest:
    """Drop a file on the page and wait until the app's worker has indexed it."""
    return settle(app.file_uploader[0].upload(name, data, "application/pdf").run())


def settle(app: AppTest, timeout_s: float = 240) -> AppTest:
    """Run the page again once no file of the library is still being indexed."""
    jobs = Jobs(Path(os.environ["RAG_DATA_DIR"]))
    deadline = time.monotonic() + timeout_s
    while jobs.pending() and time.monotonic() < deadline:
        time.sleep(0.3)
    assert not jobs.pending(), "indexing did not finish"
    return app.run()


def plain(markup: str) -> str:
    """The text a reader sees in our HTML block."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def texts(elements) -> list[str]:  # type: ignore[no-untyped-def]
    """What a reader sees of these markdown elements: escapes resolved, no zero-width spaces."""
    return [ESCAPED.sub(r"\1", e.value).replace("\u200b", "") for e in elements]


def test_upload_indexes_at_once_and_lists_the_document(app, tmp_path):
    pdf = make_pdf(tmp_path / "星河科技.pdf", PAGES).read_bytes()
    chinese(app)
    app = upload(app, "星河科技.pdf", pdf)
    assert not app.exception
    assert any("星河科技.pdf：2 页" in s for s in texts(app.success))
    table = app.dataframe[0].value
    assert list(table["文件名"]) == ["星河科技.pdf"] and list(table["页数"]) == [2]
    assert "共 1 个文档" in texts(app.caption)


def test_one_bad_file_does_not_stop_the_others(app, tmp_path):
    good = make_pdf(tmp_path / "good.pdf", PAGES).read_bytes()
    uploader = app.file_uploader[0]
    uploader.upload("broken.pdf", good[:200], "application/pdf")  # dropped together
    app = settle(uploader.upload("good.pdf", good, "application/pdf").run())
    assert any("broken.pdf: the PDF is damaged" in e for e in texts(app.error))
    assert any("good.pdf: 2 pages" in s for s in texts(app.success))
    app = chinese(app)  # the reason is kept as a code: it is said in the reader's language
    assert any("broken.pdf：PDF 已损坏" in e for e in texts(app.error))


def test_encrypted_pdf_takes_its_password(app, tmp_path):
    locked = make_pdf(tmp_path / "locked.pdf", ["机密：项目代号为青鸟。"], password="s3cret").read_bytes()
    app = upload(app, "locked.pdf", locked)
    assert any("locked.pdf: the file is encrypted" in e for e in texts(app.error))
    job = Jobs(Path(os.environ["RAG_DATA_DIR"])).list()[0]
    app.text_input(key=f"password-job-{job.id}").input("s3cret")
    app = settle(app.button(key=f"unlock-job-{job.id}").click().run())
    assert any("locked.pdf: 1 pages" in s for s in texts(app.success))


def test_size_limit_is_shown_and_enforced(tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "lib"))
    monkeypatch.setenv("RAG_LLM_BASE_URL", "")
    monkeypatch.setenv("RAG_MAX_FILE_MB", "1")
    monkeypatch.setenv("RAG_MAX_UPLOAD_MB", "2")
    st.cache_resource.clear()
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=60).run()
    assert "up to 1 MB per file, 2 MB per upload, 2000 pages per file" in texts(app.caption)
    app = upload(app, "big.txt", b"x" * 1_500_000)
    assert any("1.5 MB is over the 1 MB limit" in e for e in texts(app.error))
    uploader = app.file_uploader[0]
    for i in range(3):  # three files of 0.9 MB dropped together: 2.7 MB in all
        uploader.upload(f"part{i}.txt", b"y" * 900_000, "text/plain")
    app = uploader.run()
    assert any("2.7 MB" not in e and "over the 2 MB limit" in e for e in texts(app.error))
    assert app.dataframe[0].value.empty  # nothing of that upload was read


def test_chat_answers_with_a_citation_of_the_page(app, tmp_path):
    app = upload(chinese(app), "星河科技.pdf", make_pdf(tmp_path / "a.pdf", PAGES).read_bytes())
    app = app.chat_input[0].set_value("长江有多长？").run()
    assert not app.exception
    answer = app.chat_message[1]
    shown = plain(answer.markdown[0].value)  # shown escaped: document text is not markup
    assert "6300公里" in shown and "[1]" in shown
    assert any("未配置大模型" in i for i in texts(answer.info))
    labels = [e.label.replace("\\", "") for e in answer.expander]
    assert labels[0] == "[1] 星河科技.pdf 第 2 页"
    assert "<mark>" in answer.expander[0].markdown[0].value  # the cited sentence is highlighted
    assert len(answer.expander[0].get("image")) == 1  # the page image with the passage marked


def test_llm_answer_and_new_conversation(tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "lib"))
    monkeypatch.setattr(rag.llm, "make_llm", lambda settings: FakeLLM(["长江全长约6300公里[1]。"]))
    st.cache_resource.clear()
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180).run()
    app = upload(app, "a.pdf", make_pdf(tmp_path / "a.pdf", PAGES).read_bytes())
    app = app.chat_input[0].set_value("How long is the Yangtze?").run()
    answer = app.chat_message[1]
    assert plain(answer.markdown[0].value) == "长江全长约6300公里[1]。"
    assert not answer.info  # no note: the model answered
    assert answer.expander[0].label.replace("\\", "") == "[1] a.pdf, p. 2"
    app = app.sidebar.button(key="new_chat").click().run()
    assert not app.chat_message


def test_filter_to_selected_documents(app, tmp_path):
    other = make_pdf(tmp_path / "b.pdf", ["黄河是中国第二长的河流，全长约5464公里。"]).read_bytes()
    uploader = app.file_uploader[0]
    uploader.upload("a.pdf", make_pdf(tmp_path / "a.pdf", PAGES).read_bytes(), "application/pdf")
    app = settle(uploader.upload("b.pdf", other, "application/pdf").run())
    doc_b = next(d for d in app.sidebar.multiselect[0].options if "b.pdf" in d)
    app = app.sidebar.multiselect[0].select(doc_b).run()
    app = app.chat_input[0].set_value("黄河有多长？").run()
    labels = [e.label.replace("\\", "") for e in app.chat_message[1].expander]
    assert labels and "b.pdf" in labels[0] and not any("a.pdf" in x for x in labels)
    app = app.chat_input[0].set_value("长江有多长？").run()  # only a.pdf answers it: filtered out
    reply = app.chat_message[3]
    shown = " ".join([*texts(reply.markdown), *(e.label for e in reply.expander)])
    assert "6300" not in shown and "a.pdf" not in shown
    declined = "文档中没有找到这个问题的答案"  # in the question's language
    assert any(declined in t for t in texts(reply.markdown)), shown


def test_delete_asks_for_confirmation(app, tmp_path):
    app = upload(app, "a.pdf", make_pdf(tmp_path / "a.pdf", PAGES).read_bytes())
    picker = app.multiselect(key="to_delete")
    app = picker.select(picker.options[0]).run()
    app = app.button(key="delete").click().run()
    assert any("Delete 1 document?" in w for w in texts(app.warning))
    app = app.button(key="yes_delete").click().run()
    assert "Deleted 1 document" in texts(app.success)
    assert "0 documents" in texts(app.caption)
    assert not app.file_uploader[0].value  # the deleted file is no longer shown as added
    app = upload(app, "a.pdf", make_pdf(tmp_path / "a.pdf", PAGES).read_bytes())
    assert any("a.pdf: 2 pages" in s for s in texts(app.success)) and "1 document" in texts(app.caption)


def test_sidebar_says_when_the_llm_is_unreachable(tmp_path, monkeypatch):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "lib"))
    monkeypatch.setenv("RAG_LLM_BASE_URL", f"http://127.0.0.1:{port}/v1")
    st.cache_resource.clear()
    st.cache_data.clear()
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=60).run()
    assert (
        f"The language model at http://127.0.0.1:{port}/v1 is not reachable" in app.sidebar.caption[0].value
    )


def test_a_slide_is_cited_by_its_number_and_an_unknown_type_is_refused_in_chinese(app, tmp_path):
    from tests.office import make_pptx

    app = chinese(app)
    uploader = app.file_uploader[0]
    uploader.upload("setup.exe", b"MZ\x90\x00", "application/octet-stream")
    app = settle(
        uploader.upload(
            "季度回顾.pptx", make_pptx(tmp_path / "deck.pptx").read_bytes(), "application/zip"
        ).run()
    )
    assert any("setup.exe：不支持的文件类型 .exe" in e and ".docx" in e for e in texts(app.error))
    assert any("季度回顾.pptx：3 页" in s for s in texts(app.success))
    app = app.chat_input[0].set_value("华东地区销售额增长了多少？").run()
    labels = [e.label.replace("\\", "") for e in app.chat_message[1].expander]
    assert re.fullmatch(r"\[1\] 季度回顾\.pptx，第 [123] 张幻灯片", labels[0]), labels


def test_a_question_asked_while_files_index_is_answered_and_others_see_the_job(tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "lib"))
    monkeypatch.setenv("RAG_LLM_BASE_URL", "")
    monkeypatch.setenv("RAG_APP_WORKER", "false")  # the job stays queued while we look
    st.cache_resource.clear()
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180).run()
    app = app.file_uploader[0].upload("a.pdf", make_pdf(tmp_path / "a.pdf", PAGES).read_bytes()).run()
    app = app.chat_input[0].set_value("长江有多长？").run()
    assert not app.exception
    assert len(app.chat_message) == 2  # the question and its reply: nothing was lost
    assert any("1 file is still being indexed" in c for c in texts(app.chat_message[1].caption))
    other = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180).run()  # another session
    assert any("a.pdf: waiting to be indexed" in i for i in texts(other.info))
    job = Jobs(tmp_path / "lib").list()[0]
    other = other.button(key=f"cancel-job-{job.id}").click().run()  # cancelled from that session
    assert Jobs(tmp_path / "lib").get(job.id).state == "cancelled"  # type: ignore[union-attr]
    assert any("a.pdf: cancelled" in c for c in texts(other.caption))
