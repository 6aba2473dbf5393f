import math

import pytest

from bench.metrics import first_gold, ndcg, percentile


def test_first_gold_rank_within_k():
    assert first_gold(["a", "b", "g", "g"], {"g"}, 10) == 3
    assert first_gold(["a", "b", "g"], {"g"}, 2) is None
    assert first_gold([], {"g"}, 10) is None


def test_ndcg_counts_each_gold_document_once():
    assert ndcg(["g", "x"], {"g"}, 10) == 1.0
    assert ndcg(["x", "g", "g"], {"g"}, 10) == pytest.approx(1 / math.log2(3))
    both = ndcg(["g1", "x", "g2"], {"g1", "g2"}, 10)
    assert both == pytest.approx((1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3)))
    assert ndcg(["x"], {"g"}, 10) == 0.0


def test_percentile_interpolates():
    assert percentile([], 50) == 0.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([0.0, 10.0], 95) == pytest.approx(9.5)
