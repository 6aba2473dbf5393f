"""Test files of every non-PDF format, generated with the same libraries people's tools write
them with, in Chinese and English, so tests need no files from elsewhere."""

import csv
import zipfile
from pathlib import Path

import docx
import openpyxl
import pptx
from pptx.util import Inches

INCOME = [
    ["Line item", "FY2023", "FY2022"],
    ["Net sales", 10208.6, 8630.9],
    ["营业收入", 5321.4, 4876.2],
    ["Diluted EPS", 3.52, 2.91],
]


def make_docx(path: Path) -> Path:
    """Headings 1 and 2 (one numbered), Chinese and English paragraphs, and a table."""
    document = docx.Document()
    document.add_heading("Annual report 年度报告", level=0)
    document.add_paragraph("This report covers the fiscal year 2023.")
    document.add_heading("1 Overview", level=1)
    document.add_paragraph("星河科技有限公司总部位于杭州，成立于二〇〇八年。")
    document.add_heading("2 Results", level=1)
    document.add_heading("2.1 Background", level=2)
    document.add_paragraph("Revenue grew because of strong demand for storage products.")
    document.add_heading("Costs", level=2)
    document.add_paragraph("原材料成本上涨了百分之十二。")
    table = document.add_table(rows=0, cols=3)
    for row in INCOME:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = f"{value:,}" if isinstance(value, float) else str(value)
    document.save(str(path))
    return path


def make_pptx(path: Path) -> Path:
    """Three slides: a title, a Chinese bullet slide with notes, a table slide."""
    deck = pptx.Presentation()
    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.text = "Quarterly review"
    first.placeholders[1].text = "Prepared by the finance team"
    second = deck.slides.add_slide(deck.slide_layouts[1])
    second.shapes.title.text = "市场概况"
    second.placeholders[1].text = "华东地区销售额增长百分之十八。\n新产品线于三月上市。"
    second.notes_slide.notes_text_frame.text = "Speaker note: mention the Hangzhou launch."
    third = deck.slides.add_slide(deck.slide_layouts[5])
    third.shapes.title.text = "Income statement"
    shape = third.shapes.add_table(len(INCOME), 3, Inches(0.5), Inches(1.5), Inches(8), Inches(3))
    for r, row in enumerate(INCOME):
        for c, value in enumerate(row):
            shape.table.cell(r, c).text = f"{value:,}" if isinstance(value, float) else str(value)
    deck.save(str(path))
    return path


def make_xlsx(path: Path, extra_rows: int = 0) -> Path:
    """Sheet 'Income' with the table (numbers formatted with thousands separators) and
    `extra_rows` more rows; sheet '说明' with a Chinese note."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Income"
    for row in INCOME:
        sheet.append(row)
    for i in range(extra_rows):
        sheet.append([f"Item {i + 1}", 100.0 + i, 50.0 + i])
    for row in sheet.iter_rows(min_row=2, min_col=2):
        for cell in row:
            cell.number_format = "#,##0.0"
    notes = book.create_sheet("说明")
    notes.append(["备注", "数据来自年度审计报告。"])
    book.save(str(path))
    return path


def make_csv(path: Path, rows: list[list[object]] | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows or INCOME)
    return path


def make_html(path: Path) -> Path:
    """A saved web page: navigation and scripts around the article, headings and a table."""
    body = "".join(f"<tr>{''.join(f'<td>{v}</td>' for v in row)}</tr>" for row in INCOME[1:])
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Report</title>"
        "<script>var tracking = 'do not index';</script><style>p {color: red}</style></head>"
        "<body><nav><a href='/'>Home</a> | <a href='/about'>About us</a></nav>"
        "<article><h1>Company profile 公司简介</h1><p>星河科技成立于2008年，总部位于<b>杭州</b>。</p>"
        "<h2>2.1 Background</h2><p>The company makes storage products.<br>It has 1,200 staff.</p>"
        f"<table><tr><th>Line item</th><th>FY2023</th><th>FY2022</th></tr>{body}</table></article>"
        "<footer>Copyright footer text</footer></body></html>",
        encoding="utf-8",
    )
    return path


def zip_bomb_docx(path: Path, inflated_mb: int = 400) -> Path:
    """A .docx whose document part inflates from a few hundred KB to `inflated_mb` MB."""
    source = make_docx(path.with_name("bomb-source.docx"))
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "word/document.xml":
                pad = b" " * (inflated_mb << 20)
                data = data.replace(b"<w:body>", b"<w:body>" + pad, 1)
            out.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return path


def entity_bomb_xlsx(path: Path) -> Path:
    """An .xlsx whose first sheet declares nested entities (billion laughs) and uses them."""
    source = make_xlsx(path.with_name("laughs-source.xlsx"))
    laughs = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    laughs[1] = '<!ENTITY lol1 "' + "&lol;" * 10 + '">'
    doctype = f"<!DOCTYPE worksheet [{''.join(laughs)}]>".encode()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = doctype + data.replace(b"<t>", b"<t>&lol9;", 1)
            out.writestr(item, data)
    return path


def huge_sheet_xlsx(path: Path, rows: int, columns: int = 30) -> Path:
    """A sheet of `rows` x `columns` numbers, written in streaming mode."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    for r in range(rows):
        sheet.append([r * columns + c for c in range(columns)])
    book.save(str(path))
    return path


def make_corpus(folder: Path) -> list[Path]:
    """Files of every non-PDF format for `make bench`: small and larger ones, and hostile ones."""
    folder.mkdir(parents=True, exist_ok=True)
    ledger: list[list[object]] = [["Item", "Amount", "Note"]]
    ledger += [[f"Item {i}", i * 1.5, "备注"] for i in range(20_000)]
    made = [
        make_docx(folder / "report.docx"), make_pptx(folder / "deck.pptx"), make_xlsx(folder / "book.xlsx"),
        make_xlsx(folder / "ledger.xlsx", extra_rows=20_000), make_csv(folder / "income.csv"),
        make_csv(folder / "ledger.csv", ledger), make_html(folder / "page.html"),
        zip_bomb_docx(folder / "zip-bomb.docx"), entity_bomb_xlsx(folder / "billion-laughs.xlsx"),
        huge_sheet_xlsx(folder / "huge-sheet.xlsx", 110_000),
    ]  # fmt: skip
    for scratch in folder.glob("*-source.*"):
        scratch.unlink()
    return made


if __name__ == "__main__":
    import sys

    make_corpus(Path(sys.argv[1]))
