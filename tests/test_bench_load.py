"""bench/load.py: askers and uploaders on one small library (the reader runs in a child process)."""

import json
import threading
import time

import pytest

from bench import load
from bench.__main__ import main as bench_main
from bench.synthetic import HashedEmbedder
from ingest.store import Store
from ingest.worker import Reader
from rag.retrieve import Retriever

pytestmark = pytest.mark.integration  # the reader runs in a child process


def test_two_askers_and_an_uploader_lose_nothing():
    report = load.run(HashedEmbedder(64), users=2, seconds=2, uploads=1, seeds=1)
    assert report["errors"] == 0 and report["upload_errors"] == 0
    assert report["questions"] > 0 and report["p95_ms"] >= report["p50_ms"] > 0
    assert report["documents_added"] >= 1  # one upload takes well under two seconds
    assert report["documents_lost"] == 0


def test_uploads_are_counted_and_found(tmp_path):
    embedder = HashedEmbedder(64)
    store = Store(tmp_path / "library", embedder.name, embedder.dim)
    (tmp_path / "files").mkdir()
    tally = load.Tally()
    deadline = time.monotonic() + 1.5
    load.keep_uploading(store, embedder, Reader(ocr=None), tmp_path / "files", 5, 3, tally, deadline)
    assert [n for _, n in tally.added] == list(range(5, 5 + 3 * len(tally.added), 3))
    assert len(store.documents()) == len(tally.added) >= 1
    retriever = Retriever(store, embedder)
    doc_id, n = tally.added[0]
    assert load.findable(retriever, doc_id, n)
    store.remove(doc_id)
    assert not load.findable(Retriever(store, embedder), doc_id, n)  # removed: lost


class Failing:
    store = None

    def search(self, *args, **kwargs):
        raise RuntimeError("boolean index did not match")


def test_an_askers_exception_is_an_error_printed_with_its_type(capsys):
    tally = load.Tally(known=[3])
    thread = threading.Thread(target=load.ask, args=(Failing(), tally, 0, time.monotonic() + 0.2))
    thread.start()
    thread.join()
    assert tally.errors > 0 and tally.latencies == []
    assert "asker 0: RuntimeError: boolean index did not match" in capsys.readouterr().err


def test_the_command_prints_the_fields_and_exits_0_without_errors(capsys):
    argv = [
        "load",
        "--users",
        "2",
        "--seconds",
        "1",
        "--uploads",
        "1",
        "--seeds",
        "1",
        "--fast-embedder",
        "--json",
    ]
    assert bench_main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report.keys() >= {"questions", "errors", "p50_ms", "p95_ms", "documents_added", "documents_lost"}
    assert report["errors"] == report["documents_lost"] == 0 and report["questions"] > 0


def test_the_command_refuses_no_users(capsys):
    assert bench_main(["load", "--users", "0", "--fast-embedder"]) == 1
    assert "need users, seeds >= 1" in capsys.readouterr().err
