"""A full or read-only disk: clear errors, nothing half-written left behind, searching goes on."""

import errno
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import rag.dense
from ingest.atomic import write_atomic
from ingest.errors import StorageError
from ingest.indexer import indexing_from, start_worker
from ingest.jobs import Jobs
from ingest.pipeline import add_file
from ingest.settings import load_settings
from ingest.store import Store
from ingest.worker import Reader
from rag.retrieve import Retriever, open_retriever
from tests.cli import ROOT
from tests.safety import ESCAPED


def full_disk(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.tmp"))


def test_a_failed_atomic_write_removes_its_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "index.bin"
    target.write_bytes(b"old")
    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, lambda handle: handle.write(b"new" * 1000))
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_two_writers_of_one_file_do_not_share_a_temporary_file(tmp_path):
    target = tmp_path / "users.json"

    def outer(handle):  # another writer replaces the file while this one is half-way
        handle.write(b"first ")
        write_atomic(target, lambda inner: inner.write(b"second"))
        handle.write(b"writer")

    write_atomic(target, outer)
    assert target.read_bytes() == b"first writer"
    assert leftovers(tmp_path) == []


@pytest.mark.integration
def test_a_failed_commit_keeps_no_original_and_no_temporary_file(tmp_path, fake_embedder, monkeypatch):
    store = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    path = tmp_path / "notes.txt"
    path.write_text("磁盘已满时上传的文件。A file uploaded to a full disk.", encoding="utf-8")
    monkeypatch.setattr(Store, "_commit", full_disk)
    with pytest.raises(StorageError, match="is full"):
        add_file(path, store, fake_embedder, 12, 0, reader=Reader(ocr=None))
    monkeypatch.undo()
    assert store.documents() == []
    assert list((tmp_path / "lib").glob("files/*")) == [] and leftovers(tmp_path / "lib") == []
    assert add_file(path, store, fake_embedder, 12, 0, reader=Reader(ocr=None)).new
    assert store.original(store.documents()[0].doc_id) is not None


def test_a_search_that_cannot_cache_its_prototypes_still_answers(tmp_path, fake_embedder, monkeypatch):
    store = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    monkeypatch.setattr(rag.dense, "write_atomic", full_disk)
    hits = Retriever(store, fake_embedder).search("长江", 3)
    assert hits == [] and leftovers(tmp_path) == []


@contextmanager
def mounted(*args: str) -> Iterator[None]:
    """mount ARGS... for the block (needs root, as in the test container and CI's sudo-less root)."""
    target = args[-1]
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip()}): a real full or read-only disk needs root")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", target], check=False)


def build(folder: Path, embedder, texts: dict[str, str]) -> Store:  # type: ignore[no-untyped-def]
    store = Store(folder, embedder.name, embedder.dim)
    for name, text in texts.items():
        path = folder.parent / name
        path.write_text(text, encoding="utf-8")
        assert add_file(path, store, embedder, 12, 0, reader=Reader(ocr=None)).new
    return store


@pytest.mark.integration
def test_a_full_disk_refuses_the_upload_cleanly_and_searching_goes_on(tmp_path, fake_embedder):
    disk = tmp_path / "disk"
    disk.mkdir()
    with mounted("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)):
        store = build(
            disk / "lib", fake_embedder, {"rivers.txt": "长江是中国最长的河流。黄河是第二长的河流。"}
        )
        filler = disk / "filler"
        with filler.open("wb") as out, pytest.raises(OSError):  # fill the disk to the last block
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        big = tmp_path / "big.txt"
        big.write_text("珠江流经广州。" * 50, encoding="utf-8")
        with pytest.raises(StorageError, match="is full"):
            add_file(big, store, fake_embedder, 12, 0, reader=Reader(ocr=None))
        assert leftovers(disk) == [] and list((disk / "lib" / "files").iterdir()) == [
            store.original(store.documents()[0].doc_id)
        ]
        hits = Retriever(Store(disk / "lib", fake_embedder.name, fake_embedder.dim), fake_embedder).search(
            "长江", 3
        )
        assert hits and hits[0].text.startswith("长江")
        filler.unlink()
        assert add_file(big, store, fake_embedder, 12, 0, reader=Reader(ocr=None)).new


@pytest.mark.integration
def test_a_read_only_data_directory_is_searched_and_refuses_writes_clearly(tmp_path, fake_embedder):
    build(tmp_path / "lib", fake_embedder, {"rivers.txt": "长江是中国最长的河流。黄河是第二长的河流。"})
    shown = tmp_path / "shown"
    shown.mkdir()
    with mounted("--bind", str(tmp_path / "lib"), str(shown)), mounted("-o", "remount,ro,bind", str(shown)):
        store = Store(shown, fake_embedder.name, fake_embedder.dim)
        hits = Retriever(store, fake_embedder).search("黄河", 3)
        assert hits and "黄河" in hits[0].text
        other = tmp_path / "other.txt"
        other.write_text("珠江流经广州。", encoding="utf-8")
        with pytest.raises(StorageError, match="read-only"):
            add_file(other, store, fake_embedder, 12, 0, reader=Reader(ocr=None))
        with pytest.raises(StorageError, match="read-only"):
            store.remove(store.documents()[0].doc_id)
        store.close()


@pytest.mark.integration
def test_the_app_says_in_chinese_that_the_disk_is_full(tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "lib"))
    monkeypatch.setenv("RAG_LLM_BASE_URL", "")
    # The app's own worker is a child process, out of this test's reach: a worker thread here,
    # on the same library and model, indexes the upload with the full disk patched in.
    monkeypatch.setenv("RAG_APP_WORKER", "false")
    st.cache_resource.clear()
    st.cache_data.clear()
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180).run()
    app = app.sidebar.radio[0].set_value("中文").run()
    monkeypatch.setattr(Store, "_commit", full_disk)
    app = app.file_uploader[0].upload("笔记.txt", "长江是中国最长的河流。".encode(), "text/plain").run()
    jobs = Jobs(tmp_path / "lib")
    settings = load_settings()
    retriever = open_retriever(settings)
    stop = start_worker(jobs, retriever.store, retriever.embedder, indexing_from(settings))
    deadline = time.monotonic() + 240
    while jobs.pending() and time.monotonic() < deadline:
        time.sleep(0.3)
    stop.set()
    app = app.run()
    assert not app.exception
    shown = [ESCAPED.sub(r"\1", e.value) for e in [*app.error, *app.markdown, *app.warning]]
    assert any("数据目录已满" in e for e in shown), shown
    assert leftovers(tmp_path / "lib") == [] and not list((tmp_path / "lib").glob("files/*"))
    shutil.rmtree(tmp_path / "lib")
