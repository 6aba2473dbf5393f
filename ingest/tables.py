"""Tables in page text, as the readers write them (rows "a | b | c", ingest/readers/table.py and
ingest/pdf_rows.py): a table is a header row (a row of names and years, no amounts), the caption
lines just above it, and the rows and section labels ("Current assets:") below. A table too long
for one passage is cut between rows into blocks that each start with the header row again, so
that every passage holding a row holds its column names ("Diluted | 2.77 | 1.56" under
"项目 | 2023年 | 2022年"); ingest/split.py starts a passage at each block."""

import re
from collections.abc import Callable
from dataclasses import replace

from ingest.records import Page

SEPARATOR = " | "
NUMBER = re.compile(r"^(?:[-–—]|[-+(]?[$¥€£]?\s?[\d.,]*\d[\d.,]*%?\)?[x×]?)$")
YEAR = re.compile(r"^(?:FY\s?|财年)?(?:19|20)\d\d(?:年度?|财年)?$")
SENTENCE_END = re.compile(r"[。！？.!?；;]\s*$")
LABEL_CHARS = 80  # a section label or caption line is short and ends no sentence
CAPTION_LINES = 3
MARGIN = 8  # tokens left free in a block: the splitter counts the block's text as a whole


def is_row(line: str) -> bool:
    return SEPARATOR in line


def is_header(line: str) -> bool:
    """A row of names and years: no cell is an amount (a year is not one)."""
    cells = [cell.strip() for cell in line.split(SEPARATOR)]
    return len(cells) > 1 and not any(NUMBER.match(c) and not YEAR.match(c) for c in cells)


def is_label(line: str) -> bool:
    text = line.strip()
    return 0 < len(text) <= LABEL_CHARS and not is_row(text) and not SENTENCE_END.search(text)


def tables(lines: list[str]) -> list[tuple[int, int, int]]:
    """(first line, header line, end line) of each table: captions from `first`, the header row
    at `header`, rows and labels up to `end` (exclusive); a table has a row below its header."""
    found = []
    i = 0
    while i < len(lines):
        if not (is_row(lines[i]) and is_header(lines[i])):
            i += 1
            continue
        end = i + 1
        while end < len(lines) and (
            (is_row(lines[end]) and not is_header(lines[end])) or is_label(lines[end])
        ):
            end += 1
        while end > i + 1 and not is_row(lines[end - 1]):
            end -= 1  # trailing labels belong to whatever follows
        if end > i + 1:
            found.append((_caption(lines, i), i, end))
        i = max(end, i + 1)
    return found


def _caption(lines: list[str], header: int) -> int:
    """The first caption line above the header row: short lines that are not rows ("APPLE INC.",
    "CONSOLIDATED BALANCE SHEETS", "(In millions)"); one that ends a sentence only where the
    caption starts its paragraph (the top of a statement page), not at the end of prose."""
    first = header
    while first > 0 and header - first < CAPTION_LINES and _short(lines[first - 1]):
        first -= 1
    ends = [n for n in range(first, header) if SENTENCE_END.search(lines[n])]
    if ends and first > 0 and lines[first - 1].strip():
        first = ends[-1] + 1
    return first


def _short(line: str) -> bool:
    text = line.strip()
    return 0 < len(text) <= LABEL_CHARS and not is_row(text)


def block_starts(text: str) -> set[int]:
    """Offsets where a table block begins (its first caption line, or its header row)."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    starts = set()
    for first, header, end in tables(lines):
        starts.add(offsets[first])
        starts.update(offsets[n] for n in range(header + 1, end) if lines[n] == lines[header])
    return starts


def repeat_headers(pages: list[Page], count_tokens: Callable[[str], int], budget: int) -> list[Page]:
    """Pages whose tables are cut into blocks of at most `budget` tokens, each block under the
    table's caption and header row, each table a paragraph of its own."""
    return [replace(page, text=_cut(page.text, count_tokens, budget - MARGIN)) for page in pages]


def _cut(text: str, count_tokens: Callable[[str], int], budget: int) -> str:
    lines = text.split("\n")
    found = tables(lines)
    if not found:
        return text
    out: list[str] = []
    position = 0
    for first, header, end in found:
        out += lines[position:first]
        if out and out[-1].strip():
            out.append("")  # the table starts a paragraph
        out += _blocks(lines[first : header + 1], lines[header + 1 : end], count_tokens, budget)
        position = end
    out += lines[position:]
    return "\n".join(out)


def _blocks(head: list[str], body: list[str], count_tokens: Callable[[str], int], budget: int) -> list[str]:
    """The table's lines in blocks within `budget` tokens, a blank line between blocks, each block
    under the caption and header row; a section label goes with the rows below it."""

    def size(part: list[str]) -> int:
        return sum(count_tokens(line) + 1 for line in part)

    out: list[str] = []
    block, used = list(head), size(head)
    for line in body:
        cost = size([line])
        if used + cost > budget:
            carry = len(block)
            while carry > len(head) and not is_row(block[carry - 1]):
                carry -= 1
            if any(is_row(kept) for kept in block[len(head) : carry]):
                out += [*block[:carry], ""]
                block = head + block[carry:]
                used = size(block)
        block.append(line)
        used += cost
    return out + block
