"""Approximate dense search past a size: clusters per segment and language, probed, then the
probed rows scored exactly (unit: synthetic vectors, a library in a temp folder)."""

from pathlib import Path

import numpy as np
import pytest

from bench import synthetic
from bench.synthetic import Space, SyntheticEmbedder, library
from ingest.clusters import MIN_ROWS, cluster
from ingest.segments import Segment, merged
from ingest.store import Store
from rag.local import LocalEngine, top_k
from rag.probe import Probe

QUESTIONS = ["长江有多长？", "How long is the river?", "公司的收入增长了多少？", "What did the report say?"]


@pytest.fixture(autouse=True)
def few_topics(monkeypatch):
    """8 topics, not 64: a library this small has only a few clusters per segment, and
    clusters finer than the topics are what makes probing a few of them enough (a library
    past the real threshold, 200,000 passages a language, has hundreds per segment)."""
    monkeypatch.setattr(synthetic, "TOPICS", 8)


def build(folder: Path, size: int) -> tuple[Store, SyntheticEmbedder]:
    """A library of `size` passages, half Chinese, in commits of 3,000 (one segment each)."""
    embedder = SyntheticEmbedder(Space(32))
    store = Store(folder, embedder.name, embedder.dim)
    for entries in library(size, embedder.space, batch=3000):
        store.add(entries)
    return store, embedder


def exact_top(engine: LocalEngine, query: np.ndarray, lang: str, allowed: np.ndarray | None) -> list[int]:
    """The 10 best chunk ids by scoring every row (DenseView.scores), masked like the engine."""
    with engine.snapshot() as snapshot:
        view = snapshot.state.view
        scores = view.scores(query, lang)
        if allowed is not None:
            scores = np.where(view.mask_of(allowed), scores, -np.inf)
        return [int(view.ids[i]) for i in top_k(scores, 10)]


def test_small_groups_are_searched_exactly_and_large_ones_by_their_clusters(tmp_path):
    store, embedder = build(tmp_path, 6000)  # 3,000 passages per language, in 2 segments
    exact = LocalEngine(store, embedder)  # the default threshold: far above this library
    approximate = LocalEngine(store, embedder, approximate_from=2000, probe=0.3)
    with exact.snapshot() as snapshot:
        assert not snapshot.state.probe.approximate
    with approximate.snapshot() as snapshot:
        probe = snapshot.state.probe
        assert probe.approximate and sorted(probe.clusters) == [0, 1]  # both languages past 2,000
        view = snapshot.state.view
        for question in QUESTIONS:
            query, lang = embedder.embed_queries([question])[0], "zh" if "？" in question else "en"
            scored = [probe.candidates(g, query, lang, 10, None) for g in range(len(view.langs))]
            assert sum(len(rows) for rows in scored) < 0.5 * len(view.ids)  # not every row
            found = snapshot.dense(query, lang, 10, None)
            assert list(found) == exact_top(exact, query, lang, None)  # the same ten, in order
            with exact.snapshot() as whole:
                assert whole.dense(query, lang, 10, None) == pytest.approx(found)  # and the same scores


def test_a_visibility_filter_is_honoured_by_the_probed_search(tmp_path):
    store, embedder = build(tmp_path, 6000)
    engine = LocalEngine(store, embedder, approximate_from=1000, probe=0.2)
    with engine.snapshot() as snapshot:
        probe = snapshot.state.probe
        docs = sorted({c.doc_id for c in snapshot.chunks(snapshot.state.view.ids.tolist()).values()})
        for visible in (frozenset(docs[::2]), frozenset(docs[:3])):  # half: probed; three: exact
            allowed = snapshot.allowed(visible)
            mask = snapshot.state.view.mask_of(allowed)
            for question in QUESTIONS:
                query, lang = embedder.embed_queries([question])[0], "zh" if "？" in question else "en"
                scored = sum(len(probe.candidates(g, query, lang, 10, mask)) for g in (0, 1))
                assert (scored < mask.sum()) == (len(visible) > 3)  # probed, or every visible row
                found = snapshot.dense(query, lang, 10, visible)
                assert {c.doc_id for c in snapshot.chunks(list(found)).values()} <= visible
                assert list(found) == exact_top(engine, query, lang, allowed)


def test_clusters_hold_every_row_of_a_large_language_once_and_survive_a_write(tmp_path):
    rng = np.random.default_rng(0)
    space = Space(16)
    langs = ["zh"] * (2 * MIN_ROWS) + ["en"] * (MIN_ROWS - 1)  # English too few to cluster
    vectors = space.vectors(langs, rng)
    ids = list(range(1, len(langs) + 1))
    segment = Segment.make("s", ids, langs, vectors, [""] * len(langs))
    clusters = segment.clusters
    assert clusters is not None and set(clusters.langs.tolist()) == {"zh"}
    assert sorted(clusters.rows.tolist()) == list(range(2 * MIN_ROWS))  # every Chinese row, once
    for c in range(len(clusters)):  # each row lies in the cluster of its nearest centroid
        rows = clusters.rows[clusters.starts[c] : clusters.starts[c + 1]]
        assert np.all(np.argmax(vectors[rows] @ clusters.centroids.T, axis=1) == c)
    segment.write(tmp_path)
    again = Segment.read(tmp_path, "s").clusters
    assert again is not None and np.array_equal(again.rows, clusters.rows)
    assert np.array_equal(again.centroids, clusters.centroids)
    small = Segment.make("t", ids[:20], langs[:20], vectors[:20], [""] * 20)
    assert small.clusters is None  # a commit of a few passages is scanned whole
    assert merged([segment, small], np.array([1, 2]), "m").clusters is not None  # a merge is clustered again


def test_the_same_vectors_give_the_same_clusters():
    rng = np.random.default_rng(1)
    vectors = Space(16).vectors(["en"] * 1200, rng)
    one, two = cluster(vectors, np.array(["en"] * 1200)), cluster(vectors, np.array(["en"] * 1200))
    assert np.array_equal(one.rows, two.rows) and np.array_equal(one.centroids, two.centroids)


def test_a_bad_probe_setting_is_refused():
    with pytest.raises(ValueError, match="approximate_from must be > 0, got 0"):
        Probe(None, approximate_from=0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="probe must be in"):
        Probe(None, probe=1.5)  # type: ignore[arg-type]
