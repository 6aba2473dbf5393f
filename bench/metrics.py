"""Ranking metrics over the documents of retrieved chunks, against a set of gold documents."""

import math


def first_gold(ranked_docs: list[str], gold: set[str], k: int) -> int | None:
    """1-based rank of the first chunk from a gold document within the top k."""
    return next((i + 1 for i, doc in enumerate(ranked_docs[:k]) if doc in gold), None)


def ndcg(ranked_docs: list[str], gold: set[str], k: int) -> float:
    """Binary nDCG@k where each gold document counts once, at its first chunk."""
    seen: set[str] = set()
    dcg = 0.0
    for i, doc in enumerate(ranked_docs[:k]):
        if doc in gold and doc not in seen:
            seen.add(doc)
            dcg += 1 / math.log2(i + 2)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(gold), k)))
    return dcg / ideal if ideal else 0.0


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
