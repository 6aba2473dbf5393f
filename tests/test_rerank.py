"""The cross-encoder path with a tiny randomly initialised model the test builds and saves."""

from pathlib import Path

import pytest

from ingest.pipeline import prepare
from ingest.records import Page
from ingest.store import Store
from rag.rerank import CrossEncoderReranker
from rag.retrieve import Retriever
from tests.tiny_cross_encoder import build_tiny_cross_encoder

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_cross_encoder(tmp_path_factory.mktemp("tiny-reranker"))


def test_reranker_orders_hits_by_the_cross_encoder(tmp_path, tiny_cross_encoder, fake_embedder):
    reranker = CrossEncoderReranker(str(tiny_cross_encoder))
    texts = {f"d{i}": f"Passage number {i} talks about topic {i * 7}." for i in range(6)}
    store = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    store.add([prepare(n, n, 10, [Page(1, t, "text")], fake_embedder, 50, 0) for n, t in texts.items()])
    query = "which passage talks about topic 14?"
    plain = Retriever(store, fake_embedder).search(query, k=6)
    reranked = Retriever(store, fake_embedder, reranker=reranker).search(query, k=6)
    expected = reranker.rerank(query, [h.text for h in plain])
    assert [h.score for h in reranked] == pytest.approx(sorted(expected, reverse=True))
    assert sorted(h.doc for h in reranked) == sorted(h.doc for h in plain)
    assert reranker.rerank(query, []) == []


def test_empty_model_name_is_refused():
    with pytest.raises(ValueError, match="rerank_model must name a model"):
        CrossEncoderReranker("")
