"""Every step of an ingest is bounded in time, and the reader child never outlives the app."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.deadline import Deadline
from ingest.errors import IngestError
from ingest.pipeline import add_file, embed_in_batches
from ingest.records import Page
from ingest.split import split_pages
from ingest.store import Store
from ingest.worker import Reader
from tests.cli import ROOT, env
from tests.fakes import FakeEmbedder, count_tokens
from tests.pdfs import make_bomb_pdf
from tests.processes import children_of


class SlowEmbedder(FakeEmbedder):
    """Counts tokens slowly, as a slow tokenizer on a huge text would."""

    def count_tokens(self, text: str) -> int:
        time.sleep(0.05)
        return count_tokens(text)


def test_splitting_stops_at_the_deadline():
    text = " ".join(["word"] * 5000)
    deadline = Deadline.after(0.2)
    start = time.monotonic()
    with pytest.raises(IngestError, match=r"splitting .* longer than 0 s"):
        split_pages([Page(1, text, "text")], "doc", SlowEmbedder().count_tokens, 64, 8, deadline)
    assert time.monotonic() - start < 30  # 5,000 words at 50 ms each would take 250 s


def test_embedding_stops_at_the_deadline():
    with pytest.raises(IngestError, match="embedding the passages took longer"):
        embed_in_batches(FakeEmbedder(), ["text"] * 10, 2, deadline=Deadline(time.monotonic() - 1, 5))


@pytest.mark.integration
def test_a_file_that_indexes_too_long_is_stopped_and_nothing_is_kept(tmp_path):
    path = tmp_path / "transcript.txt"
    path.write_text(" ".join(["so", "we", "said", "then"] * 3000), encoding="utf-8")
    store = Store(tmp_path / "lib", "fake", 64)
    reader = Reader(timeout_s=60, ocr=None, index_timeout_s=1)
    start = time.monotonic()
    with pytest.raises(IngestError, match="RAG_INDEX_TIMEOUT_S"):
        add_file(path, store, SlowEmbedder(), 64, 8, reader=reader)
    assert time.monotonic() - start < 30
    assert store.documents() == [] and not list((tmp_path / "lib").glob("files/*"))


# A parent that reads a slow file through the reader child, and says when the child started.
PARENT = """
import sys
from pathlib import Path
from ingest.worker import Reader
print("reading", flush=True)
Reader(timeout_s=120, memory_mb=8192, ocr=None).read(Path(sys.argv[1]))
"""


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.integration
def test_the_reader_child_dies_with_its_parent(tmp_path):
    bomb = make_bomb_pdf(tmp_path / "slow.pdf", 400)  # many seconds to read
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(bomb)], env=env(tmp_path / "lib"), cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert parent.stdout is not None and parent.stdout.readline().startswith("reading")
    child = None
    for _ in range(200):
        found = children_of(parent.pid, zombies=False)
        if found:
            child = found[0]
            break
        time.sleep(0.05)
    assert child is not None, "the reader child never started"
    time.sleep(0.5)  # the child is now reading
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    for _ in range(100):
        if not alive(child):
            break
        time.sleep(0.05)
    survived = alive(child)
    if survived:
        os.kill(child, signal.SIGKILL)
    assert not survived, "the reader child outlived its parent"
