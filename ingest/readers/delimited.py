"""CSV (or tab-separated) text -> pages of whole rows, each with its place ("rows 2–21") and the
header row on top."""

import csv
import io

from ingest.errors import IngestError
from ingest.readers.sheets import MAX_CELLS
from ingest.readers.table import table_blocks
from ingest.records import Page

DELIMITERS = ",;\t|"


def read_csv(text: str, max_cells: int = MAX_CELLS) -> list[Page]:
    """Rows of the decoded text; the delimiter is guessed from its first lines."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:20_000], DELIMITERS)
    except csv.Error:
        dialect = csv.excel  # one column, or nothing to guess from
    rows: list[tuple[int, list[str]]] = []
    cells = 0
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), dialect), 1):
            cells += len(row)
            if cells > max_cells:
                raise IngestError(
                    f"the table has more than {max_cells:,} cells (row {number:,}): too large to read here",
                    "table_too_large", cells=f"{max_cells:,}",
                )  # fmt: skip
            rows.append((number, row))
    except csv.Error as exc:
        raise IngestError(f"the CSV file is malformed ({exc})", "csv_malformed", detail=exc) from exc
    return [
        Page(page=n, text=block.text, source="csv", place=f"rows {block.first}–{block.last}")
        for n, block in enumerate(table_blocks(rows), 1)
    ]
