"""Table rows in a PDF's text layer come out as one line of cells joined by ' | '; prose does not."""

import pypdfium2

from ingest.pdf import load_pdf
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
