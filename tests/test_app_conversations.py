"""Saved conversations in the page (AppTest, real library): listed per user, reopened after a
reload with their citations, never shown to another user, and a source whose collection the
user lost is shown as no longer available."""

import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from team.conversations import Conversations
from team.users import Users
from tests.cli import ROOT, run
from tests.pdfs import make_pdf
from ui import auth, signin
from ui.session import issue, secret_key

pytestmark = pytest.mark.integration
FINANCE = "星河科技二〇二五年的营业收入为八十八亿元，净利润为九亿元。"
QUESTION = "营业收入是多少？"


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data_dir = tmp_path / "lib"
    pdf = make_pdf(tmp_path / "finance.pdf", [FINANCE])
    assert run("ingest", "add", "--collection", "finance", str(pdf), data_dir=data_dir).returncode == 0
    users = Users(data_dir / "users.json")
    users.add("alice", "a long password!", ["finance"])
    users.add("bob", "another password", ["finance"])
    monkeypatch.setenv("RAG_DATA_DIR", str(data_dir))
    monkeypatch.setenv("RAG_LLM_BASE_URL", "")
    monkeypatch.setenv("RAG_AUTH", "password")
    st.cache_resource.clear()
    st.cache_data.clear()
    return data_dir


@pytest.fixture
def cookie(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The sign-in cookie the browser sends (AppTest sends none: the page's reader is replaced,
    as in test_access.py; the real sign-in page is tested in test_server.py)."""
    sent: list[str | None] = [None]
    monkeypatch.setattr(signin, "MOUNTED", True)
    monkeypatch.setattr(auth, "session_cookie", lambda: sent[0])
    return sent


def page(address: dict[str, str] | None = None) -> AppTest:
    """A fresh browser session (a reload), at an address with these query parameters."""
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180)
    for key, value in (address or {}).items():
        app.query_params[key] = value
    return app


def signed_in(app: AppTest, cookie: list[str | None], data_dir: Path, name: str) -> AppTest:
    user = Users(data_dir / "users.json").get(name)
    assert user is not None
    cookie[0] = issue(user, secret_key("", data_dir), int(time.time()) + 600)
    return app.run()


def listed(app: AppTest) -> list[str]:
    return [b.label for b in app.sidebar.button if b.key and b.key.startswith("conv-")]


def test_a_conversation_is_kept_reopened_and_private(library, cookie):
    app = signed_in(page(), cookie, library, "alice")
    app = app.chat_input[0].set_value(QUESTION).run()
    assert not app.exception
    first = app.chat_message[1]
    assert "八十八亿元" in first.markdown[0].value
    kept = Conversations(library).of("alice")
    assert [c.title for c in kept] == [QUESTION]
    conversation_id = kept[0].conversation_id
    assert app.query_params["c"] == [conversation_id] or app.query_params["c"] == conversation_id

    app = signed_in(page(), cookie, library, "alice")  # a reload: a new session, nothing on the page
    assert not app.chat_message and listed(app) == [QUESTION]
    app = app.sidebar.button(key=f"conv-{conversation_id}").click().run()
    assert [m.name for m in app.chat_message] == ["user", "assistant"]
    answer = app.chat_message[1]
    assert "八十八亿元" in answer.markdown[0].value
    assert answer.expander[0].label.replace("\\", "") == "[1] finance.pdf, p. 1"  # its citation, as given

    app = signed_in(page({"c": conversation_id}), cookie, library, "alice")  # the address reopens it
    assert "八十八亿元" in app.chat_message[1].markdown[0].value

    app = signed_in(page({"c": conversation_id}), cookie, library, "bob")  # bob, same collection
    assert not app.chat_message and listed(app) == []
    app = app.chat_input[0].set_value("净利润是多少？").run()
    assert [c.title for c in Conversations(library).of("bob")] == ["净利润是多少？"]
    assert len(Conversations(library).turns("alice", conversation_id)) == 1  # not added to alice's

    Users(library / "users.json").revoke("alice", "finance")
    app = signed_in(page({"c": conversation_id}), cookie, library, "alice")
    answer = app.chat_message[1]
    shown = " ".join(m.value for m in answer.markdown)
    assert "no longer available" in shown and not answer.expander  # no passage of finance.pdf
    assert "八十八亿元" not in shown and "星河科技" not in shown  # nor the answer's quote of it
    app = app.chat_input[0].set_value("净利润呢？").run()  # a follow-up: the withheld quote stays out
    assert not app.exception and "八十八亿元" not in " ".join(m.value for m in app.chat_message[1].markdown)


def test_new_rename_and_delete(library, cookie):
    app = signed_in(page(), cookie, library, "alice")
    app = app.chat_input[0].set_value(QUESTION).run()
    conversation_id = Conversations(library).of("alice")[0].conversation_id
    app.sidebar.text_input(key=f"conv-name-{conversation_id}").input("Revenue")
    app = app.sidebar.button(key="conv_rename").click().run()
    assert listed(app) == ["Revenue"]
    app = app.sidebar.button(key="new_chat").click().run()
    assert not app.chat_message
    app = app.chat_input[0].set_value("净利润是多少？").run()
    assert listed(app) == ["净利润是多少？", "Revenue"]  # newest first
    app = app.sidebar.button(key=f"conv-{conversation_id}").click().run()
    app = app.sidebar.button(key="conv_delete").click().run()
    app = app.sidebar.button(key="conv_yes_delete").click().run()
    assert listed(app) == ["净利润是多少？"] and not app.chat_message
