"""PowerPoint (.pptx) -> one page per slide, its place "slide N": title first, then the
shapes top to bottom, tables row by row, and the speaker notes."""

from collections.abc import Iterable, Iterator
from pathlib import Path

import pptx
from pptx.shapes.base import BaseShape

from ingest.errors import IngestError
from ingest.readers.package import check_package
from ingest.readers.table import table_blocks
from ingest.records import Page
from ingest.textclean import clean_page_text

MAX_DEPTH = 20  # groups inside groups


def read_pptx(path: Path, max_pages: int = 0) -> list[Page]:
    check_package(path, ".pptx")
    deck = pptx.Presentation(str(path))
    pages = []
    for number, slide in enumerate(deck.slides, 1):
        if max_pages and number > max_pages:
            raise IngestError(
                f"more than {max_pages} slides is over the limit (RAG_MAX_PAGES)",
                "too_many_slides",
                limit=max_pages,
            )
        title = slide.shapes.title
        parts = [title.text_frame.text.strip()] if title is not None and title.has_text_frame else []
        for shape in sorted(_shapes(slide.shapes, 0), key=lambda s: (s.top or 0, s.left or 0)):
            if title is not None and shape.shape_id == title.shape_id:
                continue
            parts.extend(shape_text(shape))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = slide.notes_slide.notes_text_frame.text.strip()
            if notes:
                parts.append(notes)
        text = clean_page_text("\n\n".join(p for p in parts if p.strip()))
        pages.append(Page(page=number, text=text, source="pptx", place=f"slide {number}"))
    return pages


def _shapes(shapes: Iterable[BaseShape], depth: int) -> Iterator[BaseShape]:
    for shape in shapes:
        if getattr(shape, "shape_type", None) is not None and hasattr(shape, "shapes") and depth < MAX_DEPTH:
            yield from _shapes(shape.shapes, depth + 1)  # a group
        else:
            yield shape


def shape_text(shape: BaseShape) -> list[str]:
    if getattr(shape, "has_table", False):
        rows = [[cell.text for cell in row.cells] for row in shape.table.rows]  # type: ignore[attr-defined]
        return [block.text for block in table_blocks(list(enumerate(rows, 1)))]
    if getattr(shape, "has_text_frame", False):
        text = shape.text_frame.text.strip()  # type: ignore[attr-defined]
        return [text] if text else []
    return []
