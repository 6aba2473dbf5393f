"""One ingest, top to bottom: load -> detect language -> split -> embed -> store."""

import hashlib
import io
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pypdf

from ingest.deadline import Deadline
from ingest.embed import Embedder
from ingest.errors import StorageError
from ingest.lang import dominant, segment_languages
from ingest.names import safe_name
from ingest.notice import Notice
from ingest.read_progress import ReadProgress, ignore
from ingest.records import Document, Page
from ingest.split import split_pages
from ingest.storage import storage_fault
from ingest.store import Entry, Store
from ingest.tables import repeat_headers
from ingest.worker import Reader

Progress = Callable[[int, int], None]  # (done, total) chunks embedded


@dataclass(frozen=True)
class Added:
    """What happened to one file: stored now (`new`), or already in the library; `warnings`
    say what the person should know (e.g. pages left without text)."""

    document: Document
    new: bool
    warnings: list[Notice] = field(default_factory=list)


OnCommit = Callable[[sqlite3.Connection, Added], None]  # more writes for the commit that stores a file


def add_file(
    path: Path,
    store: Store,
    embedder: Embedder,
    chunk_tokens: int,
    chunk_overlap: int,
    password: str | None = None,
    batch_size: int = 16,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
    name: str | None = None,
    collection: str = "general",
    reader: Reader | None = None,
    on_commit: OnCommit | None = None,
    on_read: ReadProgress = ignore,
) -> Added:
    """Ingest one file into `collection`, read by `reader` (a child process with limits);
    re-adding a file with the same bytes to the same collection changes nothing. `name` is the
    name to show (the file's own by default). `timings`, when given, accumulates the seconds of
    each step. `on_read` hears how far reading (and OCR) is. `on_commit` runs inside the commit
    that stores the file (ingest.store.Store.add), with what it stores; it does not run when
    nothing new is stored."""
    clock = timings if timings is not None else {}
    content = file_id(path)
    doc_id = document_id(content, collection)
    existing = store.document(doc_id) or store.with_content(content, collection)
    if existing:
        return Added(existing, new=False)
    if store.read_only:  # say so before minutes of reading and embedding
        raise StorageError("read_only", store.data_dir)
    reader = reader or Reader()
    with timed(clock, "load"):
        loaded = reader.read(path, password, on_read)
    entry = prepare(
        doc_id, safe_name(name or path.name), path.stat().st_size, loaded.pages, embedder, chunk_tokens,
        chunk_overlap, batch_size, progress, clock, collection, Deadline.after(reader.index_timeout_s),
    )  # fmt: skip
    # the original is written by the commit that lists it, so no failure leaves it unlisted
    document = replace(entry.document, content=content)
    entry = replace(entry, document=document, original=original_bytes(path, password), suffix=path.suffix)
    stored = Added(document, new=True, warnings=loaded.warnings)
    hook = (lambda db: on_commit(db, stored)) if on_commit else None
    with timed(clock, "store"), storage_errors(store.data_dir):
        new = store.add([entry], hook)[0]
    document = entry.document if new else store.document(doc_id) or entry.document
    return Added(document, new=new, warnings=loaded.warnings)


def prepare(
    doc_id: str,
    name: str,
    size: int,
    pages: list[Page],
    embedder: Embedder,
    chunk_tokens: int,
    chunk_overlap: int,
    batch_size: int = 16,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
    collection: str = "general",
    deadline: Deadline | None = None,
) -> Entry:
    """Loaded pages -> a document ready to store: languages detected, split, embedded; each
    step stops with IngestError once `deadline` has passed."""
    clock = timings if timings is not None else {}
    with timed(clock, "detect"):
        pages = detect_pages(pages, deadline)
    with timed(clock, "split"):
        pages = repeat_headers(pages, embedder.count_tokens, chunk_tokens)
        chunks = split_pages(pages, doc_id, embedder.count_tokens, chunk_tokens, chunk_overlap, deadline)
    with timed(clock, "embed"):
        vectors = embed_in_batches(embedder, [c.text for c in chunks], batch_size, progress, deadline)
    document = Document(
        doc_id=doc_id,
        name=name,
        pages=len(pages),
        chunks=len(chunks),
        lang=document_lang(pages),
        added_at=datetime.now(UTC).isoformat(timespec="seconds"),
        size=size,
        pages_without_text=[p.page for p in pages if not p.has_text],
        collection=collection,
    )
    return Entry(document, pages, chunks, vectors)


@contextmanager
def storage_errors(data_dir: Path) -> Iterator[None]:
    """A full or read-only disk as a StorageError: a message the person can act on."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        kind = storage_fault(exc)
        if kind is None:
            raise
        raise StorageError(kind, data_dir) from exc


@contextmanager
def timed(timings: dict[str, float], step: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[step] = timings.get(step, 0.0) + time.perf_counter() - start


def original_bytes(path: Path, password: str | None) -> bytes:
    """The file as the library keeps it: an encrypted PDF is kept decrypted, so its pages can
    be shown as evidence without asking for the password again."""
    if path.suffix.lower() != ".pdf" or password is None:
        return path.read_bytes()
    reader = pypdf.PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt(password)
    out = io.BytesIO()
    pypdf.PdfWriter(clone_from=reader).write(out)
    return out.getvalue()


def document_id(content: str, collection: str) -> str:
    """A document's id: its bytes in its collection. Ids never repeat across collections, so
    adding a file to one collection cannot find, name or block another collection's copy."""
    return hashlib.sha256(f"{collection}\n{content}".encode()).hexdigest()[:16]


def file_id(path: Path) -> str:
    """The hash of a file's bytes, so a renamed copy is the same content."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def detect_pages(pages: list[Page], deadline: Deadline | None = None) -> list[Page]:
    """Each page with the language of most of its text (its paragraphs are detected one by one)."""
    detected = []
    for page in pages:
        if deadline:
            deadline.check("detecting the language")
        runs = segment_languages(page.text)
        detected.append(replace(page, lang=dominant([(lang, e - s) for s, e, lang in runs])))
    return detected


def document_lang(pages: list[Page]) -> str:
    """'zh', 'en', or 'zh+en' when a second language holds at least a fifth of the text."""
    totals: dict[str, int] = {}
    for page in pages:
        if page.lang:
            totals[page.lang] = totals.get(page.lang, 0) + len(page.text)
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    whole = sum(totals.values()) or 1
    return "+".join(lang for lang, size in ranked if size / whole >= 0.2)


def embed_in_batches(
    embedder: Embedder,
    texts: list[str],
    batch_size: int,
    progress: Progress | None = None,
    deadline: Deadline | None = None,
) -> np.ndarray:
    """Passage vectors for `texts`, `batch_size` at a time, reporting progress after each batch."""
    parts = [np.zeros((0, embedder.dim), dtype=np.float32)]
    for start in range(0, len(texts), batch_size):
        if deadline:
            deadline.check("embedding the passages")
        parts.append(embedder.embed_passages(texts[start : start + batch_size]))
        if progress:
            progress(min(start + batch_size, len(texts)), len(texts))
    return np.concatenate(parts)
