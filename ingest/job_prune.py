"""Forgetting finished jobs: done and cancelled jobs are kept for a while (the Library tab and
`ingest jobs` show them), then dropped, so the jobs table does not grow without end. Failed
jobs stay until the person retries or removes them: their file waits for that."""

import sqlite3
from datetime import UTC, datetime, timedelta

from ingest.job import CANCELLED, DONE

KEEP_LAST = 1000  # finished jobs kept however recent, so a burst of uploads stays bounded too
PRUNE_EVERY_S = 3600.0  # how often an idle worker looks


def cutoff(keep_days: float, now: datetime | None = None) -> str:
    """The `finished` time before which a finished job is dropped, as the jobs table writes it."""
    if keep_days <= 0:
        raise ValueError(f"keep_days must be > 0, got {keep_days}")
    return ((now or datetime.now(UTC)) - timedelta(days=keep_days)).isoformat(timespec="seconds")


def prune_finished(db: sqlite3.Connection, before: str, keep_last: int = KEEP_LAST) -> list[str]:
    """Delete the done and cancelled jobs that finished before `before`, and those beyond the
    newest `keep_last`; the names of their upload files (normally gone already)."""
    finished = (DONE, CANCELLED)
    where = (
        "state IN (?, ?) AND (finished < ? OR id NOT IN "
        "(SELECT id FROM jobs WHERE state IN (?, ?) ORDER BY id DESC LIMIT ?))"
    )
    args = (*finished, before, *finished, keep_last)
    uploads = [row[0] for row in db.execute(f"SELECT upload FROM jobs WHERE {where}", args)]
    db.execute(f"DELETE FROM jobs WHERE {where}", args)
    return uploads
