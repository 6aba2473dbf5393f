"""Tables as text: one row per line, cells joined by ' | ', so that a row is found and shown
whole; a long table is cut between rows into blocks that each start with the header row."""

from dataclasses import dataclass

SEPARATOR = " | "
BLOCK_ROWS = 20
BLOCK_CHARS = 1200  # about a passage (RAG_CHUNK_TOKENS): the header stays near every row


@dataclass(frozen=True)
class Block:
    """Rows `first`..`last` (the table's own row numbers) as text, header row on top."""

    first: int
    last: int
    text: str


def row_line(cells: list[str]) -> str:
    """One line for a row: cells without inner line breaks, trailing empty cells dropped."""
    flat = [" ".join(cell.split()) for cell in cells]
    while flat and not flat[-1]:
        flat.pop()
    return SEPARATOR.join(flat)


def table_blocks(rows: list[tuple[int, list[str]]], max_rows: int = BLOCK_ROWS) -> list[Block]:
    """(row number, cells) -> blocks of whole rows; the first non-empty row is the header."""
    lines = [(number, line) for number, cells in rows if (line := row_line(cells))]
    if not lines:
        return []
    header = lines[0][1]
    blocks: list[Block] = []
    current: list[tuple[int, str]] = []
    for number, line in lines:
        size = sum(len(text) + 1 for _, text in current) + len(line)
        if current and (len(current) >= max_rows or size > BLOCK_CHARS):
            blocks.append(_block(current, header, first_block=not blocks))
            current = []
        current.append((number, line))
    blocks.append(_block(current, header, first_block=not blocks))
    return blocks


def _block(rows: list[tuple[int, str]], header: str, first_block: bool) -> Block:
    lines = [line for _, line in rows]
    if not first_block:
        lines.insert(0, header)
    return Block(rows[0][0], rows[-1][0], "\n".join(lines))
