"""The job queue in the library's SQLite file: an upload stores its file and adds a job; a
worker (in any process on this data directory) claims one at a time and indexes it.

A claim is one `BEGIN IMMEDIATE` transaction, so two workers never claim one job. A running
job holds a lease that its worker renews; a job whose lease ran out (its worker died) is
claimed again and run from the start: its partial work was never committed."""

import hashlib
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest.atomic import write_atomic
from ingest.job import (
    CANCELLED,
    COLUMNS,
    DONE,
    FAILED,
    OPEN,
    QUEUED,
    READING,
    RUNNING,
    Job,
    Stopped,
    dead,
    job_of,
)
from ingest.job_end import end_job, now_iso
from ingest.job_prune import KEEP_LAST, cutoff, prune_finished
from ingest.job_queries import count_open, latest
from ingest.names import safe_name
from ingest.pipeline import file_id
from ingest.sqlite_db import open_db

UPLOADS = "uploads"  # DATA/uploads/: files of queued, running and failed jobs, named by job

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, file TEXT NOT NULL, upload TEXT NOT NULL,
    content TEXT NOT NULL, size INTEGER NOT NULL, collection TEXT NOT NULL,
    state TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,
    error TEXT, doc_id TEXT, created TEXT NOT NULL, finished TEXT, owner TEXT,
    lease REAL NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, password TEXT,
    note TEXT
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
"""


JobList = list[Job]  # (inside Jobs, `list` is its method)


class Jobs:
    """The queue of one data directory; safe to use from several threads and processes."""

    def __init__(self, data_dir: Path, lease_s: float = 60.0) -> None:
        if lease_s <= 0:
            raise ValueError(f"lease_s must be > 0, got {lease_s}")
        self.data_dir, self.lease_s = Path(data_dir), lease_s
        self.uploads = self.data_dir / UPLOADS
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._db.executescript(SCHEMA)

    @property
    def _db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = open_db(self.data_dir, autocommit=True)
            self._local.connection = connection
        return connection

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once: what it reads no other writer changes."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- adding ----------------------------------------------------------------------------
    def add(
        self, name: str, source: Path | bytes, collection: str, password: str | None = None
    ) -> tuple[Job, bool]:
        """Queue `source` (a file or its bytes, copied under DATA/uploads/) for `collection`;
        (job, False) when a job for the same bytes in that collection is queued or running."""
        content = content_hash(source)
        size = len(source) if isinstance(source, bytes) else source.stat().st_size
        with self._transaction() as db:
            row = db.execute(
                f"SELECT {COLUMNS} FROM jobs WHERE content = ? AND collection = ? AND state IN "
                f"({','.join('?' * len(OPEN))}) ORDER BY id LIMIT 1", (content, collection, *OPEN),
            ).fetchone()  # fmt: skip
            if row:
                return job_of(row), False
        upload = f"{uuid.uuid4().hex}{Path(safe_name(name)).suffix.lower()[:16]}"
        self.uploads.mkdir(exist_ok=True)
        # Written whole under a temporary name, then renamed: a worker never sees part of it.
        if isinstance(source, bytes):
            write_atomic(self.uploads / upload, lambda out: out.write(source))
        else:
            with source.open("rb") as src:
                write_atomic(self.uploads / upload, lambda out: shutil.copyfileobj(src, out))
        # The password of an encrypted PDF waits here until its job ends; the library keeps
        # the decrypted copy anyway, so the password tells nothing the data directory does not.
        with self._transaction() as db:
            row = db.execute(
                f"SELECT {COLUMNS} FROM jobs WHERE content = ? AND collection = ? AND state IN "
                f"({','.join('?' * len(OPEN))}) ORDER BY id LIMIT 1", (content, collection, *OPEN),
            ).fetchone()  # fmt: skip
            if row is None:
                cursor = db.execute(
                    "INSERT INTO jobs (file, upload, content, size, collection, state, created, password) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (safe_name(name), upload, content, size, collection, QUEUED,
                     now_iso(), password),
                )  # fmt: skip
                new_id = cursor.lastrowid
        if row is not None:  # another process queued the same bytes a moment ago
            (self.uploads / upload).unlink(missing_ok=True)
            return job_of(row), False
        job = self.get(int(new_id or 0))
        assert job is not None
        return job, True

    # -- reading ---------------------------------------------------------------------------
    def get(self, job_id: int) -> Job | None:
        row = self._db.execute(f"SELECT {COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return job_of(row) if row else None

    def list(self, collections: Collection[str] | None = None) -> list[Job]:
        """Every job, or those of `collections` (None: no restriction), oldest first."""
        if collections is None:
            rows = self._db.execute(f"SELECT {COLUMNS} FROM jobs ORDER BY id")
        else:
            names = tuple(collections)
            rows = self._db.execute(
                f"SELECT {COLUMNS} FROM jobs WHERE collection IN ({','.join('?' * len(names))}) ORDER BY id",
                names,
            )
        return [job_of(row) for row in rows]

    def pending(self, collections: Collection[str] | None = None) -> int:
        """How many files of `collections` are queued or being indexed (a cheap count)."""
        return count_open(self._db, collections)

    def latest(self, collections: Collection[str] | None, finished: int) -> tuple[JobList, int]:
        """The open and failed jobs of `collections` and the newest `finished` finished ones;
        how many finished ones are left out (ingest.job_queries)."""
        return latest(self._db, collections, finished)

    def path(self, job: Job) -> Path:
        return self.uploads / job.upload

    def password(self, job_id: int) -> str | None:
        row = self._db.execute("SELECT password FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return row[0] if row else None

    # -- working ---------------------------------------------------------------------------
    def claim(self, owner: str) -> Job | None:
        """The oldest queued job, or one whose worker stopped renewing its lease, now `owner`'s."""
        with self._transaction() as db:
            rows = db.execute(
                f"SELECT id, state, owner, lease FROM jobs WHERE state IN ({','.join('?' * len(OPEN))}) "
                "ORDER BY id", OPEN,
            ).fetchall()  # fmt: skip
            row = next((r for r in rows if r[1] == QUEUED or r[3] < time.time() or dead(r[2])), None)
            if row is None:
                return None
            db.execute(
                "UPDATE jobs SET state = ?, owner = ?, lease = ?, attempts = attempts + 1, done = 0, "
                "total = 0, error = NULL WHERE id = ?", (READING, owner, time.time() + self.lease_s, row[0]),
            )  # fmt: skip
        return self.get(row[0])

    def progress(self, job_id: int, owner: str, state: str, done: int = 0, total: int = 0) -> None:
        """Record where `owner` is, and renew its lease; Stopped when the job is no longer its."""
        with self._transaction() as db:
            changed = db.execute(
                "UPDATE jobs SET state = ?, done = ?, total = ?, lease = ? WHERE id = ? AND owner = ? "
                f"AND state IN ({','.join('?' * len(RUNNING))})",
                (state, done, total, time.time() + self.lease_s, job_id, owner, *RUNNING),
            ).rowcount
        if not changed:
            raise Stopped(f"job {job_id} was cancelled or taken over")

    def renew(self, job_id: int, owner: str) -> bool:
        """Extend `owner`'s lease; False when the job is no longer its (cancelled, taken over)."""
        with self._transaction() as db:
            return bool(
                db.execute(
                    f"UPDATE jobs SET lease = ? WHERE id = ? AND owner = ? AND state IN "
                    f"({','.join('?' * len(RUNNING))})",
                    (time.time() + self.lease_s, job_id, owner, *RUNNING),
                ).rowcount
            )

    def finish(self, job_id: int, owner: str, doc_id: str, note: dict | None = None) -> None:
        """The job's document is in the library: done, and its upload is no longer needed."""
        self._end(job_id, owner, DONE, None, doc_id, note)

    def fail(self, job_id: int, owner: str, error: dict) -> None:
        """The job failed, `error` says why (ingest.job_errors): its upload stays for a retry."""
        self._end(job_id, owner, FAILED, error, None, None)

    def _end(self, job_id: int, owner: str, state: str, error: dict | None, doc_id: str | None,
             note: dict | None) -> None:  # fmt: skip
        with self._transaction() as db:
            changed = end_job(db, job_id, owner, state, error, doc_id, note)
        job = self.get(job_id)
        if changed and job and state == DONE:
            self.path(job).unlink(missing_ok=True)

    # -- the person's actions --------------------------------------------------------------
    def cancel(self, job_id: int) -> bool:
        """Stop a queued or running job (its worker stops at its next step); False otherwise."""
        with self._transaction() as db:
            changed = db.execute(
                f"UPDATE jobs SET state = ?, finished = ?, owner = NULL, password = NULL WHERE id = ? "
                f"AND state IN ({','.join('?' * len(OPEN))})",
                (CANCELLED, now_iso(), job_id, *OPEN),
            ).rowcount
        job = self.get(job_id)
        if changed and job:
            self.path(job).unlink(missing_ok=True)
        return bool(changed)

    def retry(self, job_id: int, password: str | None = None) -> bool:
        """Queue a failed job again (its file was kept), with a password for an encrypted PDF;
        False when it did not fail."""
        job = self.get(job_id)
        if job is None or job.state != FAILED or not self.path(job).is_file():
            return False
        with self._transaction() as db:
            return bool(
                db.execute(
                    "UPDATE jobs SET state = ?, error = NULL, finished = NULL, done = 0, total = 0, "
                    "password = ? WHERE id = ? AND state = ?",
                    (QUEUED, password, job_id, FAILED),
                ).rowcount
            )

    def remove(self, job_id: int) -> bool:
        """Forget a finished, failed or cancelled job and its kept file; False for an open one."""
        job = self.get(job_id)
        with self._transaction() as db:
            changed = db.execute(
                f"DELETE FROM jobs WHERE id = ? AND state NOT IN ({','.join('?' * len(OPEN))})",
                (job_id, *OPEN),
            ).rowcount
        if changed and job:
            self.path(job).unlink(missing_ok=True)
        return bool(changed)

    def prune(self, keep_days: float, keep_last: int = KEEP_LAST) -> int:
        """Drop done and cancelled jobs older than `keep_days` or beyond the newest `keep_last`
        (ingest.job_prune); how many were dropped."""
        with self._transaction() as db:
            uploads = prune_finished(db, cutoff(keep_days), keep_last)
        for upload in uploads:
            (self.uploads / upload).unlink(missing_ok=True)
        return len(uploads)

    def kept_uploads(self) -> set[str]:
        """Files under DATA/uploads/ that a job still needs (queued, running or failed)."""
        rows = self._db.execute(
            f"SELECT upload FROM jobs WHERE state IN ({','.join('?' * (len(OPEN) + 1))})", (*OPEN, FAILED)
        )
        return {row[0] for row in rows}

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


def content_hash(source: Path | bytes) -> str:
    """The hash that names a file's bytes (as the library's documents record it)."""
    if isinstance(source, bytes):
        return hashlib.sha256(source).hexdigest()[:16]
    return file_id(source)
