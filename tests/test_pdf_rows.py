"""Table rows in a PDF's text layer come out as one line of cells joined by ' | '; prose does not."""

import pypdfium2

from ingest.pdf import load_pdf
from ingest.pipeline import detect_pages
from ingest.split import split_pages
from ingest.tables import repeat_headers
from tests.fakes import count_tokens
from tests.pdfs import make_table_pdf
from ui.evidence import passage_boxes

INTRO = "The company's results for the fiscal year are set out below. 公司本年度经营业绩如下。"
ROWS = [
    ["Line item", "FY2023", "FY2022"],
    ["Net sales", "10,208.6", "8,630.9"],
    ["营业收入（元）", "4,755,785.11", "5,699,227.63"],
    ["Diluted EPS", "3.52", "2.91"],
]


def test_a_pdf_table_row_is_one_line_of_cells_and_prose_is_left_alone(tmp_path):
    path = make_table_pdf(tmp_path / "statement.pdf", INTRO, ROWS)
    lines = load_pdf(path)[0].text.splitlines()
    assert "Net sales | 10,208.6 | 8,630.9" in lines
    assert "营业收入（元） | 4,755,785.11 | 5,699,227.63" in lines
    assert "Diluted EPS | 3.52 | 2.91" in lines
    assert not any("|" in line for line in lines if "results for the fiscal year" in line)


def test_a_cited_row_is_still_found_on_the_page(tmp_path):
    path = make_table_pdf(tmp_path / "statement.pdf", INTRO, ROWS)
    doc = pypdfium2.PdfDocument(path)
    try:
        assert passage_boxes(doc[0], "Net sales | 10,208.6 | 8,630.9")
    finally:
        doc.close()


def test_a_header_row_without_numbers_is_a_row_of_the_table(tmp_path):
    for header in (["项目", "2023年", "2022年"], ["Line item", "This year", "Last year"]):
        path = make_table_pdf(tmp_path / "header.pdf", INTRO, [header, *ROWS[1:]])
        lines = load_pdf(path)[0].text.splitlines()
        assert " | ".join(header) in lines
        assert "Net sales | 10,208.6 | 8,630.9" in lines
    path = make_table_pdf(tmp_path / "no-header.pdf", INTRO, [["Total assets", "$ 12,345", "$ 11,234"]])
    assert "Total assets | $ 12,345 | $ 11,234" in load_pdf(path)[0].text.splitlines()


def long_table(header: list[str]) -> list[list[str]]:
    return [header] + [
        [f"营业成本分项 {i}" if i % 2 else f"Cost line {i}", f"{1000 + 7 * i:,}.5", f"{900 + 3 * i:,}.25"]
        for i in range(45)
    ]


def test_every_passage_of_a_long_pdf_table_carries_its_header_row(tmp_path):
    for header in (["项目", "2023年", "2022年"], ["Item", "2023", "2022"]):
        rows = long_table(header)
        pages = detect_pages(load_pdf(make_table_pdf(tmp_path / "long.pdf", INTRO, rows)))
        pages = repeat_headers(pages, count_tokens, 60)
        chunks = split_pages(pages, "doc", count_tokens, 60, 10)
        wanted = {" | ".join(row) for row in rows[1:]}
        seen = set()
        for chunk in chunks:
            lines = chunk.text.splitlines()
            held = [line for line in lines if line in wanted]
            if held:
                assert " | ".join(header) in lines[: lines.index(held[0])], chunk.text
            seen.update(held)
        assert seen == wanted  # every row whole in some passage
        assert len([c for c in chunks if " | " in c.text]) > 3
