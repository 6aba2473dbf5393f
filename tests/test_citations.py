from rag.citations import Streamed, numbers, resolve
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


REPLIES = [
    "营业收入为八十八亿元【1】，净利润为九亿元［2］。",
    "Revenue grew [1, 3] while costs fell [9]. Staff rose ^[2] [1-2]\n\n  Done [4].",
    "  Leading spaces, a bracket [note] and an unfinished [2",
    "Fact [7]. Other [0]。 Fine [2]. A [1]",
]


def test_streamed_pieces_add_up_to_the_resolved_answer_whatever_the_cuts():
    for reply in REPLIES:
        final = resolve(reply, hits(3)).text
        for size in (1, 2, 3, 5, 8):
            streamed = Streamed(hits(3))
            out = [streamed.add(reply[i : i + size]) for i in range(0, len(reply), size)]
            out.append(streamed.rest(final))
            assert "".join(out) == final, (reply, size, out)
            assert not any(mark in "".join(out) for mark in ("【", "［", "^", "[9]", "[0]", "[4]"))


def test_streamed_text_comes_out_before_the_answer_ends():
    reply = "第一句话引用来源【1】。" * 5 + "最后一句【2】。"
    streamed = Streamed(hits(2))
    out = [streamed.add(reply[i : i + 3]) for i in range(0, len(reply), 3)]
    assert "".join(out[:4]) and "".join(out).startswith("第一句话引用来源[1]。")
