from rag.citations import numbers, resolve
from rag.retrieve import Hit


def hits(n: int) -> list[Hit]:
    return [
        Hit(f"c{i}", f"d{i}", f"doc{i}.pdf", i, i, 10 * i, 10 * i + 5, f"text {i}", "en", 1.0)
        for i in range(1, n + 1)
    ]


def test_valid_adjacent_repeated_and_full_width_markers():
    cited = resolve("A[1]. B[2][3]. C【1】 D［2］ E[1, 3]", hits(3))
    assert cited.text == "A[1]. B[2][3]. C[1] D[2] E[1][3]"
    assert cited.removed == 0
    assert [(c.n, c.cited) for c in cited.citations] == [(1, True), (2, True), (3, True)]


def test_out_of_range_markers_are_removed_and_counted():
    cited = resolve("Fact [4]. Other [0]. Fine [2]. Mixed [2, 9].", hits(3))
    assert cited.text == "Fact. Other. Fine [2]. Mixed [2]."
    assert cited.removed == 3


def test_cited_sources_come_first_then_the_rest():
    cited = resolve("Only the third [3], then the first [1].", hits(4))
    assert [(c.n, c.cited) for c in cited.citations] == [(3, True), (1, True), (2, False), (4, False)]
    first = cited.citations[0]
    assert (first.doc, first.page, first.text, first.start, first.end) == ("doc3.pdf", 3, "text 3", 30, 35)


def test_ranges_and_footnote_style():
    assert numbers("2-4") == [2, 3, 4] and numbers("1，3") == [1, 3]
    assert resolve("See ^[2] and [1-2].", hits(2)).text == "See [2] and [1][2]."


def test_no_markers_means_nothing_cited():
    cited = resolve("文档中找不到答案。", hits(2))
    assert cited.text == "文档中找不到答案。" and not any(c.cited for c in cited.citations)
