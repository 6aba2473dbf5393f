"""Kill the indexing worker for real, while it embeds and while it commits: a restarted worker
runs the job again from the start and the library holds the document once, complete. And
several processes on one data directory index each upload exactly once."""

import signal
import subprocess
import sys
import time

import pytest

from ingest.job import DONE
from ingest.jobs import Jobs
from tests.cli import ROOT, env, run
from tests.test_crash import assert_whole, write_docs

pytestmark = pytest.mark.integration

# `python -m ingest worker` with a SIGKILL of itself at a chosen point of its first job.
KILLED_WORKER = """
import os, signal, sys
import ingest.pipeline as pipeline
import ingest.store as store
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
if sys.argv[1] == "embedding":  # after the first batch is embedded and reported
    real = pipeline.embed_in_batches
    def embed_then_die(embedder, texts, batch_size, progress=None, *rest):
        def report(done, total):
            progress(done, total)
            die()
        return real(embedder, texts, batch_size, report, *rest)
    pipeline.embed_in_batches = embed_then_die
elif sys.argv[1] == "commit":  # the index files and rows written, the transaction not committed
    store.Store._commit = die
from ingest.__main__ import main
sys.exit(main(["worker"]))
"""


def wait_for(jobs: Jobs, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while jobs.pending() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not jobs.pending(), [j.state for j in jobs.list()]


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)


@pytest.mark.parametrize("point, state", [("embedding", "embedding"), ("commit", "storing")])
def test_a_worker_killed_mid_job_and_restarted_indexes_the_file_once(tmp_path, point, state):
    data_dir = tmp_path / "lib"
    other, doc = write_docs(tmp_path / "docs", 2)
    assert run("ingest", "add", str(other), data_dir=data_dir).returncode == 0  # a library to keep
    assert run("ingest", "add", str(doc), "--no-wait", data_dir=data_dir).returncode == 0
    variables = env(data_dir, RAG_EMBED_BATCH="1")  # many batches: the kill lands mid-embedding
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WORKER, point], env=variables, capture_output=True, text=True,
        cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    jobs = Jobs(data_dir)
    job = jobs.list()[-1]
    assert job.state == state and job.file == doc.name  # left running by a dead worker
    if point == "embedding":
        assert 0 < job.done < job.total
    assert [d.name for d in assert_whole(data_dir).documents()] == [other.name]  # nothing half-stored

    worker = subprocess.Popen([sys.executable, "-m", "ingest", "worker"], env=env(data_dir), cwd=ROOT)
    try:
        wait_for(jobs)
    finally:
        stop(worker)
    again = jobs.get(job.id)
    assert again is not None and again.state == DONE and again.attempts == 2  # run again, from the start
    store = assert_whole(data_dir)
    assert sorted(d.name for d in store.documents()) == sorted([other.name, doc.name])
    stored = store.document(again.doc_id)
    assert stored is not None and len(store.chunks(stored.doc_id)) == stored.chunks == again.total
    assert not list((data_dir / "uploads").iterdir())


# An app server's upload path, as a process: each file through ui.upload.queue_upload, and the
# worker thread the app starts once per server process; it ends when the queue is empty.
APP = """
import sys, time
from pathlib import Path
from ingest.indexer import indexing_from, start_worker
from ingest.jobs import Jobs
from ingest.settings import load_settings
from rag.retrieve import open_retriever
from ui.upload import queue_upload
settings = load_settings()
retriever = open_retriever(settings)
jobs = Jobs(settings.data_dir, settings.job_lease_s)
stop = start_worker(jobs, retriever.store, retriever.embedder, indexing_from(settings))
for name in sys.argv[1:]:
    queue_upload(Path(name).name, Path(name).read_bytes(), settings, jobs, "general")
time.sleep(2)
while jobs.pending():
    time.sleep(0.2)
stop.set()
"""


def test_two_app_processes_and_a_worker_index_each_upload_exactly_once(tmp_path):
    docs = write_docs(tmp_path / "docs", 20)
    data_dir = tmp_path / "lib"
    first, second = docs[:14], docs[6:]  # files 6-13 are uploaded to both servers at once
    worker = subprocess.Popen([sys.executable, "-m", "ingest", "worker"], env=env(data_dir), cwd=ROOT)
    app = [sys.executable, "-c", APP]
    apps = [subprocess.Popen([*app, *map(str, p)], env=env(data_dir), cwd=ROOT) for p in (first, second)]
    try:
        for process in apps:
            assert process.wait(timeout=600) == 0
        wait_for(Jobs(data_dir))
    finally:
        stop(worker)
    store = assert_whole(data_dir)
    names = [d.name for d in store.documents()]
    assert sorted(names) == sorted(p.name for p in docs)  # each file once
    jobs = Jobs(data_dir).list()
    assert all(job.state == DONE for job in jobs)
    assert all(job.attempts == 1 for job in jobs)  # no job was run twice
    embedded = [job.file for job in jobs if job.note.get("new")]
    assert sorted(embedded) == sorted(names)  # each file read and embedded by exactly one job
    assert 20 <= len(jobs) <= 28, [(j.file, j.note) for j in jobs]
    processes = {job.note["worker"].split(":")[1] for job in jobs}
    assert len(processes) >= 2, processes  # the work was shared, not done by one process alone
