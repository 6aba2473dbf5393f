"""One indexing job: its record, its states, and who holds it while it runs."""

import json
import os
import socket
import uuid
from dataclasses import dataclass, field

QUEUED, READING, OCR, EMBEDDING, STORING = "queued", "reading", "ocr", "embedding", "storing"
DONE, FAILED, CANCELLED = "done", "failed", "cancelled"
RUNNING = (READING, OCR, EMBEDDING, STORING)  # done/total: pages read, OCR page, chunks embedded
OPEN = (QUEUED, *RUNNING)


class Stopped(Exception):
    """The job was cancelled, or another worker took it over: stop working on it."""


@dataclass(frozen=True)
class Job:
    """One file to index. `error` is {"code": ..., "params": {...}}: shown in the reader's
    interface language; `note` is what the person should know about a finished job."""

    id: int
    file: str
    upload: str
    content: str
    size: int
    collection: str
    state: str
    done: int
    total: int
    error: dict | None
    doc_id: str | None
    created: str
    finished: str | None
    attempts: int = 0
    note: dict = field(default_factory=dict)


COLUMNS = (
    "id, file, upload, content, size, collection, state, done, total, error, doc_id, created, finished, "
    "attempts, note"
)


def worker_name() -> str:
    """Who holds a job: host, process and a random part (a thread or a restarted process)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def dead(owner: str | None) -> bool:
    """Whether `owner` was a process of this machine that no longer runs (killed, crashed):
    its job need not wait for the lease to run out."""
    host, _, rest = (owner or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def job_json(job: Job) -> dict:
    """A job as `ingest jobs --json` and the HTTP API show it; `error` is the English reason."""
    return {
        "id": job.id, "file": job.file, "collection": job.collection, "state": job.state,
        "done": job.done, "total": job.total, "error": (job.error or {}).get("message"),
        "created": job.created, "finished": job.finished,
    }  # fmt: skip


def job_of(row: tuple) -> Job:
    (job_id, file, upload, content, size, collection, state, done, total, error, doc_id, created,
     finished, attempts, note) = row  # fmt: skip
    return Job(
        job_id, file, upload, content, size, collection, state, done, total,
        json.loads(error) if error else None, doc_id, created, finished, attempts,
        json.loads(note) if note else {},
    )  # fmt: skip
