"""Held-out twin sets: the unanswerable twin keeps the library but the chosen questions' gold
paragraphs, and no question is over a paragraph the tuned twins use."""

from bench.retrieval import BeirSet
from bench.twins import twins


def test_the_unanswerable_twin_lacks_exactly_the_gold_paragraphs():
    corpus = [{"_id": f"xq-p{i}-zh", "text": f"段落{i}"} for i in range(6)]
    queries = [{"_id": f"q{i}", "text": f"问题{i}？", "answers": [f"答{i}"]} for i in range(6)]
    queries.append({"_id": "q-empty", "text": " ", "answers": ["x"]})
    qrels = {f"q{i}": {f"xq-p{i}-zh"} for i in range(6)} | {"q-empty": {"xq-p5-zh"}}
    answerable, unanswerable = twins(BeirSet("xquad_zh2zh", corpus, queries, qrels), 3, avoid={"xq-p0"})
    gold = {d for docs in answerable.qrels.values() for d in docs}
    assert len(answerable.queries) == 3 and len(gold) == 3 and "xq-p0-zh" not in gold
    assert answerable.corpus == corpus
    assert {c["_id"] for c in unanswerable.corpus} == {c["_id"] for c in corpus} - gold
    assert all(q["answers"] == [] for q in unanswerable.queries) and unanswerable.qrels == {}
    assert "q-empty" not in {q["_id"] for q in answerable.queries}
