"""The HTTP API as it runs: `python -m rag api` in its own process with the real embedder, asked
by the openai Python client and by plain HTTP with tokens made on the command line."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest
from openai import AuthenticationError, OpenAI, PermissionDeniedError

from team.users import Users
from tests.cli import ROOT, env, run
from tests.fake_chat_server import FakeChatServer

pytestmark = pytest.mark.integration
FINANCE = "星河科技二〇二五年的营业收入为八十八亿元，净利润为九亿元。"
HR = "The company Xinghe employed 3,200 people in 2025; the average salary was 210,000 yuan."


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def api_process(data_dir: Path, llm_base_url: str = "") -> Iterator[str]:
    """`python -m rag api` on a free port over `data_dir`: its base URL while it runs."""
    port = free_port()
    log = data_dir.parent / f"api-{port}.log"
    command = ["-m", "rag", "api", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)]
    with log.open("w") as out:  # a file, not a pipe: a full pipe would stall the server
        process = subprocess.Popen(
            [sys.executable, *command], env=env(data_dir, RAG_LLM_BASE_URL=llm_base_url, RAG_AUTH="password"),
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/health", process, log)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], Path]]:
    data_dir = tmp_path_factory.mktemp("api") / "lib"
    users = Users(data_dir / "users.json")
    users.add("alice", None, ["finance"])
    users.add("bob", None, ["hr"])
    tokens = {name: token_of(name, data_dir) for name in ("alice", "bob")}
    with api_process(data_dir) as base:
        yield base, tokens, data_dir


def token_of(name: str, data_dir: Path) -> str:
    made = run("ingest", "users", "token", name, data_dir=data_dir)
    assert made.returncode == 0, made.stderr
    return made.stdout.strip().splitlines()[-1]  # the token alone on the last line


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the API exited: {log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise AssertionError(f"the API did not answer at {url} in {seconds} s")


def upload(base: str, token: str, name: str, text: str, collection: str) -> httpx.Response:
    return httpx.post(
        f"{base}/api/documents", headers={"Authorization": f"Bearer {token}"}, timeout=300,
        files={"file": (name, text.encode())}, data={"collection": collection},
    )  # fmt: skip


@pytest.fixture(scope="module")
def library(server: tuple[str, dict[str, str], Path]) -> tuple[str, dict[str, str], Path]:
    base, tokens, _ = server
    for token, name, text, collection in ((tokens["alice"], "finance.txt", FINANCE, "finance"),
                                          (tokens["bob"], "hr.txt", HR, "hr")):  # fmt: skip
        queued = upload(base, token, name, text, collection)
        assert queued.status_code == 202, queued.text
        job = wait_for_job(base, token, queued.json()["job"]["id"])
        assert job["state"] == "done" and job["doc_id"], job
    return server


def wait_for_job(base: str, token: str, job_id: int, seconds: float = 300) -> dict:
    """As a script does: ask for the job until it ends (the server's worker indexes it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = httpx.get(f"{base}/api/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"}).json()
        if job["state"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not end in {seconds} s")


def test_openai_client_gets_an_answer_with_citations(library):
    base, tokens, _ = library
    client = OpenAI(base_url=f"{base}/v1", api_key=tokens["alice"], max_retries=0)
    reply = client.chat.completions.create(
        model="docqa", messages=[{"role": "user", "content": "营业收入是多少？"}]
    )
    text = reply.choices[0].message.content or ""
    assert "八十八亿元" in text and "[1]" in text
    citations = (reply.model_extra or {})["citations"]
    assert citations[0]["doc"] == "finance.txt" and citations[0]["n"] == 1 and citations[0]["page"] == 1
    assert {c["doc"] for c in citations} == {"finance.txt"}  # bob's document is not alice's source

    stream = client.chat.completions.create(
        model="docqa", messages=[{"role": "user", "content": "What was the revenue in 2025?"}], stream=True
    )
    chunks = list(stream)
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "八十八亿元" in streamed
    last = chunks[-1].model_extra or {}
    assert last["citations"] and {c["doc"] for c in last["citations"]} == {"finance.txt"}


def test_search_and_documents_with_a_token(library):
    base, tokens, _ = library
    alice = {"Authorization": f"Bearer {tokens['alice']}"}
    hits = httpx.post(
        f"{base}/api/search", json={"query": "salary employees"}, headers=alice, timeout=60
    ).json()
    assert {h["doc"] for h in hits["hits"]} == {"finance.txt"}
    bob = {"Authorization": f"Bearer {tokens['bob']}"}
    hits = httpx.post(
        f"{base}/api/search", json={"query": "salary employees"}, headers=bob, timeout=60
    ).json()
    assert hits["hits"][0]["doc"] == "hr.txt"
    docs = httpx.get(f"{base}/api/documents", headers=alice, timeout=60).json()["documents"]
    assert [d["name"] for d in docs] == ["finance.txt"]


def test_cross_collection_access_is_refused_on_every_endpoint(library):
    base, tokens, _ = library
    alice = {"Authorization": f"Bearer {tokens['alice']}"}
    client = OpenAI(base_url=f"{base}/v1", api_key=tokens["alice"], max_retries=0)
    with pytest.raises(PermissionDeniedError):
        client.chat.completions.create(
            model="docqa",
            messages=[{"role": "user", "content": "salary?"}],
            extra_body={"collections": ["hr"]},
        )
    searched = httpx.post(f"{base}/api/search", json={"query": "x", "collections": ["hr"]}, headers=alice)
    assert searched.status_code == 403
    assert httpx.get(f"{base}/api/documents?collection=hr", headers=alice).status_code == 403
    assert upload(base, tokens["alice"], "x.txt", "into hr", "hr").status_code == 403
    hr_id = httpx.get(f"{base}/api/documents", headers={"Authorization": f"Bearer {tokens['bob']}"}).json()
    doc_id = hr_id["documents"][0]["doc_id"]
    assert httpx.delete(f"{base}/api/documents/{doc_id}", headers=alice).status_code == 404
    still = httpx.get(f"{base}/api/documents", headers={"Authorization": f"Bearer {tokens['bob']}"}).json()
    assert [d["doc_id"] for d in still["documents"]] == [doc_id]


def test_tokens_can_be_revoked(library):
    base, _, data_dir = library
    made = run("ingest", "users", "token", "bob", data_dir=data_dir).stdout.strip().splitlines()
    token, token_id = made[-1], made[0].split()[2]  # "API token ID for bob; ..."
    bob = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{base}/api/documents", headers=bob).status_code == 200
    listed = run("ingest", "users", "token", "bob", "--list", data_dir=data_dir).stdout
    assert f"{token_id}  created" in listed
    revoked = run("ingest", "users", "token", "bob", "--revoke", token_id, data_dir=data_dir)
    assert revoked.returncode == 0, revoked.stderr
    assert "revoked" in run("ingest", "users", "token", "bob", "--list", data_dir=data_dir).stdout
    assert httpx.get(f"{base}/api/documents", headers=bob).status_code == 401
    with pytest.raises(AuthenticationError):
        OpenAI(base_url=f"{base}/v1", api_key=token, max_retries=0).chat.completions.create(
            model="docqa", messages=[{"role": "user", "content": "salary?"}]
        )
    assert token not in (data_dir / "library.sqlite3").read_bytes().decode("latin-1")


def test_a_streamed_answer_is_the_answer_a_whole_response_gives(library):
    """With a language model (a scripted one answering as vLLM streams), the openai client's
    streamed deltas are the answer with its markers resolved, as the whole response has it."""
    _, tokens, data_dir = library
    model = FakeChatServer("营业收入为八十八亿元【1】，净利润为九亿元 [7]。")
    try:
        with api_process(data_dir, model.url) as base:
            client = OpenAI(base_url=f"{base}/v1", api_key=tokens["alice"], max_retries=0)
            ask = [{"role": "user", "content": "营业收入是多少？"}]
            whole = client.chat.completions.create(model="docqa", messages=ask)  # type: ignore[arg-type]
            chunks = list(client.chat.completions.create(model="docqa", messages=ask, stream=True))  # type: ignore[arg-type]
    finally:
        model.close()
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert (whole.model_extra or {})["answer_mode"] == "llm"
    assert streamed == whole.choices[0].message.content == "营业收入为八十八亿元[1]，净利润为九亿元。"
    assert (chunks[-1].model_extra or {})["answer"] == streamed
