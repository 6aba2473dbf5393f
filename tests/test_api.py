"""The HTTP API's logic, in process (FastAPI's TestClient, the fake embedder): tokens, and every
endpoint limited to the token user's collections, as the page is."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ingest.indexer import Indexing, run_job
from ingest.job import worker_name
from ingest.jobs import Jobs
from ingest.pipeline import prepare
from ingest.records import Page
from ingest.settings import load_settings
from ingest.store import Store
from ingest.tokens import Tokens
from rag.api import make_app
from rag.retrieve import Retriever
from team import audit
from team.users import Users
from tests.fakes import FakeLLM, TextReader

FINANCE = "星河科技二〇二五年的营业收入为八十八亿元，净利润为九亿元。"
HR = "星河科技二〇二五年共有员工三千二百人，平均年薪为二十一万元。"


@pytest.fixture
def api(tmp_path: Path, fake_embedder) -> tuple[TestClient, dict[str, str], Path]:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "lib"
    store = Store(data_dir, fake_embedder.name, fake_embedder.dim)
    entries = [
        prepare(name, f"{name}.pdf", 1, [Page(1, text, "text")], fake_embedder, 40, 8, collection=name)
        for name, text in (("finance", FINANCE), ("hr", HR))
    ]
    store.add(entries)
    users = Users(data_dir / "users.json")
    users.add("alice", None, ["finance"])
    users.add("root", None, ["*"])
    settings = load_settings({}, data_dir=data_dir, auth="password", llm_base_url="", max_file_mb=0.01)
    app = make_app(settings, Retriever(store, fake_embedder), None)
    tokens = {name: Tokens(data_dir).create(name)[1] for name in ("alice", "root")}
    return TestClient(app), tokens, data_dir


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


CALLS = [
    (
        "post",
        "/v1/chat/completions",
        {"json": {"model": "x", "messages": [{"role": "user", "content": "员工?"}]}},
    ),
    ("post", "/api/search", {"json": {"query": "员工"}}),
    ("get", "/api/documents", {}),
    ("delete", "/api/documents/finance", {}),
    ("post", "/api/documents", {"files": {"file": ("a.txt", b"hello")}, "data": {"collection": "finance"}}),
    ("get", "/v1/models", {}),
    ("get", "/api/jobs", {}),
    ("get", "/api/jobs/1", {}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), CALLS)
def test_every_endpoint_wants_a_valid_token(api, method, path, kwargs):
    client, tokens, data_dir = api
    for headers in ({}, auth("dq_not-a-token"), auth(tokens["alice"] + "x"), {"Authorization": "Basic abc"}):
        done = getattr(client, method)(path, headers=headers, **kwargs)
        assert done.status_code == 401, (headers, done.text)
    assert [d.name for d in Store(data_dir, "fake", 64).documents()] == ["finance.pdf", "hr.pdf"]


def test_search_and_documents_show_only_the_users_collections(api):
    client, tokens, _ = api
    hits = client.post("/api/search", json={"query": HR, "k": 5}, headers=auth(tokens["alice"])).json()[
        "hits"
    ]
    assert hits and {h["doc_id"] for h in hits} == {"finance"}
    everything = client.post("/api/search", json={"query": HR, "k": 5}, headers=auth(tokens["root"]))
    assert {h["doc_id"] for h in everything.json()["hits"]} == {"finance", "hr"}
    refused = client.post(
        "/api/search", json={"query": HR, "collections": ["hr"]}, headers=auth(tokens["alice"])
    )
    assert refused.status_code == 403 and "hr" in refused.json()["detail"]
    listed = client.get("/api/documents", headers=auth(tokens["alice"])).json()["documents"]
    assert [d["doc_id"] for d in listed] == ["finance"]
    assert client.get("/api/documents?collection=hr", headers=auth(tokens["alice"])).status_code == 403


def test_chat_answers_with_citations_from_the_users_collections_only(api):
    client, tokens, _ = api
    revenue = {"model": "docqa", "messages": [{"role": "user", "content": "营业收入是多少？"}]}
    done = client.post("/v1/chat/completions", json=revenue, headers=auth(tokens["alice"]))
    assert done.status_code == 200, done.text
    reply = done.json()
    assert reply["object"] == "chat.completion" and reply["choices"][0]["message"]["role"] == "assistant"
    assert reply["citations"] and {c["doc_id"] for c in reply["citations"]} == {"finance"}
    assert set(reply["citations"][0]) >= {"n", "doc_id", "doc", "page", "text"}
    assert "[1]" in reply["choices"][0]["message"]["content"]
    # Only hr answers this: alice gets a decline, and no passage of hr among its citations
    ask = {"model": "docqa", "messages": [{"role": "user", "content": "员工有多少人？平均年薪是多少？"}]}
    declined = client.post("/v1/chat/completions", json=ask, headers=auth(tokens["alice"])).json()
    assert "hr" not in {c["doc_id"] for c in declined["citations"]}
    assert "三千二百" not in json.dumps(declined, ensure_ascii=False)
    root = client.post("/v1/chat/completions", json=ask, headers=auth(tokens["root"])).json()
    assert "hr" in {c["doc_id"] for c in root["citations"]}
    narrowed = client.post(
        "/v1/chat/completions", json={**ask, "collections": ["hr"]}, headers=auth(tokens["alice"])
    )
    assert narrowed.status_code == 403


def test_chat_streams_server_sent_events_with_citations_last(api):
    client, tokens, _ = api
    ask = {"messages": [{"role": "user", "content": "营业收入是多少？"}], "stream": True}
    with client.stream("POST", "/v1/chat/completions", json=ask, headers=auth(tokens["alice"])) as done:
        assert done.status_code == 200 and done.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in done.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line.removeprefix("data: ")) for line in lines[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert "八十八亿元" in text
    last = chunks[-1]
    assert last["choices"][0]["finish_reason"] == "stop" and last["citations"][0]["doc_id"] == "finance"


def test_chat_refuses_messages_without_a_question(api):
    client, tokens, _ = api
    for messages in ([{"role": "system", "content": "be brief"}], [{"role": "user", "content": "  "}], []):
        done = client.post("/v1/chat/completions", json={"messages": messages}, headers=auth(tokens["alice"]))
        assert done.status_code == 422, messages


def test_delete_reaches_only_the_users_documents(api):
    client, tokens, data_dir = api
    assert client.delete("/api/documents/hr", headers=auth(tokens["alice"])).status_code == 404
    assert client.delete("/api/documents/nothing", headers=auth(tokens["alice"])).status_code == 404
    assert Store(data_dir, "fake", 64).document("hr") is not None
    assert client.delete("/api/documents/finance", headers=auth(tokens["alice"])).json() == {
        "deleted": "finance"
    }
    assert Store(data_dir, "fake", 64).document("finance") is None


def index_queued(data_dir: Path, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    """What the server's worker does: index every queued job (here in this process)."""
    jobs, owner = Jobs(data_dir), worker_name()
    store = Store(data_dir, fake_embedder.name, fake_embedder.dim)
    while (job := jobs.claim(owner)) is not None:
        run_job(jobs, job, owner, store, fake_embedder, Indexing(40, 8, 4, 1, TextReader(ocr=None)))


