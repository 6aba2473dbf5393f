"""Writing the library on disk: documents, pages and chunks in SQLite, search indexes in files.

A commit writes the next generation's index files first, then in one SQLite transaction
the rows and the generation number. A crash at any point leaves the last committed
generation complete: its rows and its index files agree.
"""

import fcntl
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import astuple, dataclass
from pathlib import Path

import numpy as np

from ingest.atomic import write_atomic
from ingest.errors import StorageError
from ingest.indexes import Indexes, remove_stale
from ingest.records import Chunk, Document, Page
from ingest.schema import CHUNK_COLUMNS
from ingest.sqlite_db import DB_NAME
from ingest.store_read import StoreReader

__all__ = ["DB_NAME", "BeforeCommit", "Entry", "Store"]

REEMBED_BATCH = 5_000  # chunks per re-embedding batch (ingest reindex)
BeforeCommit = Callable[[sqlite3.Connection], None]  # more writes for a commit's transaction


@dataclass(frozen=True)
class Entry:
    """One document ready to store: its rows, one vector per chunk, and the file to keep
    (its bytes and suffix; no bytes: keep none)."""

    document: Document
    pages: list[Page]
    chunks: list[Chunk]
    vectors: np.ndarray
    original: bytes = b""
    suffix: str = ""


