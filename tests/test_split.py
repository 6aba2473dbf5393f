import random
from itertools import pairwise

import jieba
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ingest.records import Page
from ingest.sentences import paragraphs, sentences
from ingest.split import split_pages
from tests.fakes import count_tokens

FRAGMENTS = [
    "我们", "数据", "模型", "北京", "上海", "的", "研究", "人工智能", "发展", "公司",
    "data", "model", "river", "Beijing", "accuracy", "3.14", "2021", "Dr.", "U.S.",
    "。", "！", "？", "；", "，", "、", "……", "”", "“",
    ". ", "! ", "? ", ", ", "; ", " ", " ", "\n", "\n\n",
]  # fmt: skip
TEXT = st.lists(st.sampled_from(FRAGMENTS), min_size=0, max_size=400).map("".join)


def chunk(text: str, budget: int = 24, overlap: int = 6):
    return split_pages([Page(1, text, "text")], "doc", count_tokens, budget, overlap)


@settings(max_examples=150, deadline=None)
@given(TEXT, st.integers(min_value=8, max_value=60), st.integers(min_value=0, max_value=7))
def test_chunks_cover_the_text_in_order_within_budget(text, budget, overlap):
    chunks = chunk(text, budget, overlap)
    covered = set()
    for c in chunks:
        assert text[c.start : c.end] == c.text  # offsets point at the chunk's text
        assert count_tokens(c.text) <= budget
        assert c.text == c.text.strip()
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    for before, after in pairwise(chunks):
        assert before.start < after.start and before.end < after.end


@settings(max_examples=100, deadline=None)
@given(TEXT)
@example("我们" * 14 + "\n\n。我们")  # a paragraph that opens with a sentence end
def test_a_chunk_cuts_no_sentence_that_fits_the_budget(text):
    budget = 30
    # sentences never run across a blank line: the splitter reads paragraphs first
    spans = [s for p, q in paragraphs(text, 0, len(text)) for s in sentences(text, p, q, "zh")]
    starts = {s for s, _ in spans}
    for c in chunk(text, budget, 8):
        for s, e in spans:
            if count_tokens(text[s:e]) <= budget:
                # a sentence that fits lies wholly inside or wholly outside the chunk
                assert e <= c.start or s >= c.end or (c.start <= s and e <= c.end)
        inside_long = any(s < c.start < e and count_tokens(text[s:e]) > budget for s, e in spans)
        assert c.start in starts or inside_long


def test_long_chinese_sentence_splits_at_clauses_then_words_never_inside_a_word():
    sentence = "人工智能研究院与北京大学联合发布了新一代大规模语言模型" * 6 + "。"
    chunks = chunk(sentence, budget=20, overlap=0)
    assert len(chunks) > 1
    boundaries = {0}
    for _, start, end in jieba.tokenize(sentence):
        boundaries.update((start, end))
    for c in chunks:
        assert c.start in boundaries and c.end in boundaries
        assert count_tokens(c.text) <= 20

    with_clauses = "第一部分说明了背景，第二部分给出了方法，第三部分报告了结果，第四部分是讨论。"
    pieces = [c.text for c in chunk(with_clauses, budget=12, overlap=0)]
    assert pieces == [
        "第一部分说明了背景，",
        "第二部分给出了方法，",
        "第三部分报告了结果，",
        "第四部分是讨论。",
    ]


def test_long_english_sentence_splits_at_spaces():
    sentence = " ".join(f"word{i}" for i in range(100)) + "."
    chunks = chunk(sentence, budget=25, overlap=0)
    assert len(chunks) > 2
    for c in chunks:
        assert c.start == 0 or sentence[c.start - 1] == " "
        assert c.end == len(sentence) or sentence[c.end] == " "


