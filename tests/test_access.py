"""Users and collections: passwords kept only as strong hashes; a user sees, searches and gets
citations only from the collections they belong to, in the retrieval layer, the CLI and the app."""

import json
import stat
import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ingest.pipeline import prepare
from ingest.records import Page
from ingest.store import Store
from rag.answer import Answer, ask
from rag.retrieve import MODES, Retriever
from team.users import User, Users, check_password, collections_of, hash_password
from tests.cli import ROOT, run, run_json
from tests.fakes import FakeLLM
from tests.pdfs import make_pdf
from ui import auth, signin
from ui.session import issue, secret_key

FINANCE = "星河科技二〇二五年的营业收入为八十八亿元，净利润为九亿元。"
HR = "星河科技二〇二五年共有员工三千二百人，平均年薪为二十一万元。"


def test_passwords_are_stored_only_as_salted_scrypt_hashes(tmp_path):
    users = Users(tmp_path / "users.json")
    users.add("alice", "correct horse", ["finance"])
    users.add("bob", "correct horse", ["hr"])
    text = (tmp_path / "users.json").read_text()
    assert "correct horse" not in text
    stored = {u["name"]: u["password_hash"] for u in json.loads(text)["users"]}
    assert stored["alice"].startswith("scrypt$32768$8$1$") and stored["alice"] != stored["bob"]
    assert stat.S_IMODE((tmp_path / "users.json").stat().st_mode) == 0o600
    signed_in = users.verify("alice", "correct horse")
    assert signed_in is not None and (signed_in.name, signed_in.collections) == ("alice", ["finance"])
    assert signed_in.password_hash == stored["alice"]
    assert users.verify("alice", "wrong horse") is None
    assert users.verify("nobody", "correct horse") is None
    assert not check_password("x", "md5$abc")
    with pytest.raises(ValueError, match="at least 10 characters"):
        hash_password("short")
    with pytest.raises(ValueError, match="already a user named 'alice'"):
        users.add("alice", "another password", [])


def test_membership_changes_and_bad_names(tmp_path):
    users = Users(tmp_path / "users.json")
    users.add("carol@example.com", None, [])  # an OIDC user: no password at all
    assert users.verify("carol@example.com", "") is None
    users.grant("carol@example.com", "finance")
    users.grant("carol@example.com", "hr")
    users.revoke("carol@example.com", "finance")
    assert collections_of(users.get("carol@example.com")) == ["hr"]  # type: ignore[arg-type]
    assert collections_of(User("root", ["*"])) is None
    with pytest.raises(ValueError, match="collection name"):
        users.grant("carol@example.com", "../etc")
    with pytest.raises(ValueError, match="no user named 'dave'"):
        users.grant("dave", "hr")
    (tmp_path / "users.json").write_text("{not json")
    with pytest.raises(ValueError, match=r"users file .* is damaged"):
        users.all()


def two_collections(tmp_path: Path, embedder, index: str = "local", request=None) -> Store:  # type: ignore[no-untyped-def]
    store = open_store(tmp_path, embedder, index, request)
    entries = []
    for name, text, collection in (("finance", FINANCE, "finance"), ("hr", HR, "hr")):
        page = [Page(1, text, "text")]
        entries.append(prepare(name, f"{name}.pdf", 1, page, embedder, 40, 8, collection=collection))
    store.add(entries)
    return store


def open_store(tmp_path: Path, embedder, index: str, request) -> Store:  # type: ignore[no-untyped-def]
    """A local store, or one whose passages live in the embedded Milvus (closed after the test)."""
    if index == "local":
        return Store(tmp_path / "lib", embedder.name, embedder.dim)
    pytest.importorskip("milvus_lite", reason="the milvus extra: pip install '.[milvus]'")
    from ingest.milvus import Passages
    from ingest.milvus_store import MilvusStore

    passages = Passages.open(str(tmp_path / "milvus.db"), "", "lib", embedder.dim)
    request.addfinalizer(passages.close)
    return MilvusStore(tmp_path / "lib", embedder.name, embedder.dim, passages)


def retriever_of(store: Store, embedder) -> Retriever:  # type: ignore[no-untyped-def]
    from ingest.milvus_store import MilvusStore
    from rag.milvus_engine import MilvusEngine

    if isinstance(store, MilvusStore):
        return Retriever(store, embedder, engine=MilvusEngine(store, embedder, store.passages))
    return Retriever(store, embedder)


@pytest.mark.parametrize("index", ["local", pytest.param("milvus", marks=pytest.mark.integration)])
def test_retrieval_never_returns_another_collections_passages(tmp_path, fake_embedder, index, request):
    retriever = retriever_of(two_collections(tmp_path, fake_embedder, index, request), fake_embedder)
    for mode in MODES:
        assert {h.doc_id for h in retriever.search(HR, k=5, mode=mode)} == {"hr", "finance"}
        assert {h.doc_id for h in retriever.search(HR, k=5, mode=mode, collections=["finance"])} == {
            "finance"
        }
        asked = retriever.search(HR, k=5, mode=mode, doc_ids=["hr"], collections=["finance"])
        assert asked == []  # naming a document of another collection does not reach it
        assert retriever.search(HR, k=5, mode=mode, collections=[]) == []
    events = list(ask("员工有多少人？", retriever, FakeLLM(["三千二百人 [1]"]), collections=["finance"]))
    answer = events[-1]
    assert isinstance(answer, Answer)
    assert answer.citations and {c.doc_id for c in answer.citations} == {"finance"}  # cited or not


