"""What searching Milvus needs besides the passages, kept in the library's SQLite database in
the transaction that commits the rows: per language the count, sum and sum of outer products
of the passages' vectors (the language means and the calibration's moments), and per keyword
term its document frequency (BM25's idf), with the passages' total length (its avgdl).

Read in a search's own read transaction, these belong to the same version as its rows.
"""

import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

SCHEMA = """
CREATE TABLE IF NOT EXISTS milvus_langs (lang TEXT PRIMARY KEY, count INTEGER, sum BLOB, outer BLOB);
CREATE TABLE IF NOT EXISTS milvus_terms (term INTEGER PRIMARY KEY, df INTEGER);
CREATE TABLE IF NOT EXISTS milvus_meta (key TEXT PRIMARY KEY, value INTEGER);
"""
BATCH = 500  # terms per statement (SQLite's parameter limit)


def term_id(token: str) -> int:
    """A keyword token as a sparse dimension: a stable hash below Milvus's 2**32 - 1."""
    return zlib.crc32(token.encode()) % (2**32 - 1)


def term_counts(tokens: Iterable[str]) -> dict[int, float]:
    """A passage's term frequencies by term id (its sparse vector in Milvus)."""
    return {term_id(t): float(n) for t, n in Counter(tokens).items()}


@dataclass(frozen=True)
class LangSums:
    count: int
    sum: np.ndarray  # (d,)
    outer: np.ndarray  # (d, d): sum of v v^T


@dataclass(frozen=True)
class Stats:
    langs: dict[str, LangSums]
    passages: int
    length: float  # total keyword tokens of all passages

    @property
    def avgdl(self) -> float:
        return self.length / self.passages if self.passages else 0.0


def create(db: sqlite3.Connection) -> None:
    db.executescript(SCHEMA)


def read(db: sqlite3.Connection, dim: int) -> Stats:
    """The sums of the version `db`'s transaction sees (none before the first copy to Milvus)."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "milvus_meta" not in tables:
        return Stats({}, 0, 0.0)
    passages, length = totals(db)
    langs = {}
    for lang, count, total, outer in db.execute("SELECT lang, count, sum, outer FROM milvus_langs"):
        if count > 0:
            vector = np.frombuffer(total, dtype=np.float64).copy()
            langs[lang] = LangSums(count, vector, np.frombuffer(outer, dtype=np.float64).reshape(dim, dim))
    return Stats(langs, passages, length)


def totals(db: sqlite3.Connection) -> tuple[int, float]:
    """(passages, their total keyword tokens): two rows, cheap enough for every search; the
    per-language sums (a d x d matrix each) are read only when these or the version change."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'milvus_meta'").fetchone():
        return 0, 0.0  # no copy to Milvus yet
    meta = dict(db.execute("SELECT key, value FROM milvus_meta").fetchall())
    return int(meta.get("passages", 0)), float(meta.get("length", 0))


def document_frequencies(db: sqlite3.Connection, terms: Sequence[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    unique = sorted(set(terms))
    for first in range(0, len(unique), BATCH):
        batch = unique[first : first + BATCH]
        query = f"SELECT term, df FROM milvus_terms WHERE term IN ({','.join('?' * len(batch))})"
        found.update(db.execute(query, batch).fetchall())
    return found


def update(
    db: sqlite3.Connection,
    vectors: np.ndarray,
    langs: Sequence[str],
    terms: Sequence[dict[int, float]],
    sign: int,
) -> None:
    """Add (sign 1) or take away (sign -1) these passages; the caller commits."""
    if sign not in (1, -1):
        raise ValueError(f"sign must be 1 or -1, got {sign}")
    if not len(vectors) == len(langs) == len(terms):
        raise ValueError(f"{len(vectors)} vectors, {len(langs)} languages, {len(terms)} term lists")
    matrix = np.asarray(vectors, dtype=np.float64)
    for lang in sorted(set(langs)):
        rows = matrix[[i for i, x in enumerate(langs) if x == lang]]
        found = db.execute("SELECT count, sum, outer FROM milvus_langs WHERE lang = ?", (lang,)).fetchone()
        dim = matrix.shape[1]
        count, total, outer = (0, np.zeros(dim), np.zeros((dim, dim))) if found is None else (
            found[0], np.frombuffer(found[1]), np.frombuffer(found[2]).reshape(dim, dim)
        )  # fmt: skip
        count += sign * len(rows)
        total = total + sign * rows.sum(axis=0)
        outer = outer + sign * (rows.T @ rows)
        db.execute(
            "INSERT OR REPLACE INTO milvus_langs VALUES (?, ?, ?, ?)",
            (lang, count, total.tobytes(), outer.tobytes()),
        )
    df = Counter(term for counts in terms for term in counts)
    db.executemany(
        "INSERT INTO milvus_terms VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
        [(term, sign * n) for term, n in df.items()],
    )
    length = sum(sum(counts.values()) for counts in terms)
    db.executemany(
        "INSERT INTO milvus_meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
        [("passages", sign * len(terms)), ("length", sign * int(length))],
    )
