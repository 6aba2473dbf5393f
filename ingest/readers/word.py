"""Word (.docx) -> one page per heading section, its place the heading path ("2.1 Background",
"Results > Costs"); tables row by row."""

import re
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.readers.package import check_package
from ingest.readers.sections import Sections
from ingest.readers.table import table_blocks

HEADING = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def read_docx(path: Path) -> Sections:
    """The document's text in order, cut at its headings."""
    check_package(path, ".docx")
    document = docx.Document(str(path))
    sections = Sections(source="docx")
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            text = paragraph.text.strip()
            level = heading_level(paragraph)
            if level and text:
                sections.heading(level, text)
            elif text:
                sections.add(text)
        elif tag == "tbl":
            table = Table(element, document)
            for block in table_blocks(list(enumerate(table_rows(table), 1))):
                sections.add(block.text)
    return sections


def heading_level(paragraph: Paragraph) -> int:
    """1 for Heading 1 (or a paragraph with outline level 0), ...; 0 for body text."""
    name = paragraph.style.name if paragraph.style is not None else ""
    if match := HEADING.match((name or "").strip()):
        return int(match.group(1))
    outline = paragraph._p.find(".//{*}outlineLvl")
    if outline is not None:
        value = outline.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val", "")
        if value.isdigit() and int(value) < 9:
            return int(value) + 1
    return 0


def table_rows(table: Table) -> list[list[str]]:
    """Each row's cells, a merged cell once (python-docx repeats it for each grid column)."""
    rows = []
    for row in table.rows:
        seen: set[int] = set()
        cells = []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text)
        rows.append(cells)
    return rows