def test_upload_is_queued_at_once_and_followed_by_its_job(api, fake_embedder):
    client, tokens, data_dir = api
    alice, root = auth(tokens["alice"]), auth(tokens["root"])
    note = {"file": ("note.txt", "星河科技的总部位于杭州。".encode())}
    queued = client.post("/api/documents", files=note, data={"collection": "finance"}, headers=alice)
    assert queued.status_code == 202, queued.text
    job = queued.json()["job"]
    assert queued.json()["new"] and job["state"] == "queued" and job["collection"] == "finance"
    assert [d.name for d in Store(data_dir, "fake", 64).documents()] == ["finance.pdf", "hr.pdf"]  # not yet
    again = client.post("/api/documents", files=note, data={"collection": "finance"}, headers=alice)
    assert again.status_code == 202 and again.json() == {"job": job, "new": False}  # the same bytes: one job
    assert [j["id"] for j in client.get("/api/jobs", headers=alice).json()["jobs"]] == [job["id"]]

    index_queued(data_dir, fake_embedder)
    done = client.get(f"/api/jobs/{job['id']}", headers=alice).json()
    assert done["state"] == "done" and done["finished"] and done["error"] is None
    doc = Store(data_dir, "fake", 64).document(done["doc_id"])
    assert doc is not None and doc.name == "note.txt" and doc.collection == "finance"
    assert client.get(f"/api/jobs/{job['id']}", headers=root).status_code == 200
    uploads = [e for e in audit.events(data_dir) if e.action == "upload"]
    assert [(e.user, f"job {job['id']}" in e.detail) for e in uploads] == [("alice", True)]  # once


def test_upload_goes_only_into_the_users_collections_and_jobs_are_theirs(api, fake_embedder):
    client, tokens, _ = api
    alice, root = auth(tokens["alice"]), auth(tokens["root"])
    note = {"file": ("note.txt", "星河科技的总部位于杭州。".encode())}
    other = client.post("/api/documents", files=note, data={"collection": "hr"}, headers=alice)
    assert other.status_code == 403
    hr_job = client.post("/api/documents", files=note, data={"collection": "hr"}, headers=root).json()["job"]
    assert client.get(f"/api/jobs/{hr_job['id']}", headers=alice).status_code == 404  # as if none
    assert client.get("/api/jobs", headers=alice).json()["jobs"] == []
    assert client.get("/api/jobs?collection=hr", headers=alice).status_code == 403
    assert [j["id"] for j in client.get("/api/jobs", headers=root).json()["jobs"]] == [hr_job["id"]]
    assert client.get("/api/jobs/999", headers=root).status_code == 404


