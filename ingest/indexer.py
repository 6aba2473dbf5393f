"""The worker that indexes queued jobs: read (child process) -> OCR -> split -> embed -> commit,
one job at a time, under the library's single-writer lock. Runs as `python -m ingest worker`
or as a thread of the app's server process; any number of them may share a data directory."""

import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from ingest.embed import Embedder
from ingest.job import DONE, Job, Stopped, worker_name
from ingest.job_end import end_job
from ingest.job_errors import reason
from ingest.job_progress import JobProgress
from ingest.job_prune import PRUNE_EVERY_S
from ingest.jobs import Jobs
from ingest.limits import check_file_size
from ingest.pipeline import Added, add_file
from ingest.settings import Settings
from ingest.store import Store
from ingest.worker import Reader, reader_from

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Indexing:
    """How files are indexed: the split, the embedding batch, the per-file limit, the reader."""

    chunk_tokens: int
    chunk_overlap: int
    batch_size: int
    max_file_mb: float
    reader: Reader


def indexing_from(settings: Settings) -> Indexing:
    return Indexing(
        settings.chunk_tokens, settings.chunk_overlap, settings.embed_batch, settings.max_file_mb,
        reader_from(settings),
    )  # fmt: skip


def run_job(jobs: Jobs, job: Job, owner: str, store: Store, embedder: Embedder, how: Indexing) -> None:
    """Index one claimed job and record how it ended; Stopped ends it quietly (cancelled)."""
    stop = threading.Event()
    lost = threading.Event()

    def renew() -> None:  # the reader may take minutes without a word: the lease needs a pulse
        while not stop.wait(jobs.lease_s / 4):
            if not jobs.renew(job.id, owner):
                lost.set()
                return

    pulse = threading.Thread(target=renew, name=f"lease-{job.id}", daemon=True)
    pulse.start()

    progress = JobProgress(jobs, job.id, owner, lost)

    def commit(db: sqlite3.Connection, stored: Added) -> None:
        # in the commit's transaction, under the write lock: a cancel that came before it
        # stores nothing; one that comes after finds the job done and changes nothing
        if not end_job(db, job.id, owner, DONE, None, stored.document.doc_id, note_of(stored, owner)):
            raise Stopped(f"job {job.id} was cancelled or taken over before its commit")

    try:
        check_file_size(job.size, how.max_file_mb)  # the limit may have changed since the upload
        added = add_file(
            jobs.path(job), store, embedder, how.chunk_tokens, how.chunk_overlap,
            password=jobs.password(job.id), batch_size=how.batch_size, progress=progress.embedding,
            name=job.file, collection=job.collection, reader=how.reader, on_commit=commit,
            on_read=progress.reading,
        )  # fmt: skip
        if added.new:  # the commit ended the job: its upload is no longer needed
            jobs.path(job).unlink(missing_ok=True)
        else:  # already in the library: nothing was committed
            jobs.finish(job.id, owner, added.document.doc_id, note_of(added, owner))
    except Stopped:
        log.info("job %s stopped", job.id)
    except Exception as exc:  # a bad file fails its job, never the worker
        log.warning("job %s (%s) failed: %s", job.id, job.file, exc)
        jobs.fail(job.id, owner, reason(exc))
    finally:
        stop.set()
        pulse.join()


def note_of(added: Added, owner: str) -> dict:
    """What the person should know about a done job."""
    doc = added.document
    return {"new": added.new, "pages": doc.pages, "chunks": doc.chunks, "lang": doc.lang,
            "no_text": doc.pages_without_text, "warnings": [asdict(w) for w in added.warnings],
            "worker": owner}  # fmt: skip


def work(
    jobs: Jobs,
    store: Store,
    embedder: Embedder,
    how: Indexing,
    stop: threading.Event,
    poll_s: float = 1.0,
    on_job: Callable[[Job], None] | None = None,
    keep_days: float = 30.0,
) -> None:
    """Claim and index jobs until `stop` is set; waits `poll_s` between looks at an empty queue.
    While idle, drops finished jobs older than `keep_days` now and then."""
    owner = worker_name()
    pruned = -PRUNE_EVERY_S
    while not stop.is_set():
        try:
            job = jobs.claim(owner)
            if job is None:
                if time.monotonic() - pruned >= PRUNE_EVERY_S:
                    jobs.prune(keep_days)
                    pruned = time.monotonic()
                stop.wait(poll_s)
                continue
            run_job(jobs, job, owner, store, embedder, how)
        except Exception:  # e.g. a full disk or a locked database: the worker waits and goes on
            log.exception("the indexing worker hit an error; trying again in %.0f s", 10 * poll_s)
            stop.wait(10 * poll_s)
            continue
        if on_job is not None:
            on_job(job)


def start_worker(jobs: Jobs, store: Store, embedder: Embedder, how: Indexing) -> threading.Event:
    """A worker thread for this process (the app's server); set the event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=work, args=(jobs, store, embedder, how, stop), name="indexer", daemon=True
    )
    thread.start()
    return stop


def start_worker_process(data_dir: Path) -> threading.Event:
    """`python -m ingest worker` as a child of this process (the app's server), watched by a
    thread that restarts it if it dies; set the event to stop it. Indexing then never competes
    with the pages for this interpreter's lock, and the child dies with us (PDEATHSIG)."""
    stop = threading.Event()
    command = [
        sys.executable,
        "-m",
        "ingest",
        "worker",
        "--data-dir",
        str(data_dir),
        "--parent",
        str(os.getpid()),
    ]

    def watch() -> None:  # the child's death signal follows this thread, which outlives it
        while not stop.is_set():
            child = subprocess.Popen(command)
            while child.poll() is None:
                if stop.wait(1.0):
                    child.terminate()
                    child.wait(timeout=60)
                    return
            log.warning("the indexing worker exited with %s; starting it again", child.returncode)
            stop.wait(5.0)

    threading.Thread(target=watch, name="indexer-process", daemon=True).start()
    return stop
