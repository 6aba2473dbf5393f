"""A full or read-only disk: clear errors, nothing half-written left behind, searching goes on."""

import errno
import os
from pathlib import Path

import pytest

from ingest.atomic import write_atomic
from ingest.pipeline import add_file
from ingest.store import Store
from ingest.worker import Reader


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
    with pytest.raises(OSError):
        add_file(path, store, fake_embedder, 12, 0, reader=Reader(ocr=None))
    monkeypatch.undo()
    assert store.documents() == []
    assert list((tmp_path / "lib").glob("files/*")) == [] and leftovers(tmp_path / "lib") == []
    assert add_file(path, store, fake_embedder, 12, 0, reader=Reader(ocr=None)).new
    assert store.original(store.documents()[0].doc_id) is not None
