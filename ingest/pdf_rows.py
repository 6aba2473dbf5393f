"""Table rows in a PDF's text layer: PDFium's character boxes show where a line's words stand
far apart (cells) rather than a word space apart; such a line whose cells after the first are
at least half numbers is a table row, and is written as its cells joined by ' | ' (as the
other readers write rows). The line of cells just above a table's first row is its header row
("项目  2023年  2022年", "Item  2023  2022"), numbers or not, and is written so too. Leader
dots (a table of contents) and aligned code are not rows."""

import re
import statistics
from itertools import pairwise

import pypdfium2

from ingest.readers.table import SEPARATOR
from ingest.tables import NUMBER
from ingest.textclean import clean_page_text

CELL_GAP = 1.2  # a gap wider than this many character heights separates cells
LABELS_UNDER_HEADER = 2
LEADER = re.compile(r"^[.…·•\s]+$")


def table_rows(textpage: pypdfium2.PdfTextPage, text: str) -> dict[str, str]:
    """Rows found on the page: the row's characters without spaces -> the row with ' | '."""
    if textpage.count_chars() != len(text):
        return {}  # PDFium's text and its characters disagree: no boxes to trust
    lines: list[list[str]] = []
    position = 0
    for line in text.splitlines(keepends=True):
        lines.append(_cells(textpage, text, position, position + len(line.rstrip("\r\n"))))
        position += len(line)
    rows: dict[str, str] = {}
    for number, cells in enumerate(lines):
        if not is_row(cells):
            continue
        above = number - 1
        while above >= 0 and number - above <= LABELS_UNDER_HEADER and len(lines[above]) <= 1:
            above -= 1  # section labels ("流动资产：", "ASSETS:") between the header and the rows
        if above >= 0 and not is_row(lines[above]) and is_header(lines[above], cells):
            rows["".join("".join(lines[above]).split())] = clean_page_text(SEPARATOR.join(lines[above]))
        rows["".join("".join(cells).split())] = clean_page_text(SEPARATOR.join(cells))
    return rows


def is_row(cells: list[str]) -> bool:
    values = cells[1:]
    numbers = sum(1 for cell in values if NUMBER.match(cell))
    return bool(values) and 2 * numbers >= len(values) and not any(LEADER.match(c) for c in cells)


def is_header(cells: list[str], row: list[str]) -> bool:
    """Cells above a row that name its columns: at least two, no more than the row has."""
    return 2 <= len(cells) <= len(row) and not any(LEADER.match(c) for c in cells)


def _cells(textpage: pypdfium2.PdfTextPage, text: str, start: int, end: int) -> list[str]:
    chars = [i for i in range(start, end) if not text[i].isspace()]
    if len(chars) < 4:
        return []
    boxes = {i: textpage.get_charbox(i) for i in chars}
    height = statistics.median(top - bottom for _, bottom, _, top in boxes.values())
    if height <= 0:
        return []
    cells, current = [], [chars[0]]
    for before, after in pairwise(chars):
        gap = boxes[after][0] - boxes[before][2]
        if after - before > 1 and gap > CELL_GAP * height:
            cells.append(current)
            current = []
        current.append(after)
    cells.append(current)
    return [" ".join(text[c[0] : c[-1] + 1].split()) for c in cells]


def mark_rows(text: str, rows: dict[str, str]) -> str:
    """The page text with each line that is a found row rewritten with ' | ' between cells."""
    if not rows:
        return text
    lines = text.split("\n")
    return "\n".join(rows.get("".join(line.split()), line) for line in lines)
