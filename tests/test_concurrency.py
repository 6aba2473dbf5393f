"""Several writers at once (the CLI and the app, two browser sessions) all finish; one writes at
a time, the others wait; readers never see a torn index."""

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ingest.indexer import Indexing, start_worker
from ingest.jobs import Jobs
from ingest.settings import load_settings
from ingest.store import Store
from ingest.worker import Reader
from rag.retrieve import Retriever
from tests.cli import ROOT, env
from tests.test_crash import APP_DRIVER, assert_whole, write_docs
from ui.upload import queue_upload

pytestmark = pytest.mark.integration


def test_the_cli_and_the_app_add_at_the_same_time(tmp_path):
    docs = write_docs(tmp_path / "docs", 8)
    data_dir = tmp_path / "lib"
    cli = subprocess.Popen(
        [sys.executable, "-m", "ingest", "add", *map(str, docs[:4])],
        env=env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    app = subprocess.Popen(
        [sys.executable, "-c", APP_DRIVER, *map(str, docs[4:])],
        env=env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    for process in (cli, app):
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
    assert {d.name for d in assert_whole(data_dir).documents()} == {p.name for p in docs}


def test_two_sessions_upload_while_others_search(tmp_path, fake_embedder):
    """Two browser sessions queue files in the app's process, two workers index them, a third
    session keeps asking."""
    docs = write_docs(tmp_path / "docs", 6)
    settings = load_settings({}, data_dir=tmp_path / "lib", ocr_languages="")
    store = Store(settings.data_dir, fake_embedder.name, fake_embedder.dim)
    retriever = Retriever(store, fake_embedder)
    failures: list[BaseException] = []
    done = threading.Event()

    jobs = Jobs(settings.data_dir)
    workers = [
        start_worker(jobs, store, fake_embedder, Indexing(320, 48, 16, 50, Reader(ocr=None)))
        for _ in range(2)
    ]

    def upload(paths: list[Path]) -> None:
        try:
            for path in paths:
                queue_upload(path.name, path.read_bytes(), settings, jobs, "general")
            while jobs.pending():
                time.sleep(0.1)
        except BaseException as exc:
            failures.append(exc)

    def search() -> None:
        searches = 0
        try:
            while not done.is_set() or searches < 5:
                hits = retriever.search("河流的长度", k=5)
                names = {d.doc_id for d in store.documents()}
                assert {h.doc_id for h in hits} <= names  # every hit is of a committed document
                searches += 1
        except BaseException as exc:
            failures.append(exc)

    writers = [threading.Thread(target=upload, args=(docs[i::2],)) for i in range(2)]
    reader = threading.Thread(target=search)
    for thread in [*writers, reader]:
        thread.start()
    for thread in writers:
        thread.join(timeout=600)
    done.set()
    reader.join(timeout=600)
    for stop in workers:
        stop.set()
    assert failures == []
    assert {d.name for d in store.documents()} == {p.name for p in docs}
    assert store.indexes().count == len(store.chunks())
