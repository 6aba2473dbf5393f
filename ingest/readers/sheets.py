"""Excel (.xlsx) -> pages of whole rows, each with its place ("Sheet1!A2:F21") and the sheet's
header row on top; a workbook with more cells than a person could read is refused."""

import datetime as dt
import re
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from ingest.errors import IngestError
from ingest.readers.package import check_package
from ingest.readers.table import table_blocks
from ingest.records import Page

MAX_CELLS = 3_000_000  # cells walked, empty ones included: bounds the time a sheet can take
DECIMALS = re.compile(r"#,##0(?:\.(0+))?")


def read_xlsx(path: Path, max_cells: int = MAX_CELLS) -> list[Page]:
    check_package(path, ".xlsx")
    # read_only streams rows; data_only gives the values Excel saved, not formulas
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        pages: list[Page] = []
        walked = 0
        for sheet in book.worksheets:
            rows: list[tuple[int, list[str]]] = []
            columns: dict[int, tuple[int, int]] = {}
            for number, row in enumerate(sheet.iter_rows(), 1):
                walked += len(row)
                if walked > max_cells:
                    raise IngestError(
                        f"the workbook has more than {max_cells:,} cells (sheet {sheet.title!r} "
                        f"reaches row {number:,}): too large to read here; save the part you need "
                        "as a smaller file",
                        "table_too_large", cells=f"{max_cells:,}",
                    )  # fmt: skip
                cells = [cell_text(cell) for cell in row]
                filled = [i for i, text in enumerate(cells) if text]
                if filled:
                    rows.append((number, cells))
                    columns[number] = (filled[0], filled[-1])
            for block in table_blocks(rows):
                span = [columns[n] for n in columns if block.first <= n <= block.last]
                left, right = min(s[0] for s in span), max(s[1] for s in span)
                place = (
                    f"{sheet.title}!{get_column_letter(left + 1)}{block.first}:"
                    f"{get_column_letter(right + 1)}{block.last}"
                )
                pages.append(Page(page=len(pages) + 1, text=block.text, source="xlsx", place=place))
        return pages
    finally:
        book.close()


def cell_text(cell: object) -> str:
    """The value as the sheet shows it, near enough: thousands separators where formatted."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        found = DECIMALS.search(str(getattr(cell, "number_format", "") or ""))
        if found:
            return f"{value:,.{len(found.group(1) or '')}f}"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    return str(value).strip()
