"""The Milvus engine answers as the local one does, and only with what the asker may see."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.migrate import to_milvus
from ingest.milvus import Passage, Passages
from ingest.store import Store
from rag.milvus_engine import MilvusEngine
from rag.retrieve import Retriever
from tests.test_milvus import library

pytestmark = pytest.mark.integration
pytest.importorskip("milvus_lite", reason="the milvus extra: pip install '.[milvus]'")
QUESTIONS = ["文件3的河流", "Document 7 rivers", "河流", "part 2", "第1段"]


@pytest.fixture
def copied(tmp_path: Path, fake_embedder) -> Iterator[tuple[Store, Passages]]:
    store = library(tmp_path / "lib", fake_embedder, 12)
    with Passages.open(str(tmp_path / "milvus.db"), "", "lib", fake_embedder.dim) as passages:
        to_milvus(store, passages)
        yield store, passages


def same_ranking(found: list, expected: list) -> bool:  # type: ignore[type-arg]
    """The same scores in order, and the same passages above the last score (ties at the cut
    may be broken either way)."""
    scores = [round(h.score, 4) for h in found]
    above = {h.chunk_id for h in found if round(h.score, 4) > scores[-1]}
    expected_above = {h.chunk_id for h in expected if round(h.score, 4) > scores[-1]}
    return scores == [round(h.score, 4) for h in expected] and above == expected_above


@pytest.mark.parametrize("mode", ["keyword", "dense", "hybrid"])
def test_the_same_passages_as_the_local_engine(copied, fake_embedder, mode):
    store, passages = copied
    local = Retriever(store, fake_embedder)
    milvus = Retriever(store, fake_embedder, engine=MilvusEngine(store, fake_embedder, passages))
    for question in QUESTIONS:
        expected, found = local.search(question, 5, mode), milvus.search(question, 5, mode)
        if mode == "keyword":  # the product's BM25, exactly
            assert found and same_ranking(found, expected), question
        else:  # calibration from kept sums: scores within a few hundredths, the best passage the same
            assert found[0].score == pytest.approx(expected[0].score, abs=0.05), question
            assert found[0].chunk_id in {h.chunk_id for h in expected if h.score >= expected[0].score - 0.05}


def test_every_leg_keeps_to_the_askers_collections_and_documents(copied, fake_embedder):
    store, passages = copied
    retriever = Retriever(store, fake_embedder, engine=MilvusEngine(store, fake_embedder, passages))
    team1 = {d.doc_id for d in store.documents(["team1"])}
    for mode in ("keyword", "dense", "hybrid"):
        for question in QUESTIONS:
            hits = retriever.search(question, 10, mode, collections=["team1"])
            assert hits and {h.doc_id for h in hits} <= team1, (mode, question)
            chosen = retriever.search(question, 10, mode, doc_ids=["doc3", "doc4"], collections=["team1"])
            assert {h.doc_id for h in chosen} <= {"doc3"}, (mode, question)
            assert not retriever.search(question, 10, mode, collections=["nobody's"])


def test_a_commit_in_progress_is_not_seen(copied, fake_embedder):
    """Entities of a later generation than the committed one (a commit in progress, or one a
    crash interrupted) are found by no search."""
    store, passages = copied
    engine = MilvusEngine(store, fake_embedder, passages)
    vector = fake_embedder.embed_passages(["独一无二的熊猫"])[0]
    text = "独一无二的熊猫"
    passages.insert([Passage(10_000, "doc0", "team0", "zh", store.generation() + 1, vector, text, {7: 1.0})])
    with engine.snapshot() as snapshot:
        assert 10_000 not in snapshot.dense(vector, "zh", 50, None)
        assert 10_000 not in snapshot.keyword(text, 50, None)
    assert passages.search("vector", [vector.tolist()], 1, "")[0][0][0] == 10_000  # it is there
