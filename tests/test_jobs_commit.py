"""A cancel that races the worker's commit: either the job is cancelled and nothing is
stored, or the job is done and its document stored; never a stored document with a
cancelled job."""

import sqlite3
from pathlib import Path

import pytest

from ingest.indexer import Indexing, run_job
from ingest.job import CANCELLED, DONE, worker_name
from ingest.jobs import Jobs
from ingest.pipeline import prepare
from ingest.records import Page
from ingest.store import BeforeCommit, Entry, Store
from tests.fakes import TextReader


class CancelAround(Store):
    """A store whose commit is met by the person's cancel just before or just after it."""

    jobs: Jobs
    job_id: int
    when: str
    cancelled: bool | None = None

    def add(self, entries: list[Entry], before_commit: BeforeCommit | None = None) -> list[bool]:
        if self.when == "before":  # after the worker's last look at the job, before its commit
            self.cancelled = self.jobs.cancel(self.job_id)
        added = super().add(entries, before_commit)
        if self.when == "after":
            self.cancelled = self.jobs.cancel(self.job_id)
        return added


def index_with_cancel(data_dir: Path, fake_embedder, when: str) -> tuple[Jobs, CancelAround, int]:
    store = CancelAround(data_dir, fake_embedder.name, fake_embedder.dim)
    jobs = Jobs(data_dir)
    job, _ = jobs.add("rivers.txt", "长江是中国最长的河流。黄河是第二长的河流。".encode(), "general")
    store.jobs, store.job_id, store.when = jobs, job.id, when
    owner = worker_name()
    claimed = jobs.claim(owner)
    assert claimed is not None
    run_job(jobs, claimed, owner, store, fake_embedder, Indexing(12, 0, 4, 50, TextReader(ocr=None)))
    return jobs, store, job.id


def test_a_cancel_just_before_the_commit_stores_nothing(data_dir, fake_embedder):
    jobs, store, job_id = index_with_cancel(data_dir, fake_embedder, "before")
    assert store.cancelled
    assert jobs.get(job_id).state == CANCELLED  # type: ignore[union-attr]
    assert store.documents() == [] and store.chunk_ids() == []
    assert not list((data_dir / "files").glob("*"))  # no original kept without its document


def test_a_cancel_just_after_the_commit_changes_nothing(data_dir, fake_embedder):
    jobs, store, job_id = index_with_cancel(data_dir, fake_embedder, "after")
    assert store.cancelled is False
    job = jobs.get(job_id)
    assert job is not None and job.state == DONE and job.note["new"]
    assert [d.doc_id for d in store.documents()] == [job.doc_id]
    assert not jobs.path(job).exists()


def test_the_commits_own_writes_roll_back_with_it(data_dir, fake_embedder):
    """A failing before_commit stores nothing (the index files of the failed generation are
    not used)."""
    store = Store(data_dir, fake_embedder.name, fake_embedder.dim)
    entry = prepare("d1", "a.txt", 5, [Page(page=1, text="hello", source="text")], fake_embedder, 12, 0)

    def refuse(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO meta VALUES ('probe', 'x')")
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        store.add([entry], refuse)
    assert store.documents() == [] and store.chunk_ids() == [] and store.generation() == 0
    assert not list((data_dir / "files").glob("*"))
    assert store.add([entry]) == [True] and store.document("d1") is not None
