"""Sentence and sub-sentence spans for Chinese and English text, as (start, end) offsets."""

import logging
import re
from collections.abc import Iterator

import jieba

jieba.setLogLevel(logging.WARNING)

CLOSERS = "\"'”’」』）)】》〉］]"
TERMINATOR = re.compile(rf"(?:…+|\.{{3,}}|[。！？；!?;.])[{re.escape(CLOSERS)}]*")
CLAUSE = re.compile(r"[，、；,;：:]")
PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t\u3000]*\n)+")
WORD = re.compile(r"\S+")
NEXT_VISIBLE = re.compile(r"\s*(\S)")
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "al", "fig", "figs", "eq",
    "no", "nos", "vol", "vols", "pp", "p", "inc", "ltd", "co", "corp", "dept", "univ", "approx",
    "cf", "ca", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "e.g", "i.e", "u.s", "u.k", "a.m", "p.m", "ph.d", "op", "ed", "eds", "rev",
}  # fmt: skip
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Blank-line separated blocks of text[start:end]."""
    position = start
    for match in PARAGRAPH_BREAK.finditer(text, start, end):
        yield position, match.start()
        position = match.end()
    yield position, end


def sentences(text: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end], trimmed of surrounding whitespace, in order."""
    spans, position = [], start
    for match in TERMINATOR.finditer(text, start, end):
        if _ends_sentence(text, match, end, lang):
            spans.append((position, match.end()))
            position = match.end()
    spans.append((position, end))
    return [span for span in (_trim(text, s, e) for s, e in spans) if span[0] < span[1]]


def _ends_sentence(text: str, match: re.Match[str], end: int, lang: str) -> bool:
    mark = match.group()[0]
    after = match.end()
    next_char = text[after] if after < end else ""
    at_break = not next_char or next_char.isspace() or _is_cjk(next_char)
    if mark in "。！？；…":
        return True
    if mark in "!?":
        return lang == "zh" or at_break
    if mark == ";":
        return lang == "zh"
    # "." (or "..."): not after an abbreviation, an initial or a list number, not inside 3.14
    if not at_break:
        return False
    # Both looks are bounded (20 characters back, the next visible character forward), so a
    # paragraph of many "." is still read in linear time.
    before = text[start_of_line(text, match.start(), match.start() - 20) : match.start()]
    word = _WORD_BEFORE.search(before)
    if word and (word.group(1).lower() in ABBREVIATIONS or _is_initial(word.group(1))):
        return False
    if before.strip().isdigit():
        return False  # "1. Introduction": a list number at the start of a line
    following = NEXT_VISIBLE.match(text, after, end)
    return not (following and following.group(1).islower())


def start_of_line(text: str, position: int, lowest: int = 0) -> int:
    """The start of the line `position` is on, or `lowest` when the line starts before it."""
    return text.rfind("\n", max(0, lowest), position) + 1 or max(0, lowest)


def _is_initial(word: str) -> bool:
    return len(word) == 1 and word.isupper()


def _is_cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """text[start:end] cut after clause punctuation (，、；,;：:)."""
    spans, position = [], start
    for match in CLAUSE.finditer(text, start, end):
        spans.append((position, match.end()))
        position = match.end()
    spans.append((position, end))
    return [span for span in (_trim(text, s, e) for s, e in spans) if span[0] < span[1]]


def words(text: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    """Word spans: jieba's words for Chinese, whitespace-separated words otherwise."""
    if lang == "zh":
        spans = [(start + s, start + e) for _, s, e in jieba.tokenize(text[start:end])]
    else:
        spans = [(start + m.start(), start + m.end()) for m in WORD.finditer(text[start:end])]
    return [span for span in (_trim(text, s, e) for s, e in spans) if span[0] < span[1]]
