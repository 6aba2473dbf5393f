"""What an extractive answer may quote from a passage: whole sentences, and table rows kept as
rows (the cells of one row on one line, "Net sales | 10,208.6 | 8,630.9")."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.sentences import sentences

NUMBER = re.compile(r"^[-+(（]?[$¥￥€£]?\d[\d,，]*(?:\.\d+)?[%％)）]?$|^[-—–]$")
ROW_SHARE = 0.4  # a block of lines is a table when this share of its lines hold number cells
CELLS_PER_ROW = 8  # number-only lines after a label line that are read as that row's cells
LONG = 300  # characters: a longer sentence is quoted by the clauses around its match
HEADING = 40  # characters: a longer first line is part of the sentence
HEADING_SHARE = 0.6  # ... and so is one nearly as long as the line after it
HEADING_MARKS = re.compile(r"[，。；！？,;!?、]|[.:：]$")
MARK = " | "  # between the cells of a row, as the readers write rows (ingest/readers/table.py)
CLAUSE_END = re.compile(r"[，、；;：]|[,:](?=\s)")  # not the comma of 1,200


@dataclass(frozen=True)
class Unit:
    """A piece of a passage worth quoting: offsets into the passage, and the text to show."""

    start: int
    end: int
    shown: str
    row: bool = False
    under: str = ""  # the heading above a sentence: what it speaks of, not quoted with it


def units(text: str, lang: str) -> list[Unit]:
    """The sentences of a passage, with table blocks broken into rows."""
    found: list[Unit] = []
    for start, end in sentences(text, 0, len(text), lang):
        lines = _lines(text, start, end)
        if len(lines) >= 3 and sum(_has_number(text[s:e]) for s, e in lines) >= ROW_SHARE * len(lines):
            found += _rows(text, lines)
        elif any(MARK in text[s:e] for s, e in lines):
            found += _marked(text, lines, lang)
        else:
            heading = ""
            if (split := _heading_end(text, start, lines)) is not None:
                heading, start = flatten(text[start:split], lang), lines[1][0]
            found.append(Unit(start, end, flatten(text[start:end], lang), under=heading))
    return found


def _heading_end(text: str, start: int, lines: list[tuple[int, int]]) -> int | None:
    """Where a heading line that opens this sentence ends ("第二章 地理知识" over "长江是…"), so
    that the heading is not quoted as the sentence's first words; None when there is none.
    A heading: the span's first line, at the start of a text line, short beside the next one,
    with no punctuation (a wrapped sentence's line is as long as its page allows), over words
    (a label over its number is one fact)."""
    if len(lines) < 2 or (start > 0 and text[start - 1] != "\n"):
        return None
    first, second = text[lines[0][0] : lines[0][1]], text[lines[1][0] : lines[1][1]]
    if len(first) > HEADING or len(first) > HEADING_SHARE * len(second) or HEADING_MARKS.search(first):
        return None
    if _has_number(second) and len(second.split()) <= 2:
        return None
    return lines[0][1]


def _marked(text: str, lines: list[tuple[int, int]], lang: str) -> list[Unit]:
    """A span holding rows the reader marked (cells joined by " | ") among lines of prose, as a
    page's small table under its caption is read when it ends with no full stop: each marked
    line is a row, the prose lines between them one sentence each run."""
    found: list[Unit] = []
    prose: list[tuple[int, int]] = []
    for start, end in [*lines, (-1, -1)]:
        if start >= 0 and MARK not in text[start:end]:
            prose.append((start, end))
            continue
        if prose:
            found.append(Unit(prose[0][0], prose[-1][1], flatten(text[prose[0][0] : prose[-1][1]], lang)))
            prose = []
        if start >= 0:
            found.append(Unit(start, end, " ".join(text[start:end].split()), row=True))
    return found


def header(text: str, row: Unit, lang: str) -> Unit | None:
    """The line naming a row's columns: the nearest line above it with no number cells, within
    a few lines of the same passage."""
    lines = _lines(text, 0, row.start)[-6:]
    for start, end in reversed(lines):
        line = text[start:end]
        if not _has_number(line) and 0 < len(line) <= 120 and not line.rstrip().endswith(("。", ".")):
            return Unit(start, end, flatten(line, lang), row=True)
    return None


def flatten(text: str, lang: str) -> str:
    """Line breaks of a wrapped sentence removed: Han characters join without a space."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        joined += ("" if _cjk(joined[-1]) and _cjk(line[0]) else " ") + line
    return joined


def shorten(shown: str, terms: set[str], tokenize: Callable[[str], list[str]]) -> str:
    """A long sentence cut to the clauses around the one that shares the most terms, with "…"
    where it was cut; never inside a clause, a number or a word."""
    if len(shown) <= LONG:
        return shown
    bounds, position = [], 0
    for match in CLAUSE_END.finditer(shown):
        bounds.append((position, match.end()))
        position = match.end()
    bounds.append((position, len(shown)))
    scores = [len(terms & set(tokenize(shown[s:e]))) for s, e in bounds]
    best = max(range(len(bounds)), key=lambda i: scores[i])
    first = last = best
    while True:  # grow toward the better neighbour while the window fits
        options = [i for i in (first - 1, last + 1) if 0 <= i < len(bounds)]
        options = [i for i in options if bounds[max(last, i)][1] - bounds[min(first, i)][0] <= LONG]
        if not options:
            break
        step = max(options, key=lambda i: (scores[i], i > best))  # the answer tends to follow
        first, last = min(first, step), max(last, step)
    piece = shown[bounds[first][0] : bounds[last][1]].strip()
    if len(piece) > LONG:  # one clause longer than the bound: cut at a space or between Han characters
        cut = piece.rfind(" ", 0, LONG)
        piece, last = piece[: cut if cut > LONG // 2 else LONG], -1
    return ("…" if first > 0 else "") + piece + ("…" if last != len(bounds) - 1 else "")


def _rows(text: str, lines: list[tuple[int, int]]) -> list[Unit]:
    """Lines as rows; a label line followed by lines of numbers only (one cell per line, as
    some PDFs are read) is one row with those cells."""
    rows: list[Unit] = []
    i = 0
    while i < len(lines):
        start, end = lines[i]
        cells = cells_of(text[start:end])
        j = i + 1
        while j < len(lines) and j - i <= CELLS_PER_ROW and _numbers_only(text[lines[j][0] : lines[j][1]]):
            cells += cells_of(text[lines[j][0] : lines[j][1]])
            end = lines[j][1]
            j += 1
        line = " ".join(text[start:end].split())
        rows.append(Unit(start, end, " | ".join(cells) if _has_data(cells) else line, row=True))
        i = j
    return rows


def cells_of(line: str) -> list[str]:
    """'营业收入（元） 4,755,785.11 -16.55%' -> ['营业收入（元）', '4,755,785.11', '-16.55%']: the words
    before a number form one label cell, each number is a cell."""
    cells: list[str] = []
    label: list[str] = []
    for token in line.split():
        if NUMBER.match(token):
            if label:
                cells.append(" ".join(label))
                label = []
            cells.append(token)
        else:
            label.append(token)
    if label:
        cells.append(" ".join(label))
    return cells


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, position = [], start
    for piece in text[start:end].split("\n"):
        s, e = position, position + len(piece)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            spans.append((s, e))
        position += len(piece) + 1
    return spans


def _has_number(line: str) -> bool:
    return any(NUMBER.match(token) and any(ch.isdigit() for ch in token) for token in line.split())


def _has_data(cells: list[str]) -> bool:
    """A row holds data when a cell is a figure, not a stray "第 1 号" in a wrapped sentence."""
    return (
        any(NUMBER.match(c) and (len(c) >= 3 or not c[-1].isdigit()) for c in cells) and len(cells[0]) <= 60
    )


def _numbers_only(line: str) -> bool:
    tokens = line.split()
    return bool(tokens) and all(NUMBER.match(t) for t in tokens)


def _cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"
