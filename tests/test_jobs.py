"""The job queue: one claim per job across threads and processes, leases that run out, and
the person's actions (cancel, retry, remove)."""

import subprocess
import sys
import threading
import time

import pytest

from ingest.indexer import Indexing, run_job
from ingest.job import CANCELLED, DONE, EMBEDDING, FAILED, QUEUED, READING, Stopped, worker_name
from ingest.jobs import Jobs
from ingest.store import Store
from ingest.worker import Reader


def test_the_same_bytes_queue_once_per_collection(data_dir):
    jobs = Jobs(data_dir)
    first, new = jobs.add("a.txt", b"hello", "general")
    assert new and first.state == QUEUED and jobs.path(first).read_bytes() == b"hello"
    again, new = jobs.add("renamed.txt", b"hello", "general")
    assert not new and again.id == first.id
    other, new = jobs.add("a.txt", b"hello", "staff")
    assert new and other.id != first.id
    assert [j.id for j in jobs.list(["staff"])] == [other.id]
    assert jobs.pending() == 2 and jobs.pending(["general"]) == 1
    assert not list(jobs.uploads.glob("*.tmp"))  # each upload was renamed into place whole


def test_each_job_is_claimed_once_by_many_workers(data_dir):
    jobs = Jobs(data_dir)
    for i in range(30):
        jobs.add(f"f{i}.txt", f"file {i}".encode(), "general")
    claimed: list[int] = []

    def claim_all() -> None:
        mine = Jobs(data_dir)  # its own connection, as another process would have
        owner = worker_name()
        while (job := mine.claim(owner)) is not None:
            claimed.append(job.id)

    threads = [threading.Thread(target=claim_all) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == [j.id for j in jobs.list()]


def test_a_job_whose_lease_ran_out_runs_again_and_the_old_worker_stops(data_dir):
    jobs = Jobs(data_dir, lease_s=0.2)
    job, _ = jobs.add("a.txt", b"hello", "general")
    old, new = worker_name(), worker_name()
    assert jobs.claim(old) is not None
    assert jobs.claim(new) is None  # the lease holds
    time.sleep(0.3)
    again = jobs.claim(new)
    assert again is not None and again.id == job.id and again.attempts == 2
    with pytest.raises(Stopped):
        jobs.progress(job.id, old, EMBEDDING, 1, 2)
    jobs.finish(job.id, old, "x")  # the old worker's late finish changes nothing
    assert jobs.get(job.id).state == READING  # type: ignore[union-attr]


def test_a_dead_processs_job_is_taken_over_at_once(data_dir):
    jobs = Jobs(data_dir, lease_s=3600)
    job, _ = jobs.add("a.txt", b"hello", "general")
    child = subprocess.run(
        [sys.executable, "-c", "from ingest.job import worker_name; print(worker_name())"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert jobs.claim(child.stdout.strip()) is not None  # claimed by a process that has ended
    again = jobs.claim(worker_name())
    assert again is not None and again.id == job.id


def test_cancel_retry_remove(data_dir):
    jobs = Jobs(data_dir)
    queued, _ = jobs.add("a.txt", b"one", "general")
    assert jobs.cancel(queued.id) and jobs.get(queued.id).state == CANCELLED  # type: ignore[union-attr]
    assert not jobs.path(queued).exists() and jobs.claim(worker_name()) is None
    assert not jobs.cancel(queued.id)
    failing, _ = jobs.add("b.pdf", b"two", "general")
    owner = worker_name()
    jobs.claim(owner)
    jobs.fail(failing.id, owner, {"code": "not_pdf", "params": {}, "message": "not a PDF file"})
    assert jobs.get(failing.id).error["code"] == "not_pdf"  # type: ignore[index,union-attr]
    assert jobs.kept_uploads() == {failing.upload}  # kept for a retry
    assert not jobs.remove(jobs.add("c.txt", b"three", "general")[0].id)  # open jobs stay
    assert jobs.retry(failing.id, password="pw") and jobs.get(failing.id).state == QUEUED  # type: ignore[union-attr]
    assert jobs.password(failing.id) == "pw"
    assert jobs.cancel(failing.id) and jobs.remove(failing.id) and jobs.get(failing.id) is None


@pytest.mark.integration  # the reader runs in a child process
def test_a_worker_indexes_a_job_and_a_bad_file_fails_with_a_reason(data_dir, fake_embedder):
    store = Store(data_dir, fake_embedder.name, fake_embedder.dim)
    jobs = Jobs(data_dir)
    how = Indexing(12, 0, 4, 50, Reader(ocr=None))
    good, _ = jobs.add("rivers.txt", "长江是中国最长的河流。黄河是第二长的河流。".encode(), "general")
    bad, _ = jobs.add("fake.pdf", b"not a pdf at all", "general")
    owner = worker_name()
    seen: list[tuple[str, int, int]] = []
    real = jobs.progress
    jobs.progress = lambda *a, **k: (seen.append(a[2:]), real(*a, **k))[1]  # type: ignore[method-assign]
    for _ in range(2):
        run_job(jobs, jobs.claim(owner), owner, store, fake_embedder, how)  # type: ignore[arg-type]
    done, failed = jobs.get(good.id), jobs.get(bad.id)
    assert done.state == DONE and store.document(done.doc_id).name == "rivers.txt"  # type: ignore[union-attr]
    assert done.note["new"] and not jobs.path(done).exists()  # type: ignore[union-attr]
    assert seen and seen[-1][0] == "storing"
    assert failed.state == FAILED and failed.error["code"] == "not_pdf"  # type: ignore[union-attr,index]
