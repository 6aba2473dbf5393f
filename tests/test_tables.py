"""Tables in page text: a header row of names and years is told from a row of amounts; a long
table is cut between rows into blocks under its caption and header row, section labels going
with the rows below them; the splitter starts a passage at each block."""

from ingest.records import Page
from ingest.split import split_pages
from ingest.tables import block_starts, is_header, repeat_headers, tables
from tests.fakes import count_tokens

CAPTION = ["Contoso Devices Corporation", "CONSOLIDATED BALANCE SHEETS", "(In millions)"]
ROWS = [f"Line {i} | {1000 + i:,} | {900 + i:,}" for i in range(30)]


def statement() -> str:
    body = [*ROWS[:12], "Current liabilities:", *ROWS[12:]]
    return "\n".join(["The balance sheet follows.", *CAPTION, "Item | 2023 | 2022", *body, "Notes follow."])


def test_a_header_row_has_names_and_years_but_no_amounts():
    assert is_header("项目 | 2023年 | 2022年") and is_header("Item | FY2023 | FY2022")
    assert is_header("Fourth Quarter | Third Quarter")
    assert not is_header("Net sales | 10,208.6 | 8,630.9") and not is_header("Total | $ 12 | —")


def test_a_table_is_its_caption_header_rows_and_labels():
    lines = statement().split("\n")
    assert tables(lines) == [(1, 4, len(lines) - 1)]  # prose above and below is not the table


def test_a_long_table_is_cut_into_blocks_under_caption_and_header():
    [page] = repeat_headers([Page(page=1, text=statement(), source="pdfium")], count_tokens, 60)
    blocks = page.text.split("\n\n")
    assert blocks[0] == "The balance sheet follows." and len(blocks) > 3
    for block in blocks[1:]:
        lines = block.split("\n")
        assert lines[:4] == [*CAPTION, "Item | 2023 | 2022"]
        assert count_tokens(block) <= 60
        assert lines[-1] != "Current liabilities:"  # a label goes with the rows below it
    rows = [line for block in blocks for line in block.split("\n") if line.startswith("Line ")]
    assert rows == ROWS  # every row once, in order


def test_every_passage_of_a_cut_table_starts_with_its_caption():
    pages = repeat_headers([Page(page=1, text=statement(), source="pdfium")], count_tokens, 60)
    assert len(block_starts(pages[0].text)) > 3
    chunks = split_pages(pages, "doc", count_tokens, 60, 10)
    for chunk in chunks:
        if "Line " in chunk.text:
            assert chunk.text.startswith(CAPTION[0]), chunk.text
