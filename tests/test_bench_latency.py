"""bench/latency.py and bench/exact.py on tiny synthetic libraries, measured in-process."""

from pathlib import Path

import numpy as np
import pytest

from bench import latency
from bench.exact import ExactDense, overlap, prototypes
from bench.synthetic import Space, SyntheticEmbedder, library
from ingest.segments import Segment
from ingest.store import Store
from rag.dense import DenseView, Prototypes
from rag.engine import Visible
from rag.local import LocalEngine, LocalSnapshot
from rag.retrieve import Retriever

FIELDS = {"chunks", "search_p50_ms", "search_p95_ms", "commit_ms", "first_query_ms", "recall@10", "memory_mb"}


def test_every_field_for_every_size_and_an_exact_engine_recalls_all():
    rows = latency.measure([120, 300], queries=4, isolate=False, dim=32)
    assert [r["chunks"] for r in rows] == [120, 300]
    for r in rows:
        assert r.keys() >= FIELDS
        assert r["recall@10"] == 1.0  # today's engine is exact: the brute force agrees
        assert 0 < r["search_p50_ms"] <= r["search_p95_ms"]
        assert r["commit_ms"] > 0 and r["first_query_ms"] > 0 and r["memory_mb"] >= 0


def build(folder: Path, size: int) -> tuple[Store, SyntheticEmbedder]:
    embedder = SyntheticEmbedder(Space(32))
    store = Store(folder, embedder.name, embedder.dim)
    for entries in library(size, embedder.space, batch=100):
        store.add(entries)
    return store, embedder


class Dropping:
    """An engine that loses each question's best dense passage: an inexact engine."""

    def __init__(self, engine: LocalEngine) -> None:
        self.engine = engine

    def snapshot(self) -> LocalSnapshot:
        snapshot = self.engine.snapshot()
        dense = snapshot.dense

        def worse(query: np.ndarray, lang: str, k: int, visible: Visible) -> dict[int, float]:
            return dict(list(dense(query, lang, k + 1, visible).items())[1:])

        snapshot.dense = worse  # type: ignore[method-assign]
        return snapshot


def test_recall_falls_for_an_engine_that_misses_passages(tmp_path):
    store, embedder = build(tmp_path, 200)
    exact = Retriever(store, embedder)
    document = latency.document("added", 20, embedder.space, np.random.default_rng(3), ["词"] * 10)
    store.add([document])
    assert latency.recall_at_10(exact, embedder, 200, document) == 1.0
    lossy = Retriever(store, embedder, engine=Dropping(LocalEngine(store, embedder)))
    assert latency.recall_at_10(lossy, embedder, 200, document) == pytest.approx(
        0.9
    )  # one of ten missed each time


def test_brute_force_scores_match_the_dense_view():
    space = Space(16)
    rng = np.random.default_rng(0)
    langs = ["zh", "en", "zh", "en", "zh"] * 20
    matrix = space.vectors(langs, rng)
    embedder = SyntheticEmbedder(space)
    typical = prototypes(embedder)
    segment = Segment.make("s1", list(range(1, 101)), langs, matrix, [""] * 100)
    view = DenseView([segment], np.zeros(0, np.int64), Prototypes(typical))
    exact = ExactDense(matrix, langs, typical)
    for question in ("长江有多长？", "How long is the river?"):
        query, lang = embedder.embed_queries([question])[0], "zh" if "长" in question else "en"
        expected = [int(i) - 1 for i in view.ids[np.argsort(-view.scores(query, lang), kind="stable")[:10]]]
        assert exact.top(query, lang, 10) == expected
        allowed = np.arange(100) % 3 == 0
        assert all(allowed[i] for i in exact.top(query, lang, 10, allowed))


def test_overlap():
    assert overlap(["a", "b"], ["b", "c"]) == 0.5
    assert overlap([], []) == 1.0 and overlap(["a"], []) == 0.0