def test_overlap_repeats_whole_sentences():
    text = "".join(f"这是第{i}句话。" for i in range(20))
    chunks = chunk(text, budget=20, overlap=8)
    spans = sentences(text, 0, len(text), "zh")
    starts = {s for s, _ in spans}
    overlapping = [(a, b) for a, b in pairwise(chunks) if b.start < a.end]
    assert overlapping, "consecutive chunks should share a sentence"
    for a, b in overlapping:
        assert b.start in starts
        assert count_tokens(text[b.start : a.end]) <= 8


def test_chunks_stop_at_page_breaks_unless_a_sentence_crosses_one():
    pages = [
        Page(1, "第一页的第一句。第一页的第二句。", "pypdf"),
        Page(2, "", "pypdf"),
        Page(3, "The third page begins here. This sentence continues", "pdfium"),
        Page(4, "on the fourth page. Then a new one starts.", "pdfium"),
    ]
    chunks = split_pages(pages, "doc", count_tokens, 40, 0)
    by_number = {p.page: p.text for p in pages}
    assert [(c.page, c.page_end) for c in chunks] == [(1, 1), (3, 4)]
    assert by_number[1][chunks[0].start : chunks[0].end] == chunks[0].text
    crossing = chunks[1]
    assert crossing.text.startswith(by_number[3][crossing.start :])
    assert crossing.text.endswith(by_number[4][: crossing.end])
    assert "continues\non the fourth page." in crossing.text


def test_a_page_break_after_a_full_stop_ends_the_chunk():
    pages = [Page(1, "短的一页。", "pypdf"), Page(2, "答案在第二页。", "pypdf")]
    chunks = split_pages(pages, "doc", count_tokens, 100, 20)
    assert [(c.page, c.page_end, c.text) for c in chunks] == [(1, 1, "短的一页。"), (2, 2, "答案在第二页。")]


def test_languages_and_stable_ids():
    pages = [Page(1, "这是一个中文段落，讲述长江。\n\nThis paragraph is in English about rivers.", "text")]
    first = split_pages(pages, "doc", count_tokens, 16, 0)
    assert [c.lang for c in first] == ["zh", "en"]
    again = split_pages(pages, "doc", count_tokens, 16, 0)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    assert len({c.chunk_id for c in first}) == len(first)
    other = split_pages(pages, "other-doc", count_tokens, 16, 0)
    assert not {c.chunk_id for c in first} & {c.chunk_id for c in other}


def test_bad_sizes_are_refused_with_the_values():
    with pytest.raises(ValueError, match="overlap=10, size=10"):
        split_pages([Page(1, "x", "text")], "doc", count_tokens, 10, 10)


def test_no_text_gives_no_chunks():
    assert split_pages([Page(1, "", "pypdf"), Page(2, "  \n ", "pypdf")], "d", count_tokens, 20, 0) == []


class Metered:
    """A tokenizer that counts one word as 0 tokens (as the embedder's once did: it subtracted
    one word-start piece too many) and fails when the characters it was asked to count exceed
    `factor` times the text: quadratic splitting fails fast instead of hanging the test."""

    def __init__(self, text: str, factor: int = 30) -> None:
        self.allowed, self.used = factor * len(text), 0

    def __call__(self, piece: str) -> int:
        self.used += len(piece)
        assert self.used <= self.allowed, f"splitting counted {self.used:,} characters: not linear"
        return max(0, count_tokens(piece) - 1)


@pytest.mark.parametrize("separator", [" ", " . "])
def test_a_megabyte_without_sentence_ends_splits_in_linear_work(separator):
    rng = random.Random(7)
    vocabulary = ["the", "of", "river", "data", "model", "a", "transcript", "and", "so", "we"]
    text = separator.join(rng.choice(vocabulary) for _ in range(200_000))[:1_000_000].strip(" .")
    metered = Metered(text)
    chunks = split_pages([Page(1, text, "text")], "doc", metered, 64, 8)
    covered = bytearray(len(text))
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert max(0, count_tokens(c.text) - 1) <= 64  # the budget, as the tokenizer counts it
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace())
    assert len(chunks) > len(text) / 64 / 8  # chunks are near the budget, not one word each
