"""The plain data that flows through ingestion and is read back at query time."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    """One page of text; `page` is 1-based, `source` names the reader (pypdf, pdfium, text,
    docx, ocr...). `place` is where a person finds it when the format has no pages ("slide 3",
    "Sheet1!A2:F9", a heading); empty for a PDF page, whose number is its place. `why` says
    why `source` won (OCR decisions), for `ingest extract`."""

    page: int
    text: str
    source: str
    lang: str = ""
    place: str = ""
    why: str = ""

    @property
    def has_text(self) -> bool:
        return bool(self.text.strip())


@dataclass(frozen=True)
class Chunk:
    """A passage to embed; `start` is an offset into page `page`, `end` into page `page_end`."""

    chunk_id: str
    doc_id: str
    ordinal: int
    page: int
    page_end: int
    start: int
    end: int
    text: str
    lang: str
    tokens: int
    source: str = "text"  # "ocr" when any of its text came from OCR
    place: str = ""  # where a person finds it when pages are not its place ("slide 3")


@dataclass(frozen=True)
class Document:
    """A stored file. It belongs to one collection; only that collection's members see it.
    `content` is the hash of its bytes: the same bytes are stored once per collection, and
    the id is made from both, so two collections never share (or reveal) a document."""

    doc_id: str
    name: str
    pages: int
    chunks: int
    lang: str
    added_at: str
    size: int
    pages_without_text: list[int] = field(default_factory=list)
    collection: str = "general"
    content: str = ""
