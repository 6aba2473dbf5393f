"""Reading the library on disk: documents, pages and chunks in SQLite, search indexes in files.

Readers never block: SQLite in WAL mode gives each reader the last committed version, and a
commit replaces index files only by new names (ingest/store.py writes them).
"""

import json
import sqlite3
import threading
from collections.abc import Collection
from pathlib import Path

import numpy as np

from ingest.errors import ModelMismatch
from ingest.indexes import Indexes
from ingest.records import Chunk, Document, Page
from ingest.rows import Rows
from ingest.schema import CHUNK_COLUMNS, create_schema
from ingest.sqlite_db import open_db, open_read_only
from ingest.storage import writable


class StoreReader:
    """One data directory, read: one SQLite connection per thread (the app serves many)."""

    def __init__(self, data_dir: Path, model: str, dim: int, check: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.model, self.dim = model, dim
        self._local = threading.local()
        # A read-only data directory (a read-only mount, a backup being served) is searched as
        # it is: no schema update, no WAL files; every write says it is read-only.
        self.read_only = not writable(self.data_dir)
        if not self.read_only:
            create_schema(self._db)
        self._guard = threading.RLock()
        self._indexes: Indexes | None = None
        self._generation = -1
        self._rebuilding = not check
        if check:
            self.check_model()

    @property
    def _db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
            self._local.connection = connection
        return connection

    def _connect(self) -> sqlite3.Connection:
        return open_read_only(self.data_dir) if self.read_only else open_db(self.data_dir)

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

    def documents(self, collections: Collection[str] | None = None) -> list[Document]:
        """Every document, or those in `collections` (None: no restriction)."""
        if collections is None:
            return self._documents("", ())
        names = tuple(collections)
        return self._documents(f"WHERE collection IN ({','.join('?' * len(names))})", names)

    def document(self, doc_id: str) -> Document | None:
        """One document by id, read directly (called on every add: no scan of the library)."""
        found = self._documents("WHERE doc_id = ?", (doc_id,))
        return found[0] if found else None

    def with_content(self, content: str, collection: str) -> Document | None:
        """The document of `collection` with these bytes (`content`: their hash), if any."""
        found = self._documents("WHERE collection = ? AND content = ?", (collection, content))
        return found[0] if found else None

    def collections(self) -> dict[str, int]:
        """Each collection that holds documents, with how many."""
        rows = self._db.execute("SELECT collection, COUNT(*) FROM documents GROUP BY collection ORDER BY 1")
        return dict(rows.fetchall())

    def _documents(self, where: str, args: tuple[str, ...]) -> list[Document]:
        columns = "doc_id, name, pages, chunks, lang, added_at, size, pages_without_text, collection, content"
        rows = self._db.execute(f"SELECT {columns} FROM documents {where} ORDER BY added_at, name", args)
        return [
            Document(
                doc_id, name, pages, chunks, lang, added_at, size, json.loads(empty), collection, content
            )
            for doc_id, name, pages, chunks, lang, added_at, size, empty, collection, content in rows
        ]

    def pages(self, doc_id: str) -> list[Page]:
        rows = self._db.execute(
            "SELECT page, text, source, lang, place FROM pages WHERE doc_id = ? ORDER BY page", (doc_id,)
        )
        return [Page(*row) for row in rows]

    def chunks(self, doc_id: str | None = None) -> list[Chunk]:
        where, args = ("WHERE doc_id = ?", (doc_id,)) if doc_id else ("", ())
        rows = self._db.execute(f"SELECT {CHUNK_COLUMNS} FROM chunks {where} ORDER BY id", args)
        return [Chunk(*row) for row in rows]

    def chunk_ids(self) -> list[int]:
        return [row[0] for row in self._db.execute("SELECT id FROM chunks ORDER BY id")]

    def chunks_by_id(self, ids: list[int]) -> dict[int, Chunk]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(f"SELECT id, {CHUNK_COLUMNS} FROM chunks WHERE id IN ({marks})", ids)
        return {row[0]: Chunk(*row[1:]) for row in rows}

    def original(self, doc_id: str) -> Path | None:
        """The stored copy of the document's file (decrypted, if it was encrypted)."""
        return next(iter(sorted((self.data_dir / "files").glob(f"{doc_id}.*"))), None)

    def chunk_langs(self) -> dict[int, str]:
        return dict(self._db.execute("SELECT id, lang FROM chunks").fetchall())

    def chunk_ids_of(self, doc_ids: list[str]) -> np.ndarray:
        """The chunk ids of these documents (unknown ids contribute nothing)."""
        marks = ",".join("?" * len(doc_ids))
        query = f"SELECT id FROM chunks WHERE doc_id IN ({marks})"
        return np.array([row[0] for row in self._db.execute(query, doc_ids)], dtype=np.int64)

    def indexes(self) -> Indexes:
        """The indexes of the latest committed generation, reloaded after another writer's commit."""
        self.check_searchable()
        with self._guard:
            for _ in range(3):
                generation = self.generation()
                if generation == self._generation and self._indexes is not None:
                    return self._indexes
                try:
                    self._indexes = self._read(generation)
                except (RuntimeError, OSError):  # a writer replaced that generation while we looked
                    continue
                self._generation = generation
                return self._indexes
            raise RuntimeError(f"could not read a stable index from {self.data_dir}")

    def check_searchable(self) -> None:
        """Refuse to search a store opened to rebuild its vectors until that is done."""
        if self._rebuilding:
            self.check_model()

    def rows(self) -> Rows:
        """The rows of the latest committed version, fixed until closed (one per search)."""
        return Rows(self._connect())

    def index_kind(self) -> str:
        """Where the passages are searched: "local" (index files) or "milvus" (ingest/milvus_store.py)."""
        return self._meta("index") or "local"

    def generation(self) -> int:
        return int(self._meta("generation") or 0)

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _read(self, generation: int) -> Indexes:
        return Indexes.read(self.data_dir, generation, self.dim, langs=self.chunk_langs)

    def close(self) -> None:
        self._db.close()