@pytest.mark.integration  # the command line in child processes / the page in AppTest
def test_cli_shows_each_user_only_their_collections(tmp_path):
    data_dir = tmp_path / "lib"
    finance = make_pdf(tmp_path / "finance.pdf", [FINANCE])
    hr = make_pdf(tmp_path / "hr.pdf", [HR])
    assert run("ingest", "add", "--collection", "finance", str(finance), data_dir=data_dir).returncode == 0
    assert run("ingest", "add", "--collection", "hr", str(hr), data_dir=data_dir).returncode == 0
    added = run("ingest", "users", "add", "alice", "finance", "--password-stdin", data_dir=data_dir,
                input_text="a long password\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    listing = run("ingest", "users", "list", data_dir=data_dir).stdout
    assert "alice  password  finance" in listing and "scrypt" not in listing
    names = [d["name"] for d in run_json("ingest", "list", "--user", "alice", data_dir=data_dir)["documents"]]
    assert names == ["finance.pdf"]
    hits = run_json("rag", "search", HR, "-k", "5", "--user", "alice", data_dir=data_dir)["hits"]
    assert hits and {h["doc"] for h in hits} == {"finance.pdf"}
    answer = run_json(
        "rag", "ask", "员工有多少人？", "--user", "alice", data_dir=data_dir, RAG_LLM_BASE_URL=""
    )
    assert {c["doc"] for c in answer["citations"]} == {"finance.pdf"}
    assert run("ingest", "users", "grant", "alice", "hr", data_dir=data_dir).returncode == 0
    hits = run_json("rag", "search", HR, "-k", "1", "--user", "alice", data_dir=data_dir)["hits"]
    assert [h["doc"] for h in hits] == ["hr.pdf"]
    unknown = run("rag", "search", HR, "--user", "mallory", data_dir=data_dir)
    assert unknown.returncode == 1 and "no user named 'mallory'" in unknown.stderr


@pytest.fixture
def secured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data_dir = tmp_path / "lib"
    for name, text in (("finance", FINANCE), ("hr", HR)):
        pdf = make_pdf(tmp_path / f"{name}.pdf", [text])
        assert run("ingest", "add", "--collection", name, str(pdf), data_dir=data_dir).returncode == 0
    Users(data_dir / "users.json").add("alice", "a long password", ["finance"])
    monkeypatch.setenv("RAG_DATA_DIR", str(data_dir))
    monkeypatch.setenv("RAG_LLM_BASE_URL", "")
    monkeypatch.setenv("RAG_AUTH", "password")
    st.cache_resource.clear()
    st.cache_data.clear()
    return data_dir


def signed_cookie(data_dir: Path, name: str) -> str:
    """The cookie the sign-in page (ui/signin.py) gives; AppTest can't send cookies, so the
    page's reader of it is replaced (the real browser path is in tests/test_server.py)."""
    user = Users(data_dir / "users.json").get(name)
    assert user is not None
    return issue(user, secret_key("", data_dir), int(time.time()) + 600)


@pytest.mark.integration  # the command line in child processes / the page in AppTest
def test_app_asks_for_a_login_and_shows_only_the_users_collections(secured, monkeypatch):
    monkeypatch.setattr(signin, "MOUNTED", True)
    cookie: list[str | None] = [None]
    monkeypatch.setattr(auth, "session_cookie", lambda: cookie[0])
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180).run()
    assert not app.exception
    assert not app.dataframe and not app.chat_input and not app.tabs  # nothing before signing in
    assert not app.text_input  # no password is typed into the websocket session
    assert any("Please sign in" in i.value for i in app.info)
    cookie[0] = signed_cookie(secured, "alice")
    app = app.run()
    assert not app.exception
    assert list(app.dataframe[0].value["File"]) == ["finance.pdf"]
    assert app.selectbox(key="collection").options == ["finance"]
    app = app.chat_input[0].set_value("员工有多少人，平均年薪是多少？").run()
    answer = app.chat_message[1]
    shown = " ".join(m.value for m in answer.markdown) + " ".join(e.label for e in answer.expander)
    assert "finance" in shown and "hr.pdf" not in shown and "三千二百" not in shown
    app = app.button(key="logout").click().run()
    assert not app.dataframe and not app.chat_message  # the conversation left with the user
    app = app.run()  # the same cookie, after signing out: void
    assert not app.dataframe and any("Please sign in" in i.value for i in app.info)


@pytest.mark.integration  # the command line in child processes / the page in AppTest
def test_app_with_single_sign_on_shows_only_the_login_button(secured, monkeypatch):
    monkeypatch.setenv("RAG_AUTH", "oidc")
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180).run()
    assert not app.dataframe and not app.chat_input and not app.button
    shown = app.error[0].value  # not configured: asks for an admin (the server's log says how), shows nothing
    assert "tell an admin" in shown and "RAG_" not in shown.replace("\\", "")
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180)
    app.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}
    app = app.run()
    assert not app.dataframe and not app.chat_input
    assert [b.label for b in app.button] == ["Sign in with single sign-on (OIDC)"]
