"""What `ingest check` compares for a library whose passages live in Milvus: the passages Milvus
holds for the committed version against the rows, and the sums searches read against both.

Passages a committed removal listed for deletion (milvus_removed) may still be in Milvus until
the next commit drops them; they are expected, not a disagreement; so are passages past the
committed version (a crashed commit's: the next commit drops them, and no search sees them)."""

import sqlite3
from collections import Counter

from ingest import milvus_stats
from ingest.milvus import Passages


def disagreements(db: sqlite3.Connection, passages: Passages, generation: int) -> list[str]:
    """What differs between the rows in `db` (one read transaction) and Milvus, in words."""
    rows = dict(db.execute("SELECT id, lang FROM chunks").fetchall())
    listed = (
        {row[0] for row in db.execute("SELECT id FROM milvus_removed")}
        if _has(db, "milvus_removed")
        else set()
    )
    held = {
        int(r["id"]): str(r["lang"])
        for page in passages.walk(f"generation <= {int(generation)}", ("lang",))
        for r in page
    }
    problems = []
    kept = set(held) - listed
    if kept != set(rows):
        missing, extra = len(set(rows) - kept), len(kept - set(rows))
        problems.append(
            f"Milvus ({passages.name}) holds {len(kept)} passages of version {generation}, the rows "
            f"{len(rows)} chunks: {missing} chunks without a passage, {extra} passages without a row"
        )
    wrong_lang = sum(1 for i, lang in rows.items() if i in held and held[i] != lang)
    if wrong_lang:
        problems.append(f"{wrong_lang} passages in Milvus have another language than their row")
    counted, _ = milvus_stats.totals(db)
    by_lang = {lang: n for lang, n in _lang_counts(db).items() if n}
    expected = {lang: n for lang, n in Counter(rows.values()).items() if n}
    if counted != len(rows) or by_lang != expected:
        problems.append(
            f"the search sums count {counted} passages {dict(sorted(by_lang.items()))}, the rows "
            f"{len(rows)} {dict(sorted(expected.items()))}; ingest migrate --to milvus rebuilds them"
        )
    return problems


def _lang_counts(db: sqlite3.Connection) -> dict[str, int]:
    if not _has(db, "milvus_langs"):
        return {}
    return dict(db.execute("SELECT lang, count FROM milvus_langs").fetchall())


def _has(db: sqlite3.Connection, table: str) -> bool:
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone()
        is not None
    )