def test_uploads_are_bounded_and_bad_files_fail_with_a_reason(api, fake_embedder):
    client, tokens, data_dir = api
    alice = auth(tokens["alice"])
    big = {"file": ("big.txt", b"x" * 20_000)}  # the limit is 0.01 MB here
    refused = client.post("/api/documents", files=big, data={"collection": "finance"}, headers=alice)
    assert refused.status_code == 413 and "limit" in refused.json()["detail"]
    huge = {"file": ("huge.txt", b"x" * 200_000)}  # refused by its Content-Length, before it is read
    refused = client.post("/api/documents", files=huge, data={"collection": "finance"}, headers=alice)
    assert refused.status_code == 413 and "200" in refused.json()["detail"]
    finance = {"collection": "finance"}
    exe = client.post("/api/documents", files={"file": ("x.exe", b"MZ")}, data=finance, headers=alice)
    assert exe.status_code == 422 and "unsupported" in exe.json()["detail"]
    empty = client.post("/api/documents", files={"file": ("empty.txt", b"")}, data=finance, headers=alice)
    index_queued(data_dir, fake_embedder)
    failed = client.get(f"/api/jobs/{empty.json()['job']['id']}", headers=alice).json()
    assert failed["state"] == "failed" and failed["error_code"] == "empty" and "empty" in failed["error"]
    assert not list(Jobs(data_dir).uploads.glob("*.tmp"))


def test_revoked_tokens_and_removed_users_are_refused(api):
    client, tokens, data_dir = api
    ok = client.get("/api/documents", headers=auth(tokens["alice"]))
    assert ok.status_code == 200
    token_id = Tokens(data_dir).of("alice")[0].token_id
    Tokens(data_dir).revoke("alice", token_id)
    assert client.get("/api/documents", headers=auth(tokens["alice"])).status_code == 401
    Users(data_dir / "users.json").remove("root")
    assert client.get("/api/documents", headers=auth(tokens["root"])).status_code == 401


def test_tokens_are_stored_only_as_digests(api):
    _, tokens, data_dir = api
    raw = (data_dir / "library.sqlite3").read_bytes()
    assert tokens["alice"].encode() not in raw and tokens["alice"].startswith("dq_")
    with pytest.raises(ValueError, match="no live token"):
        Tokens(data_dir).revoke("root", "nope")


def test_openapi_docs_list_the_endpoints(api):
    client, _, _ = api
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/v1/chat/completions", "/api/search", "/api/documents", "/api/documents/{doc_id}", "/api/jobs",
        "/api/jobs/{job_id}",
    } <= set(paths)  # fmt: skip


def test_with_auth_off_the_local_users_token_sees_everything(tmp_path, fake_embedder):
    data_dir = tmp_path / "lib"
    store = Store(data_dir, fake_embedder.name, fake_embedder.dim)
    store.add([prepare("hr", "hr.pdf", 1, [Page(1, HR, "text")], fake_embedder, 40, 8, collection="hr")])
    local = Tokens(data_dir).create("local")[1]
    listed = {}
    for auth_mode in ("off", "password"):  # "local" is no user of the users file
        settings = load_settings({}, data_dir=data_dir, auth=auth_mode, llm_base_url="")
        client = TestClient(make_app(settings, Retriever(store, fake_embedder), None))
        listed[auth_mode] = client.get("/api/documents", headers=auth(local))
    assert [d["doc_id"] for d in listed["off"].json()["documents"]] == ["hr"]
    assert listed["password"].status_code == 401


def test_streamed_content_is_the_answer_the_whole_response_gives(api, fake_embedder):
    """OpenAI clients show the streamed deltas: they must be the answer with its markers
    resolved (full-width, out of range, ranges), as the whole response and `answer` have it."""
    _, tokens, data_dir = api
    reply = "营业收入为八十八亿元【1】，净利润为九亿元［1-2］ [7]。"
    settings = load_settings({}, data_dir=data_dir, auth="password", llm_base_url="")
    store = Store(data_dir, fake_embedder.name, fake_embedder.dim)
    client = TestClient(make_app(settings, Retriever(store, fake_embedder), FakeLLM([reply, reply])))
    ask = {"messages": [{"role": "user", "content": "营业收入是多少？"}], "k": 2}
    whole = client.post("/v1/chat/completions", json=ask, headers=auth(tokens["root"])).json()
    with client.stream(
        "POST", "/v1/chat/completions", json={**ask, "stream": True}, headers=auth(tokens["root"])
    ) as done:
        chunks = [json.loads(line[6:]) for line in done.iter_lines() if line and line != "data: [DONE]"]
    streamed = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert whole["answer_mode"] == "llm" and streamed == whole["choices"][0]["message"]["content"]
    assert streamed == chunks[-1]["answer"] == "营业收入为八十八亿元[1]，净利润为九亿元[1][2]。"
    assert len([c for c in chunks if c["choices"][0]["delta"].get("content")]) > 3  # it did stream
