"""A version in several segments searches as one index would (unit: nothing on disk)."""

import numpy as np

from ingest.keywords import KeywordIndex, Keywords, keyword_tokens
from ingest.segments import Segment, merged
from rag import dense
from rag.dense import DenseView, Prototypes

TEXTS = [
    "长江是中国最长的河流。", "黄河是中国第二长的河流。", "The Moon orbits the Earth.",
    "Mars is the fourth planet.", "长江流经上海。The Yangtze reaches Shanghai.", "北京是首都。",
]  # fmt: skip


def test_bm25_over_segments_equals_bm25_over_one_index():
    tokens = [keyword_tokens(t) for t in TEXTS]
    whole = KeywordIndex.empty().add(list(range(1, 7)), tokens)
    parts = Keywords(
        [KeywordIndex.empty().add([1, 2, 3], tokens[:3]), KeywordIndex.empty().add([4, 5, 6], tokens[3:])]
    )
    for question in ("长江 河流", "Moon planet", "上海 Yangtze"):
        assert np.allclose(whole.search(question, 6), parts.search(question, 6))
        assert whole.search(question, 6)  # something matched: the comparison means something


def test_a_merge_keeps_rows_and_drops_removed_ones():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(6, 8)).astype(np.float32)
    langs = ["zh", "zh", "en", "en", "zh", "zh"]
    first = Segment.make("a", [1, 2, 3], langs[:3], vectors[:3], TEXTS[:3])
    second = Segment.make("b", [4, 5, 6], langs[3:], vectors[3:], TEXTS[3:])
    both = merged([first, second], np.array([2, 5]), "c")
    assert both.ids.tolist() == [1, 3, 4, 6] and both.langs.tolist() == ["zh", "en", "en", "zh"]
    assert np.array_equal(both.vectors, vectors[[0, 2, 3, 5]])
    assert [i for i, _ in both.keywords.search("黄河", 5)] == []  # its only row was removed
    assert [i for i, _ in both.keywords.search("长江", 5)] == [1]  # of two rows, one was removed
    assert [i for i, _ in both.keywords.search("北京", 5)] == [6]


def test_language_means_from_segment_sums_match_the_rows():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(6, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    langs = ["zh", "zh", "en", "en", "zh", "zh"]
    segments = [
        Segment.make("a", [1, 2, 3], langs[:3], vectors[:3], TEXTS[:3]),
        Segment.make("b", [4, 5, 6], langs[3:], vectors[3:], TEXTS[3:]),
    ]
    prototypes = Prototypes({"zh": vectors[:2], "en": vectors[2:4]})
    view = DenseView(segments, np.array([5]), prototypes)  # row 5 (zh) removed
    zh = vectors[[0, 1, 5]]
    expected = (zh.sum(axis=0) + 5 * prototypes.mean("zh")) / (len(zh) + 5)
    assert np.allclose(view.means[view.langs.index("zh")], expected, atol=1e-6)
    assert np.isinf(view.scores(vectors[0], "zh")[4])  # the removed row is never returned


def test_calibration_is_measured_again_only_once_the_library_changed_enough(monkeypatch):
    monkeypatch.setattr(dense, "RECALIBRATE_FROM", 100)  # as for a large library
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(220, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    langs = ["zh" if i % 2 else "en" for i in range(220)]
    prototypes = Prototypes({"zh": vectors[:3], "en": vectors[3:6]})

    def segment(name: str, rows: range) -> Segment:
        return Segment.make(
            name,
            [i + 1 for i in rows],
            [langs[i] for i in rows],
            vectors[rows.start : rows.stop],
            ["x"] * len(rows),
        )

    base = DenseView([segment("a", range(200))], np.zeros(0, np.int64), prototypes)
    small = DenseView(
        [segment("a", range(200)), segment("b", range(200, 202))], np.zeros(0, np.int64), prototypes, base
    )
    assert small.calibration is base.calibration  # 1% more passages: the same calibration
    large = DenseView(
        [segment("a", range(200)), segment("c", range(200, 220))], np.zeros(0, np.int64), prototypes, small
    )
    assert large.calibration is not base.calibration  # 10% more: measured again
    fresh = DenseView(
        [segment("a", range(200)), segment("c", range(200, 220))], np.zeros(0, np.int64), prototypes
    )
    assert all(np.allclose(large.calibration[k][0], fresh.calibration[k][0]) for k in fresh.calibration)
    monkeypatch.setattr(dense, "RECALIBRATE_FROM", 1000)
    again = DenseView(
        [segment("a", range(200)), segment("b", range(200, 202))], np.zeros(0, np.int64), prototypes, base
    )
    assert again.calibration is not base.calibration  # a small library is always calibrated afresh
