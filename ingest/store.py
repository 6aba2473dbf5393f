"""The library on disk: documents, pages and chunks in SQLite, vectors in FAISS files.

A commit writes the next generation's FAISS file first, then in one SQLite transaction
the rows and the generation number. A crash at any point leaves the last committed
generation complete: its rows and its FAISS file agree.
"""

import fcntl
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple
from pathlib import Path

import faiss
import numpy as np

from ingest.errors import ModelMismatch
from ingest.records import Chunk, Document, Page
from ingest.vectors import add_vectors, read_index, remove_stale, write_index

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, name TEXT NOT NULL, pages INTEGER NOT NULL, chunks INTEGER NOT NULL,
    lang TEXT NOT NULL, added_at TEXT NOT NULL, size INTEGER NOT NULL, pages_without_text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
    doc_id TEXT NOT NULL, page INTEGER NOT NULL, text TEXT NOT NULL, source TEXT NOT NULL,
    lang TEXT NOT NULL, PRIMARY KEY (doc_id, page)
);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL, page INTEGER NOT NULL, page_end INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, lang TEXT NOT NULL,
    tokens INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id);
"""
CHUNK_COLUMNS = 'chunk_id, doc_id, ordinal, page, page_end, start, "end", text, lang, tokens'
DB_NAME = "library.sqlite3"


class Store:
    """One data directory. Readers never block; writers take a lock file, one at a time."""

    def __init__(self, data_dir: Path, model: str, dim: int, check: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.model, self.dim = model, dim
        self._db = sqlite3.connect(self.data_dir / DB_NAME, check_same_thread=False, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self._guard = threading.RLock()
        self._rebuilding = False
        self._index: faiss.Index | None = None
        self._index_generation = -1
        if check:
            self.check_model()

    @classmethod
    def unchecked(cls, data_dir: Path, model: str, dim: int) -> "Store":
        """A store opened for rebuilding with another model: searching it is refused."""
        store = cls(data_dir, model, dim, check=False)
        store._rebuilding = True
        return store

    # -- reading ---------------------------------------------------------------------------
    def check_model(self) -> None:
        """Refuse to mix vectors of two models in one index."""
        built_with, dim = self._meta("embed_model"), self._meta("dim")
        if built_with and (built_with != self.model or int(dim or 0) != self.dim):
            raise ModelMismatch(
                f"the library in {self.data_dir} was built with the embedding model "
                f"'{built_with}' ({dim} dims), not '{self.model}' ({self.dim} dims). Use "
                f"RAG_EMBED_MODEL={built_with}, or rebuild it for the new model with: "
                f"python -m ingest reindex --data-dir {self.data_dir}"
            )

    def documents(self) -> list[Document]:
        rows = self._db.execute("SELECT * FROM documents ORDER BY added_at, name").fetchall()
        return [
            Document(doc_id, name, pages, chunks, lang, added_at, size, json.loads(empty))
            for doc_id, name, pages, chunks, lang, added_at, size, empty in rows
        ]

    def document(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents() if d.doc_id == doc_id), None)

    def pages(self, doc_id: str) -> list[Page]:
        rows = self._db.execute(
            "SELECT page, text, source, lang FROM pages WHERE doc_id = ? ORDER BY page", (doc_id,)
        )
        return [Page(*row) for row in rows]

    def chunks(self, doc_id: str | None = None) -> list[Chunk]:
        where, args = ("WHERE doc_id = ?", (doc_id,)) if doc_id else ("", ())
        rows = self._db.execute(f"SELECT {CHUNK_COLUMNS} FROM chunks {where} ORDER BY id", args)
        return [Chunk(*row) for row in rows]

    def search(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        """The k chunks nearest to `vector`, best first, with their cosine similarity."""
        if k <= 0:
            raise ValueError(f"k must be > 0, got {k}")
        if self._rebuilding:
            self.check_model()
        index = self.index()
        if index.ntotal == 0:
            return []
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        scores, ids = index.search(query, min(k, index.ntotal))
        found = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        by_id = self._chunks_by_id([i for i, _ in found])
        return [(by_id[i], score) for i, score in found if i in by_id]

    def index(self) -> faiss.Index:
        """The FAISS index of the latest committed generation, reloaded when another writer committed."""
        with self._guard:
            for _ in range(3):
                generation = self.generation()
                if generation == self._index_generation and self._index is not None:
                    return self._index
                try:
                    self._index = read_index(self.data_dir, generation, self.dim)
                except RuntimeError:  # a writer replaced that generation while we looked
                    continue
                self._index_generation = generation
                return self._index
            raise RuntimeError(f"could not read a stable index from {self.data_dir}")

    def generation(self) -> int:
        return int(self._meta("generation") or 0)

    def _chunks_by_id(self, ids: list[int]) -> dict[int, Chunk]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(f"SELECT id, {CHUNK_COLUMNS} FROM chunks WHERE id IN ({marks})", ids)
        return {row[0]: Chunk(*row[1:]) for row in rows}

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # -- writing ---------------------------------------------------------------------------
    def add(self, document: Document, pages: list[Page], chunks: list[Chunk], vectors: np.ndarray) -> bool:
        """Store one document with its chunks' vectors; False when it was already stored."""
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        with self._writing() as index:
            if self._db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (document.doc_id,)).fetchone():
                return False
            first = int(self._meta("next_id") or 1)
            ids = list(range(first, first + len(chunks)))
            add_vectors(index, ids, vectors)
            generation = self._write_generation(index)
            row = (*astuple(document)[:7], json.dumps(document.pages_without_text))
            self._db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
            self._db.executemany(
                "INSERT INTO pages VALUES (?, ?, ?, ?, ?)",
                [(document.doc_id, p.page, p.text, p.source, p.lang) for p in pages],
            )
            self._db.executemany(
                f"INSERT INTO chunks (id, {CHUNK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(i, *astuple(c)) for i, c in zip(ids, chunks, strict=True)],
            )
            self._commit(generation, next_id=first + len(chunks))
        return True

    def remove(self, doc_id: str) -> bool:
        """Delete a document, its pages, chunks and vectors; False when there was none."""
        with self._writing() as index:
            ids = [r[0] for r in self._db.execute("SELECT id FROM chunks WHERE doc_id = ?", (doc_id,))]
            if not self._db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone():
                return False
            index.remove_ids(np.asarray(ids, dtype="int64"))  # type: ignore[arg-type]
            generation = self._write_generation(index)
            for table in ("chunks", "pages", "documents"):
                self._db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
            self._commit(generation)
        return True

    def replace_vectors(self, ids: list[int], vectors: np.ndarray) -> None:
        """Swap in a whole new index (all chunks re-embedded) and record the current model."""
        with self._writing(check=False) as _:
            index = read_index(self.data_dir, 0, self.dim)
            add_vectors(index, ids, vectors)
            self._commit(self._write_generation(index))

    def chunk_ids(self) -> list[int]:
        return [row[0] for row in self._db.execute("SELECT id FROM chunks ORDER BY id")]

    def _write_generation(self, index: faiss.Index) -> int:
        generation = self.generation() + 1
        write_index(self.data_dir, generation, index)
        return generation

    def _commit(self, generation: int, next_id: int | None = None) -> None:
        values = {"generation": str(generation), "embed_model": self.model, "dim": str(self.dim)}
        if next_id is not None:
            values["next_id"] = str(next_id)
        self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())
        self._db.commit()
        remove_stale(self.data_dir, keep=generation)

    @contextmanager
    def _writing(self, check: bool = True) -> Iterator[faiss.Index]:
        """Hold the data directory's write lock; yield a private copy of the current index."""
        with (self.data_dir / "write.lock").open("a") as lock, self._guard:
            fcntl.flock(lock, fcntl.LOCK_EX)  # other writers wait here, they do not fail
            try:
                if check:
                    self.check_model()
                remove_stale(self.data_dir, keep=self.generation())  # a crash's leftovers
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield read_index(self.data_dir, self.generation(), self.dim)
                except BaseException:
                    self._db.rollback()
                    raise
                if self._db.in_transaction:
                    self._db.rollback()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def close(self) -> None:
        self._db.close()
