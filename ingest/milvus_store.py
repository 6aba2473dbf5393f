"""A library whose passages live in Milvus (RAG_INDEX=milvus): rows in SQLite as always.

A commit writes Milvus inside the SQLite transaction that commits the rows, so the two agree
at every moment a search can see:
- added passages go to Milvus at the next generation before the rows commit; searches see
  only generations up to the committed one, and the next commit first drops what a crashed
  one left past it;
- removed passages are listed in the same transaction and dropped from Milvus after it (and
  again by the next commit, if a crash came between); until then a search may propose them,
  and their missing rows leave them out;
- the per-language sums and term frequencies change in the same transaction.
The local index files of each generation stay empty: the engine reads Milvus.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ingest import milvus_stats
from ingest.indexes import Indexes
from ingest.keywords import keyword_tokens
from ingest.milvus import Passage, Passages
from ingest.store import REEMBED_BATCH, BeforeCommit, Entry, Store

PENDING = "CREATE TABLE IF NOT EXISTS milvus_removed (id INTEGER PRIMARY KEY)"


class MilvusStore(Store):
    """A Store whose commits write the passages to `passages` instead of index files."""

    def __init__(self, data_dir: Path, model: str, dim: int, passages: Passages, check: bool = True) -> None:
        self.passages = passages
        self._removing: str | None = None
        super().__init__(data_dir, model, dim, check)
        if not self.read_only:
            milvus_stats.create(self._db)
            self._db.execute(PENDING)
            self._db.commit()

    def _write_generation(self, indexes: Indexes) -> int:
        return super()._write_generation(Indexes.empty(self.dim))  # Milvus holds the passages

    def _insert(self, fresh: list[Entry], indexes: Indexes, before_commit: BeforeCommit | None) -> None:
        chunks = [(e.document.collection, c) for e in fresh for c in e.chunks]
        vectors = np.concatenate([e.vectors.reshape(-1, self.dim) for e in fresh])
        terms = [milvus_stats.term_counts(keyword_tokens(c.text)) for _, c in chunks]

        def push(db: Any) -> None:
            generation, next_id = (int(self._meta(key) or 0) for key in ("generation", "next_id"))
            self._settle(db, generation - 1)
            ids = range(next_id - len(chunks), next_id)
            self.passages.insert(
                [
                    Passage(i, c.doc_id, collection, c.lang, generation, v, c.text, t)
                    for i, (collection, c), v, t in zip(ids, chunks, vectors, terms, strict=True)
                ]
            )
            milvus_stats.update(db, vectors, [c.lang for _, c in chunks], terms, 1)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('index', 'milvus')")
            if before_commit is not None:
                before_commit(db)

        super()._insert(fresh, Indexes.empty(self.dim), push)

    def remove(self, doc_id: str) -> bool:
        with self._guard:  # the lock's thread guard: _commit below knows whose passages go
            self._removing = doc_id
            try:
                removed = super().remove(doc_id)
            finally:
                self._removing = None
        if removed:
            with self._writing(check=False):
                self._settle(self._db, self.generation())
                self._db.commit()
        return removed

    def _commit(
        self, generation: int, next_id: int | None = None, before_commit: BeforeCommit | None = None
    ) -> None:
        doc_id = self._removing

        def hook(db: Any) -> None:
            if doc_id is not None:
                self._list_removed(db, doc_id, generation - 1)
            if before_commit is not None:
                before_commit(db)

        super()._commit(generation, next_id, hook)

    def _list_removed(self, db: Any, doc_id: str, committed: int) -> None:
        """Take a removed document's passages out of the sums; list them for deletion."""
        where = f"doc_id == {json.dumps(doc_id)} and generation <= {committed}"
        found = self.passages.client.query(
            self.passages.name, filter=where, output_fields=["id", "vector", "lang", "keywords"]
        )
        if not found:
            return
        vectors = np.array([r["vector"] for r in found], dtype=np.float64)
        terms = [{int(t): float(v) for t, v in r["keywords"].items() if v} for r in found]
        milvus_stats.update(db, vectors, [r["lang"] for r in found], terms, -1)
        db.executemany("INSERT OR IGNORE INTO milvus_removed VALUES (?)", [(int(r["id"]),) for r in found])

    def _settle(self, db: Any, committed: int) -> None:
        """Drop from Milvus what an interrupted commit added and what committed removals listed."""
        self.passages.delete_after(committed)
        listed = [row[0] for row in db.execute("SELECT id FROM milvus_removed")]
        if listed:
            self.passages.delete(listed)
            db.execute("DELETE FROM milvus_removed")

    def rename_collection(self, old: str, new: str) -> int:
        """Rename in the rows, then in Milvus (a crash between leaves the passages under the old
        name, hidden from the new one's searches, never shown to others: `ingest migrate --to
        milvus` renames them)."""
        moved = super().rename_collection(old, new)
        fields = ["id", "doc_id", "lang", "generation", "vector", "text", "keywords"]
        found = [r for page in self.passages.walk(f"collection == {json.dumps(old)}", fields) for r in page]
        self.passages.insert(
            [
                Passage(
                    int(r["id"]), r["doc_id"], new, r["lang"], int(r["generation"]),
                    np.asarray(r["vector"]), r["text"], {int(t): float(v) for t, v in r["keywords"].items()},
                )
                for r in found
            ]
        )  # fmt: skip
        return moved

    def reembed(self, embed: Callable[[list[int], list[str]], np.ndarray], batch: int = REEMBED_BATCH) -> int:
        raise ValueError(
            "a library in Milvus is re-embedded through local files: python -m ingest migrate --to local, "
            "python -m ingest reindex, python -m ingest migrate --to milvus (with RAG_INDEX=local between)"
        )
