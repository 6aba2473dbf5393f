"""The reads of the jobs table that pages run every few seconds in every session, kept cheap:
a count over the state index, and the job list without the old finished jobs it does not show."""

import sqlite3
from collections.abc import Collection

from ingest.job import CANCELLED, COLUMNS, DONE, OPEN, Job, job_of

FINISHED = (DONE, CANCELLED)


def _where(collections: Collection[str] | None) -> tuple[str, tuple[str, ...]]:
    if collections is None:
        return "1", ()
    names = tuple(collections)
    return f"collection IN ({','.join('?' * len(names))})", names


def count_open(db: sqlite3.Connection, collections: Collection[str] | None) -> int:
    """How many jobs of `collections` (None: all) are queued or running."""
    where, args = _where(collections)
    sql = f"SELECT COUNT(*) FROM jobs WHERE state IN ({','.join('?' * len(OPEN))}) AND {where}"
    return int(db.execute(sql, (*OPEN, *args)).fetchone()[0])


def latest(
    db: sqlite3.Connection, collections: Collection[str] | None, finished: int
) -> tuple[list[Job], int]:
    """Every open or failed job of `collections` and the newest `finished` done or cancelled
    ones, oldest first; and how many finished ones were left out."""
    where, args = _where(collections)
    marks = ",".join("?" * len(FINISHED))
    rows = db.execute(
        f"SELECT {COLUMNS} FROM jobs WHERE {where} AND (state NOT IN ({marks}) OR id IN "
        f"(SELECT id FROM jobs WHERE {where} AND state IN ({marks}) ORDER BY id DESC LIMIT ?)) ORDER BY id",
        (*args, *FINISHED, *args, *FINISHED, finished),
    ).fetchall()  # fmt: skip
    total = db.execute(f"SELECT COUNT(*) FROM jobs WHERE {where} AND state IN ({marks})", (*args, *FINISHED))
    return [job_of(row) for row in rows], max(0, int(total.fetchone()[0]) - finished)
