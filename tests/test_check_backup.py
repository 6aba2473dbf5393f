"""ingest check finds what a killed process left and removes it; ingest backup copies a live
library that a restore turns back into one that answers."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.backup import backup, restore
from ingest.check import check_library
from ingest.jobs import Jobs
from ingest.store import Store
from rag.retrieve import Retriever
from tests.cli import ROOT, env
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.integration

# Adds files with the fake embedder; with "kill" it dies (SIGKILL) just before its first commit.
WRITER = """
import os, signal, sys
from pathlib import Path
from ingest.pipeline import add_file
from ingest.store import Store
from ingest.worker import Reader
from tests.fakes import FakeEmbedder
data_dir, mode, files = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
embedder = FakeEmbedder()
store = Store(data_dir, embedder.name, embedder.dim)
if mode == "kill":
    Store._commit = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
for name in files:
    add_file(Path(name), store, embedder, 24, 4, reader=Reader(ocr=None))
    print("added", name, flush=True)
"""


def write_docs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"doc{i:02d}.txt"
        path.write_text(f"第{i}号文件讲述了河流{i}的长度。Document {i} is about river {i}.", encoding="utf-8")
        paths.append(path)
    return paths


def writer(data_dir: Path, mode: str, files: list[Path]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data_dir), mode, *map(str, files)],
        env=env(data_dir), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest", "--data-dir", str(data_dir), *args],
        env=env(data_dir), cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_check_finds_and_repairs_what_a_killed_ingest_left(tmp_path):
    docs = write_docs(tmp_path / "docs", 3)
    data_dir = tmp_path / "lib"
    assert writer(data_dir, "add", docs[:2]).wait(timeout=300) == 0
    killed = writer(data_dir, "kill", docs[2:])
    killed.wait(timeout=300)
    assert killed.returncode == -signal.SIGKILL
    store = Store(data_dir, "fake", 64)
    assert len(store.documents()) == 2
    orphans = [p for p in (data_dir / "files").iterdir() if store.document(p.name.split(".")[0]) is None]
    assert len(orphans) == 1  # the killed ingest's original, stored with no row
    stale = data_dir / "users.json.0a1b2c.tmp"
    stale.write_text("{}")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    fresh = data_dir / "files" / "x.txt.3c4d5e.tmp"  # a write in progress: left alone
    fresh.write_text("")
    jobs = Jobs(data_dir)
    job, _ = jobs.add("queued.txt", b"queued text", "general")
    lost = data_dir / "uploads" / "lost.txt"
    lost.write_text("no job")
    os.utime(lost, (time.time() - 7200, time.time() - 7200))

    found = cli(data_dir, "check")
    assert found.returncode == 1, found.stderr
    expected = [
        f"orphan_original: stored original files/{orphans[0].name}",
        "temporary_file: temporary file users.json.0a1b2c.tmp",
        "orphan_upload: upload uploads/lost.txt",
    ]
    assert all(line in found.stdout for line in expected), found.stdout
    assert "x.txt.3c4d5e.tmp" not in found.stdout and job.upload not in found.stdout
    assert orphans[0].exists()  # checking changes nothing

    repaired = cli(data_dir, "check", "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert not orphans[0].exists() and not stale.exists() and not lost.exists()
    assert fresh.exists() and jobs.path(job).exists()
    fresh.unlink()
    again = cli(data_dir, "check")
    assert again.returncode == 0 and "is whole" in again.stdout, again.stdout


def test_check_reports_rows_and_index_that_disagree(tmp_path):
    data_dir = tmp_path / "lib"
    assert writer(data_dir, "add", write_docs(tmp_path / "docs", 2)).wait(timeout=300) == 0
    store = Store(data_dir, "fake", 64)
    with store.exclusive():
        store._db.execute("DELETE FROM chunks WHERE id = (SELECT MIN(id) FROM chunks)")
        store._db.commit()
    kinds = [f.kind for f in check_library(store, min_age_s=0)]
    assert kinds.count("mismatch") == 3  # one document's count, the vector and the keyword index


def test_a_backup_of_a_library_being_written_restores_whole(tmp_path):
    data_dir = tmp_path / "lib"
    docs = write_docs(tmp_path / "docs", 12)
    assert writer(data_dir, "add", docs[:2]).wait(timeout=300) == 0
    (data_dir / "users.json").write_text('{"users": []}')
    busy = writer(data_dir, "add", docs[2:])
    assert busy.stdout is not None and busy.stdout.readline().startswith("added")
    store = Store(data_dir, "fake", 64)
    copies = []
    for i in range(3):
        copies.append(
            (tmp_path / f"backup{i}", backup(store, data_dir / "users.json", tmp_path / f"backup{i}"))
        )
        time.sleep(0.3)
    assert busy.wait(timeout=300) == 0, busy.stderr.read() if busy.stderr else ""
    assert copies[0][1].documents >= 3  # taken while the writer was adding
    embedder = FakeEmbedder()
    for i, (folder, copied) in enumerate(copies):
        fresh = tmp_path / f"restored{i}"
        restore(folder, fresh, fresh / "users.json")
        restored = Store(fresh, embedder.name, embedder.dim)
        assert len(restored.documents()) == copied.documents
        assert check_library(restored, min_age_s=0) == []
        assert (fresh / "users.json").read_text() == '{"users": []}'
        hits = Retriever(restored, embedder).search("river 1", 3)
        assert hits and "river" in hits[0].text


def test_restore_refuses_to_overwrite_a_library(tmp_path):
    data_dir = tmp_path / "lib"
    assert writer(data_dir, "add", write_docs(tmp_path / "docs", 1)).wait(timeout=300) == 0
    backup(Store(data_dir, "fake", 64), data_dir / "users.json", tmp_path / "copy")
    with pytest.raises(ValueError, match="already holds a library"):
        restore(tmp_path / "copy", data_dir, tmp_path / "users.json")
