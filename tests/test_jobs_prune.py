"""Finished jobs are dropped after their retention by the worker; failed and open ones stay."""

import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta

from ingest.indexer import Indexing, work
from ingest.jobs import Jobs
from ingest.store import DB_NAME
from ingest.worker import Reader


def finished_at(jobs: Jobs, job_id: int, state: str, days_ago: float) -> None:
    when = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(timespec="seconds")
    with sqlite3.connect(jobs.data_dir / DB_NAME) as db:
        db.execute("UPDATE jobs SET state = ?, finished = ? WHERE id = ?", (state, when, job_id))


def make_jobs(jobs: Jobs) -> dict[str, int]:
    """One job of each kind; the old ones finished 40 days ago."""
    ids = {}
    for name, state, days in [
        ("old_done", "done", 40), ("old_cancelled", "cancelled", 40), ("old_failed", "failed", 40),
        ("new_done", "done", 1), ("new_cancelled", "cancelled", 1),
    ]:  # fmt: skip
        job, _ = jobs.add(f"{name}.txt", name.encode(), "general")
        finished_at(jobs, job.id, state, days)
        ids[name] = job.id
    ids["queued"] = jobs.add("queued.txt", b"queued", "general")[0].id
    return ids


def names(jobs: Jobs) -> set[str]:
    return {job.file.removesuffix(".txt") for job in jobs.list()}


def test_prune_drops_old_finished_jobs_and_keeps_failed_and_open_ones(data_dir):
    jobs = Jobs(data_dir)
    ids = make_jobs(jobs)
    old_upload = jobs.path(jobs.get(ids["old_done"]))  # type: ignore[arg-type]
    assert old_upload.exists()  # (set done behind the queue's back: its file was not removed)
    assert jobs.prune(keep_days=30) == 2
    assert names(jobs) == {"old_failed", "new_done", "new_cancelled", "queued"}
    assert not old_upload.exists()
    assert jobs.prune(keep_days=30) == 0


def test_prune_keeps_only_the_newest_finished_jobs(data_dir):
    jobs = Jobs(data_dir)
    make_jobs(jobs)
    assert jobs.prune(keep_days=30, keep_last=1) == 3  # old done, old cancelled, new done
    assert names(jobs) == {"old_failed", "new_cancelled", "queued"}


def test_an_idle_worker_prunes(data_dir):
    jobs = Jobs(data_dir)
    ids = make_jobs(jobs)
    jobs.cancel(ids["queued"])  # an empty queue: the worker is idle at once
    stop = threading.Event()
    how = Indexing(12, 0, 4, 50, Reader(ocr=None))
    worker = threading.Thread(target=work, args=(Jobs(data_dir), None, None, how, stop, 0.05))
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while "old_done" in names(jobs) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join()
    assert names(jobs) == {"old_failed", "new_done", "new_cancelled", "queued"}
