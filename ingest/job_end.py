"""How a running job ends (done or failed), as one UPDATE on a given connection: the queue
runs it in a transaction of its own, the worker inside the commit that stores the job's
document, so that a cancel lands either before the commit (nothing stored) or after it
(the job is done and the cancel changes nothing)."""

import json
import sqlite3
from datetime import UTC, datetime

from ingest.job import RUNNING


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def end_job(
    db: sqlite3.Connection,
    job_id: int,
    owner: str,
    state: str,
    error: dict | None = None,
    doc_id: str | None = None,
    note: dict | None = None,
) -> bool:
    """Record how `owner`'s running job ended; False when it is no longer `owner`'s (it was
    cancelled, or another worker took it over), and then nothing changes."""
    changed = db.execute(
        "UPDATE jobs SET state = ?, error = ?, doc_id = ?, note = ?, finished = ?, owner = NULL, "
        f"password = NULL WHERE id = ? AND owner = ? AND state IN ({','.join('?' * len(RUNNING))})",
        (state, json.dumps(error) if error else None, doc_id, json.dumps(note or {}), now_iso(),
         job_id, owner, *RUNNING),
    ).rowcount  # fmt: skip
    return bool(changed)
