"""Saved web pages (.html, .htm) -> one page per heading section, its place the heading path;
scripts, styles, navigation and footers left out; tables row by row."""

from pathlib import Path

import lxml.html
from lxml import etree

from ingest.errors import IngestError
from ingest.readers.sections import Sections
from ingest.readers.table import table_blocks

DROP = {
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "nav",
    "footer", "aside", "form", "button", "select", "head",
}  # fmt: skip
HEADINGS = {f"h{n}": n for n in range(1, 7)}
BLOCKS = {
    "p", "div", "li", "pre", "blockquote", "dt", "dd", "section", "article", "main", "ul", "ol",
    "dl", "figure", "figcaption", "address", "header", "caption", "tr", "center",
}  # fmt: skip


def read_html(path: Path) -> Sections:
    # The HTML parser reads no DTD and fetches nothing; huge_tree off keeps libxml2's depth and size limits.
    parser = lxml.html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(path.read_bytes(), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(f"the web page could not be parsed ({exc})", "web_unparsable", detail=exc) from exc
    main = next(iter(root.iter("main")), None) or next(iter(root.iter("article")), None)
    sections = Sections(source="html")
    Walker(sections).walk(main if main is not None else root)
    return sections


class Walker:
    """Walks the tree in reading order, collecting lines of text into the sections."""

    def __init__(self, sections: Sections) -> None:
        self.sections, self.line = sections, ""

    def walk(self, element: etree._Element) -> None:
        self._visit(element)
        self._flush()

    def _visit(self, element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in DROP:
            self._text(element.tail)
            return
        if tag in HEADINGS:
            self._flush()
            self.sections.heading(HEADINGS[tag], " ".join(element.text_content().split()))
        elif tag == "table":
            self._flush()
            rows = [[c.text_content() for c in tr if c.tag in ("td", "th")] for tr in element.iter("tr")]
            for block in table_blocks(list(enumerate(rows, 1))):
                self.sections.add(block.text)
        elif tag == "br":
            self._flush()
        else:
            is_block = tag in BLOCKS
            if is_block:
                self._flush()
            self._text(element.text)
            for child in element:
                self._visit(child)
            if is_block:
                self._flush()
        self._text(element.tail)

    def _text(self, text: str | None) -> None:
        if text:
            self.line += text

    def _flush(self) -> None:
        line = " ".join(self.line.split())
        if line:
            self.sections.add(line)
        self.line = ""
