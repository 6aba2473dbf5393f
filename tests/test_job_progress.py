"""A running job says where it is: reading page n of m, OCR page n of m, embedding n of m;
the reader child reports while it reads, and the job's row is written at a bounded rate."""

import os
import shutil
import threading

import pytest

from ingest.indexer import Indexing, run_job
from ingest.job import DONE, EMBEDDING, OCR, READING, STORING, Job, Stopped, worker_name
from ingest.job_progress import JobProgress
from ingest.jobs import Jobs
from ingest.load import load_file
from ingest.ocr import Tesseract, ocr_pages
from ingest.pdf import load_pdf
from ingest.store import Store
from ingest.worker import Reader
from tests.pdfs import make_pdf, make_scanned_pdf
from tests.processes import children_of
from ui.i18n import STRINGS
from ui.jobs_view import job_text

SCANNED = ["The Yangtze River flows east.", "The Yellow River is second.", "The Pearl River is in the south."]
has_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")


def test_the_pdf_readers_report_each_page(tmp_path):
    seen: list[tuple[str, int, int]] = []
    load_file(make_pdf(tmp_path / "a.pdf", ["one", "two", "three"]), report=lambda *a: seen.append(a))
    assert seen[0] == ("reading", 0, 3) and seen[-1] == ("reading", 3, 3)
    assert [done for _, done, _ in seen] == sorted(done for _, done, _ in seen)  # never backwards


class CountingEngine:
    """A stand-in OCR engine that says which page it read, and what the report said meanwhile."""

    dpi = 72

    def __init__(self, seen: list[tuple[str, int, int]]) -> None:
        self.seen, self.read_during = seen, list[tuple[str, int, int]]()

    def missing(self) -> str:
        return ""

    def read(self, png: bytes) -> str:
        self.read_during.append(self.seen[-1])  # the page being read was announced first
        return f"page text number {len(self.read_during)}"


def test_ocr_reports_the_page_it_is_reading(tmp_path):
    pdf = make_scanned_pdf(tmp_path / "scan.pdf", SCANNED)
    seen: list[tuple[str, int, int]] = []
    engine = CountingEngine(seen)
    pages, _ = ocr_pages(pdf, None, load_pdf(pdf), engine, report=lambda *a: seen.append(a))  # type: ignore[arg-type]
    assert engine.read_during == [("ocr", 1, 3), ("ocr", 2, 3), ("ocr", 3, 3)]
    assert [p.text for p in pages] == [f"page text number {n}" for n in (1, 2, 3)]


def test_job_progress_is_written_at_a_bounded_rate(data_dir):
    jobs = Jobs(data_dir)
    job, _ = jobs.add("a.txt", b"hello", "general")
    owner = worker_name()
    jobs.claim(owner)
    written: list[tuple[str, int, int]] = []
    real = jobs.progress
    jobs.progress = lambda job_id, who, state, done, total: (  # type: ignore[method-assign]
        written.append((state, done, total)),
        real(job_id, who, state, done, total),
    )[1]
    progress = JobProgress(jobs, job.id, owner, threading.Event(), every_s=3600)
    for page in range(1, 501):
        progress.reading("reading", page, 500)
    for page in range(1, 4):
        progress.reading("ocr", page, 3)
    for done in range(16, 1001, 16):
        progress.embedding(done, 1000)
    progress.embedding(1000, 1000)
    # each step's first report is written at once, the rest wait for the interval
    assert written == [(READING, 1, 500), (OCR, 1, 3), (EMBEDDING, 16, 1000), (STORING, 1000, 1000)]
    assert jobs.get(job.id).state == STORING  # type: ignore[union-attr]
    lost = threading.Event()
    lost.set()
    with pytest.raises(Stopped):
        JobProgress(jobs, job.id, owner, lost).embedding(1, 2)


@pytest.mark.parametrize(
    ("state", "done", "total", "zh", "en"),
    [
        (READING, 0, 0, "正在读取…", "reading…"),
        (READING, 2, 40, "正在读取第 2/40 页", "reading page 2 of 40"),
        (OCR, 3, 7, "OCR）第 3/7 页", "OCR page 3 of 7"),
        (EMBEDDING, 32, 90, "正在向量化 32/90", "embedding 32 of 90"),
    ],
)
def test_the_library_tab_says_where_a_job_is_in_both_languages(state, done, total, zh, en):
    job = Job(1, "scan.pdf", "u.pdf", "c", 1, "hr", state, done, total, None, None, "", None)
    assert zh in job_text(STRINGS["zh"], job) and en in job_text(STRINGS["en"], job)


@pytest.mark.integration
@has_tesseract
def test_the_reader_child_reports_ocr_pages_while_it_runs(tmp_path):
    pdf = make_scanned_pdf(tmp_path / "scan.pdf", SCANNED)
    seen: list[tuple[str, int, int]] = []
    alive: list[bool] = []
    before = set(children_of(os.getpid()))  # what earlier tests of this process left running

    def report(stage: str, done: int, total: int) -> None:
        seen.append((stage, done, total))
        alive.append(bool(set(children_of(os.getpid())) - before))  # the child still reads when we hear

    loaded = Reader(ocr=Tesseract("eng", dpi=150)).read(pdf, report=report)
    assert "Yellow River" in loaded.pages[1].text
    assert [s for s in seen if s[0] == "ocr"] == [("ocr", 1, 3), ("ocr", 2, 3), ("ocr", 3, 3)]
    assert ("reading", 3, 3) in seen and all(alive)

    def stop(stage: str, done: int, total: int) -> None:
        if stage == "ocr":
            raise Stopped("cancelled")

    with pytest.raises(Stopped):
        Reader(ocr=Tesseract("eng", dpi=150)).read(pdf, report=stop)
    assert set(children_of(os.getpid(), zombies=False)) - before == set()  # killed, not left reading


@pytest.mark.integration
@has_tesseract
def test_a_scanned_pdfs_job_shows_ocr_pages_then_embedding(data_dir, tmp_path, fake_embedder):
    store = Store(data_dir, fake_embedder.name, fake_embedder.dim)
    jobs = Jobs(data_dir)
    job, _ = jobs.add("scan.pdf", make_scanned_pdf(tmp_path / "scan.pdf", SCANNED), "general")
    rows: list[tuple[str, int, int]] = []

    def look(*args: object) -> None:  # what a person looking at the Library tab would see
        now = jobs.get(job.id)
        if now is not None:
            rows.append((now.state, now.done, now.total))

    real = jobs.progress
    jobs.progress = lambda *a: (real(*a), look())[0]  # type: ignore[method-assign]
    owner = worker_name()
    how = Indexing(12, 0, 1, 50, Reader(ocr=Tesseract("eng", dpi=150)))
    run_job(jobs, jobs.claim(owner), owner, store, fake_embedder, how)  # type: ignore[arg-type]
    assert jobs.get(job.id).state == DONE  # type: ignore[union-attr]
    states = [state for state, _, _ in rows]
    assert states.index(READING) < states.index(OCR) < states.index(EMBEDDING) < states.index(STORING)
    assert (OCR, 1, 3) in rows and all(total == 3 for state, _, total in rows if state == OCR)
