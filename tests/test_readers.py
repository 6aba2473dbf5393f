"""Word, PowerPoint, Excel, CSV and web pages: text in reading order, each page with a place a
person can find, tables row by row; hostile files end in a clear error."""

import re
import struct
import zlib
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.load import UnsupportedType, load_file
from ingest.readers.delimited import read_csv
from ingest.readers.sheets import read_xlsx
from ingest.readers.table import SEPARATOR
from ingest.split import split_pages
from tests.fakes import count_tokens
from tests.office import (
    entity_bomb_xlsx,
    huge_sheet_xlsx,
    make_csv,
    make_docx,
    make_html,
    make_pptx,
    make_xlsx,
    zip_bomb_docx,
)

NET_SALES = "Net sales | 10,208.6 | 8,630.9"


def by_place(path: Path) -> dict[str, str]:
    return {p.place: p.text for p in load_file(path).pages}


def test_docx_sections_are_placed_by_their_heading_path(tmp_path):
    pages = by_place(make_docx(tmp_path / "report.docx"))
    assert list(pages) == ["start", "1 Overview", "2 Results", "2.1 Background", "2 Results > Costs"]
    assert "星河科技有限公司总部位于杭州" in pages["1 Overview"]
    assert "strong demand for storage products" in pages["2.1 Background"]
    assert "原材料成本上涨" in pages["2 Results > Costs"]
    assert NET_SALES in pages["2 Results > Costs"].splitlines()
    assert "营业收入 | 5,321.4 | 4,876.2" in pages["2 Results > Costs"].splitlines()


def test_pptx_slides_keep_title_body_notes_and_table_rows(tmp_path):
    pages = by_place(make_pptx(tmp_path / "deck.pptx"))
    assert list(pages) == ["slide 1", "slide 2", "slide 3"]
    assert pages["slide 1"].startswith("Quarterly review")
    assert pages["slide 2"].startswith("市场概况") and "华东地区销售额增长百分之十八" in pages["slide 2"]
    assert "mention the Hangzhou launch" in pages["slide 2"]
    lines = pages["slide 3"].splitlines()
    assert lines.index("Line item | FY2023 | FY2022") < lines.index(NET_SALES)


def test_xlsx_rows_are_lines_placed_by_sheet_and_range(tmp_path):
    pages = by_place(make_xlsx(tmp_path / "book.xlsx"))
    assert list(pages) == ["Income!A1:C4", "说明!A1:B1"]
    assert pages["Income!A1:C4"].splitlines()[:2] == ["Line item | FY2023 | FY2022", NET_SALES]
    assert pages["说明!A1:B1"] == "备注 | 数据来自年度审计报告。"


def test_a_long_sheet_is_cut_between_rows_with_the_header_on_every_part(tmp_path):
    pages = load_file(make_xlsx(tmp_path / "long.xlsx", extra_rows=75)).pages
    income = [p for p in pages if p.place.startswith("Income!")]
    assert len(income) > 2
    rows_seen = []
    for page in income:
        lines = page.text.splitlines()
        assert lines[0] == "Line item | FY2023 | FY2022"
        first, last = map(int, re.findall(r"\d+", page.place.split("!")[1]))
        body = lines if first == 1 else lines[1:]
        assert len(body) == last - first + 1  # the place names exactly the rows shown
        rows_seen += body
    assert rows_seen[0] == "Line item | FY2023 | FY2022" and len(rows_seen) == 1 + 3 + 75
    assert "Item 75 | 174.0 | 124.0" in rows_seen


def test_table_rows_are_never_cut_between_passages(tmp_path):
    rows = [["Item", "Description", "Amount"]] + [
        [f"Line {i}", f"营业成本 cost of goods part {i}", f"{1000 + i:,}.5"] for i in range(60)
    ]
    pages = read_csv(make_csv(tmp_path / "t.csv", rows).read_text(encoding="utf-8"))
    chunks = split_pages(pages, "doc", count_tokens, 60, 10)
    lines = {SEPARATOR.join(row) for row in rows}
    assert len(chunks) > 5
    for chunk in chunks:
        assert all(line in lines for line in chunk.text.splitlines()), chunk.text
        assert chunk.place == next(p.place for p in pages if p.page == chunk.page)


def test_csv_with_semicolons_and_chinese(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("地区;销售额\n华东;1200\n华南;980\n", encoding="utf-8")
    pages = load_file(path).pages
    assert [(p.place, p.text) for p in pages] == [("rows 1–3", "地区 | 销售额\n华东 | 1200\n华南 | 980")]


def test_html_keeps_the_article_and_drops_scripts_navigation_and_footers(tmp_path):
    pages = by_place(make_html(tmp_path / "page.html"))
    assert list(pages) == ["Company profile 公司简介", "2.1 Background"]
    everything = "\n".join(pages.values())
    for absent in ("tracking", "color: red", "About us", "Copyright footer"):
        assert absent not in everything
    assert "星河科技成立于2008年，总部位于杭州。" in pages["Company profile 公司简介"]
    assert "Net sales | 10208.6 | 8630.9" in pages["2.1 Background"].splitlines()


def test_zip_bomb_inside_docx_is_refused_by_its_declared_size(tmp_path):
    path = zip_bomb_docx(tmp_path / "bomb.docx", inflated_mb=400)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(IngestError, match="ZIP bomb"):
        load_file(path)


def test_billion_laughs_in_xlsx_is_refused(tmp_path):
    with pytest.raises(IngestError, match="declares XML entities"):
        load_file(entity_bomb_xlsx(tmp_path / "laughs.xlsx"))


def test_a_sheet_with_too_many_cells_is_refused(tmp_path):
    path = huge_sheet_xlsx(tmp_path / "huge.xlsx", rows=200, columns=10)
    assert len(read_xlsx(path, max_cells=5000)) > 0
    with pytest.raises(IngestError, match="more than 1,000 cells"):
        read_xlsx(path, max_cells=1000)


@pytest.mark.parametrize("suffix", [".docx", ".pptx", ".xlsx"])
def test_a_renamed_or_damaged_office_file_gets_a_clear_error(tmp_path, suffix):
    path = tmp_path / f"fake{suffix}"
    path.write_bytes(b"this is not an office file at all")
    with pytest.raises(IngestError, match=f"not a \\{suffix} file"):
        load_file(path)


def test_a_picture_that_would_inflate_beyond_the_limit_is_refused(tmp_path):
    # a valid PNG header claiming 20000 x 20000 pixels: decoding it would need 400 MB
    ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    path = tmp_path / "bomb.png"
    path.write_bytes(png + b"\x00\x00\x00\x00IEND\xaeB`\x82")
    with pytest.raises(IngestError, match="too large"):
        load_file(path, ocr=None)


def test_an_unsupported_type_is_refused_before_reading(tmp_path):
    path = tmp_path / "setup.exe"
    path.write_bytes(b"MZ\x90\x00")
    with pytest.raises(UnsupportedType) as refused:
        load_file(path)
    assert refused.value.suffix == ".exe" and ".docx" in str(refused.value)
