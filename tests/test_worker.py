"""Files are read in a child process: limits on time, memory and pages give clear errors, and
the caller (the CLI, the app) lives on."""

import os
import signal
import threading
import time

import pytest

from ingest.errors import IngestError, PasswordRequired
from ingest.worker import Reader
from tests.pdfs import make_bomb_pdf, make_pdf
from tests.processes import children_of

pytestmark = pytest.mark.integration


def test_pages_come_back_from_the_child(tmp_path):
    pdf = make_pdf(tmp_path / "a.pdf", ["长江是中国最长的河流。", "The Yellow River is second."])
    loaded = Reader(ocr=None).read(pdf)
    assert [p.page for p in loaded.pages] == [1, 2]
    assert "长江" in loaded.pages[0].text and "Yellow" in loaded.pages[1].text


def test_too_many_pages_is_refused_before_reading(tmp_path):
    pdf = make_pdf(tmp_path / "long.pdf", [f"page {i}" for i in range(5)])
    with pytest.raises(IngestError, match="5 pages is over the limit of 3 pages per file"):
        Reader(max_pages=3, ocr=None).read(pdf)
    assert len(Reader(max_pages=5, ocr=None).read(pdf).pages) == 5


def test_a_decompression_bomb_hits_the_memory_limit(tmp_path):
    bomb = make_bomb_pdf(tmp_path / "bomb.pdf", 400)
    with pytest.raises(IngestError, match="300 MB of memory"):
        Reader(memory_mb=300, ocr=None).read(bomb)


def test_a_file_that_takes_too_long_is_stopped(tmp_path):
    bomb = make_bomb_pdf(tmp_path / "slow.pdf", 200)  # about 7 s to read on 2 cores
    start = time.monotonic()
    with pytest.raises(IngestError, match=r"longer than 1 s and was stopped"):
        Reader(timeout_s=1, memory_mb=8192, ocr=None).read(bomb)
    assert time.monotonic() - start < 5


def test_a_killed_reader_is_an_error_for_that_file_only(tmp_path):
    bomb = make_bomb_pdf(tmp_path / "slow.pdf", 200)
    before = set(children_of(os.getpid()))

    def kill_the_child() -> None:
        for _ in range(100):
            time.sleep(0.05)
            for pid in set(children_of(os.getpid())) - before:
                os.kill(pid, signal.SIGKILL)
                return

    killer = threading.Thread(target=kill_the_child)
    killer.start()
    with pytest.raises(IngestError, match="SIGKILL"):
        Reader(memory_mb=8192, ocr=None).read(bomb)
    killer.join()
    good = make_pdf(tmp_path / "good.pdf", ["still fine"])
    assert Reader(ocr=None).read(good).pages[0].text == "still fine"


def test_password_errors_cross_the_process_boundary(tmp_path):
    pdf = make_pdf(tmp_path / "locked.pdf", ["秘密"], password="pw")
    with pytest.raises(PasswordRequired):
        Reader(ocr=None).read(pdf)
    assert "秘密" in Reader(ocr=None).read(pdf, "pw").pages[0].text


def test_limits_are_checked():
    with pytest.raises(ValueError, match="limits must be positive"):
        Reader(timeout_s=0)