class Store(StoreReader):
    """One data directory. Readers never block; writers take a lock file, one at a time."""

    @classmethod
    def unchecked(cls, data_dir: Path, model: str, dim: int) -> "Store":
        """A store opened to rebuild its vectors with another model; searching it is refused."""
        return cls(data_dir, model, dim, check=False)

    def keep_original(self, doc_id: str, data: bytes, suffix: str) -> Path:
        """Store the file's bytes under its id; written before the commit that lists it."""
        folder = self.data_dir / "files"
        folder.mkdir(exist_ok=True)
        path = folder / f"{doc_id}{suffix.lower()}"
        write_atomic(path, lambda handle: handle.write(data))
        return path

    def add(self, entries: list[Entry], before_commit: BeforeCommit | None = None) -> list[bool]:
        """Store documents in one commit; False for each one that was already stored.
        `before_commit` runs in the commit's transaction, under the write lock: what it writes
        is committed with the documents, and an exception from it stores nothing."""
        for entry in entries:
            if len(entry.chunks) != len(entry.vectors):
                raise ValueError(f"{len(entry.chunks)} chunks but {len(entry.vectors)} vectors")
        with self._writing() as indexes:
            asked = sorted({e.document.doc_id for e in entries})  # not every row: a commit stays small
            stored = {row[0] for row in self._db.execute(
                f"SELECT doc_id FROM documents WHERE doc_id IN ({','.join('?' * len(asked))})", asked
            )}  # fmt: skip
            unique: dict[str, Entry] = {}
            for entry in entries:  # the same file twice in one batch is stored once
                if entry.document.doc_id not in stored:
                    unique.setdefault(entry.document.doc_id, entry)
            fresh = list(unique.values())
            if not fresh:
                return [False] * len(entries)
            kept: list[Path] = []
            try:  # originals are written under the lock and removed unless the commit lists them
                for e in fresh:
                    if e.original:
                        kept.append(self.keep_original(e.document.doc_id, e.original, e.suffix))
                self._insert(fresh, indexes, before_commit)
            except BaseException:
                for path in kept:
                    path.unlink(missing_ok=True)
                raise
        added = {id(e) for e in fresh}
        return [id(e) in added for e in entries]

    def _insert(self, fresh: list[Entry], indexes: Indexes, before_commit: BeforeCommit | None) -> None:
        first = int(self._meta("next_id") or 1)
        ids = list(range(first, first + sum(len(e.chunks) for e in fresh)))
        chunks = [c for e in fresh for c in e.chunks]
        vectors = np.concatenate([e.vectors.reshape(-1, self.dim) for e in fresh])
        texts, langs = [c.text for c in chunks], [c.lang for c in chunks]
        generation = self._write_generation(indexes.add(ids, vectors, texts, langs))
        self._db.executemany(
            "INSERT INTO documents (doc_id, name, pages, chunks, lang, added_at, size, "
            "pages_without_text, collection, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    *astuple(e.document)[:7],
                    json.dumps(e.document.pages_without_text),
                    e.document.collection,
                    e.document.content,
                )
                for e in fresh
            ],
        )
        self._db.executemany(
            "INSERT INTO pages (doc_id, page, text, source, lang, place) VALUES (?, ?, ?, ?, ?, ?)",
            [(e.document.doc_id, p.page, p.text, p.source, p.lang, p.place) for e in fresh for p in e.pages],
        )
        self._db.executemany(
            f"INSERT INTO chunks (id, {CHUNK_COLUMNS}) VALUES ({','.join('?' * 13)})",
            [(i, *astuple(c)) for i, c in zip(ids, chunks, strict=True)],
        )
        self._commit(generation, next_id=first + len(ids), before_commit=before_commit)

    def remove(self, doc_id: str) -> bool:
        """Delete a document, its pages, chunks and vectors; False when there was none."""
        with self._writing() as indexes:
            if not self._db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone():
                return False
            ids = [r[0] for r in self._db.execute("SELECT id FROM chunks WHERE doc_id = ?", (doc_id,))]
            generation = self._write_generation(indexes.remove(ids))
            for table in ("chunks", "pages", "documents"):
                self._db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
            self._commit(generation)
        for path in (self.data_dir / "files").glob(f"{doc_id}.*"):
            path.unlink(missing_ok=True)
        return True

    def rename_collection(self, old: str, new: str) -> int:
        """Move every document of collection `old` to `new` (the caller checks `new` is unused)."""
        with self._writing(check=False):
            moved = self._db.execute("UPDATE documents SET collection = ? WHERE collection = ?", (new, old))
            self._db.commit()
        return moved.rowcount

    def reembed(self, embed: Callable[[list[int], list[str]], np.ndarray], batch: int = REEMBED_BATCH) -> int:
        """New vectors for every chunk, `embed(ids, texts)` a batch at a time, recorded as this
        store's model (ingest reindex, a copy back from Milvus); under the write lock
        (an upload meanwhile waits, so none is left out) and in batches: each batch's segment is
        written as it is done, and no SQL statement names more than a batch of ids. Returns
        how many chunks were embedded."""
        with self._writing(check=False):
            indexes, last, done = Indexes.empty(self.dim, self.data_dir), 0, 0
            while rows := self._db.execute(
                "SELECT id, text, lang FROM chunks WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall():
                ids, texts, langs = (list(column) for column in zip(*rows, strict=True))
                indexes = indexes.add(ids, embed(ids, texts), texts, langs).flush(self.data_dir)
                last, done = ids[-1], done + len(ids)
            self._commit(self._write_generation(indexes))
        self._rebuilding = False
        return done

    def _write_generation(self, indexes: Indexes) -> int:
        generation = self.generation() + 1
        indexes.write(self.data_dir, generation)
        return generation

    def _commit(
        self, generation: int, next_id: int | None = None, before_commit: BeforeCommit | None = None
    ) -> None:
        values = {"generation": str(generation), "embed_model": self.model, "dim": str(self.dim)}
        if next_id is not None:
            values["next_id"] = str(next_id)
        self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())
        if before_commit is not None:
            before_commit(self._db)
        self._db.commit()
        with suppress(OSError):  # committed already; the next write removes what is left
            remove_stale(self.data_dir, keep=generation)

    @contextmanager
    def exclusive(self) -> Iterator[Indexes]:
        """The write lock, for maintenance (ingest check --repair, backup): no commit meanwhile."""
        with self._writing(check=False) as indexes:
            yield indexes

    @contextmanager
    def _writing(self, check: bool = True) -> Iterator[Indexes]:
        """Hold the data directory's write lock; yield a private copy of the current indexes."""
        if self.read_only:
            raise StorageError("read_only", self.data_dir)
        with (self.data_dir / "write.lock").open("a") as lock, self._guard:
            fcntl.flock(lock, fcntl.LOCK_EX)  # other writers wait here, they do not fail
            try:
                if check:
                    self.check_model()
                remove_stale(self.data_dir, keep=self.generation())  # a crash's leftovers
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._read(self.generation())
                except BaseException:
                    self._db.rollback()
                    raise
                if self._db.in_transaction:
                    self._db.rollback()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
