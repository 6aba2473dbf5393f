"""The probes' page rule: a citation is on the fact's page when it spans the page the probe
names, or when its passage holds the fact (a fact can stand on several pages)."""

from bench.probes import fact_page
from rag.citations import Citation


def cite(page: int, page_end: int, text: str, doc_id: str = "d1") -> Citation:
    return Citation(1, doc_id, "report.pdf", page, page_end, text, 0, len(text), True)


PROBE = {"pdf": "zh/report.pdf", "page": 3, "answers": ["-0.0053"]}
IDS = {"d1": "zh/report.pdf", "d2": "en/other.pdf"}


def test_the_named_page_counts() -> None:
    assert fact_page([cite(2, 3, "营业收入 | 4,755,785.11")], IDS, PROBE) == (True, True)


def test_another_page_holding_the_fact_counts_but_is_not_the_named_page() -> None:
    assert fact_page([cite(16, 17, "（一）基本每股收益 | -0.0053 | -0.0178")], IDS, PROBE) == (True, False)


def test_a_page_without_the_fact_or_another_document_does_not_count() -> None:
    assert fact_page([cite(16, 17, "营业收入 | 4,755,785.11")], IDS, PROBE) == (False, False)
    assert fact_page([cite(3, 3, "EPS -0.0053", doc_id="d2")], IDS, PROBE) == (False, False)
