"""The rows of one committed library version, read in one SQLite read transaction.

In WAL mode a read transaction sees the database as it was at its first read, and neither
waits for a writer nor blocks one; so the generation number read first and every row read
after it belong to the same commit. Each search opens one and closes it at its end.
"""

import sqlite3
from collections.abc import Collection, Iterable, Sequence
from typing import TypeVar

import numpy as np

from ingest.records import Chunk
from ingest.schema import CHUNK_COLUMNS

T = TypeVar("T")
BATCH = 500  # ids per statement: SQLite limits the parameters of one statement (999 in old builds)


class Rows:
    """Reads of one version: the generation, chunks by id, document names, one page."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._db.execute("BEGIN")  # deferred: the snapshot starts at the first read below
        row = self._db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        self.generation = int(row[0]) if row else 0

    def chunks(self, ids: Sequence[int]) -> dict[int, Chunk]:
        """The chunks with these ids (ids of removed chunks are left out)."""
        found: dict[int, Chunk] = {}
        for batch in _batches(list(ids)):
            query = f"SELECT id, {CHUNK_COLUMNS} FROM chunks WHERE id IN ({','.join('?' * len(batch))})"
            found.update((row[0], Chunk(*row[1:])) for row in self._db.execute(query, batch))
        return found

    def names(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """Document id -> file name, for these documents only."""
        names: dict[str, str] = {}
        for batch in _batches(sorted(set(doc_ids))):
            query = f"SELECT doc_id, name FROM documents WHERE doc_id IN ({','.join('?' * len(batch))})"
            names.update(self._db.execute(query, batch).fetchall())
        return names

    def page_text(self, doc_id: str, page: int) -> str:
        query = "SELECT text FROM pages WHERE doc_id = ? AND page = ?"
        row = self._db.execute(query, (doc_id, page)).fetchone()
        return str(row[0]) if row else ""

    def documents_in(self, collections: Collection[str]) -> set[str]:
        """The ids of the documents of these collections."""
        found: set[str] = set()
        for batch in _batches(sorted(collections)):
            query = f"SELECT doc_id FROM documents WHERE collection IN ({','.join('?' * len(batch))})"
            found.update(row[0] for row in self._db.execute(query, batch))
        return found

    def chunk_ids_of(self, doc_ids: Collection[str]) -> np.ndarray:
        """The chunk ids of these documents (unknown ids contribute nothing)."""
        found: list[int] = []
        for batch in _batches(sorted(doc_ids)):
            query = f"SELECT id FROM chunks WHERE doc_id IN ({','.join('?' * len(batch))})"
            found += [row[0] for row in self._db.execute(query, batch)]
        return np.array(sorted(found), dtype=np.int64)

    def chunk_langs(self) -> dict[int, str]:
        return dict(self._db.execute("SELECT id, lang FROM chunks").fetchall())

    def close(self) -> None:
        self._db.rollback()  # ends the read transaction; nothing was written
        self._db.close()


def _batches(values: list[T]) -> Iterable[list[T]]:
    for first in range(0, len(values), BATCH):
        yield values[first : first + BATCH]
