"""Read one file in a child process under a time and a memory limit, so that a pathological
file gets a clear error instead of hanging or killing ingestion (or the app serving others).

The parent sends a JSON request on stdin; the child writes its progress as JSON lines while
it reads ({"progress": [stage, done, total]}), then answers with the pages, or an error (its
message, code and parameters: ingest.errors)."""

import ctypes
import json
import os
import queue
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from ingest.errors import IngestError, error_of
from ingest.load import Loaded, load_file
from ingest.notice import Notice
from ingest.ocr import Engine, engine_from, engine_request, make_engine
from ingest.office_pdf import libreoffice, soffice
from ingest.read_progress import ReadProgress, ignore
from ingest.records import Page
from ingest.settings import DEFAULT_OCR_ENGINE, DEFAULT_OCR_LANGUAGES, Settings

PROGRESS = b'{"progress"'  # how a progress line of the child starts
# glibc makes a malloc arena (64 MB of address space each) per contended thread, up to eight per
# core: under the child's RLIMIT_AS, OCR's threads on a busy many-core machine ran out of
# address space with memory to spare. Two arenas cost little speed.
CHILD_ENV = {"MALLOC_ARENA_MAX": "2"}


@dataclass(frozen=True)
class Reader:
    """How files are read: limits per file, and the OCR engine (None: no OCR);
    `index_timeout_s` limits what follows the reading (detecting, splitting, embedding)."""

    timeout_s: float = 300.0
    memory_mb: int = 2048
    max_pages: int = 2000
    ocr: Engine | None = field(
        default_factory=lambda: make_engine(DEFAULT_OCR_ENGINE, DEFAULT_OCR_LANGUAGES, 300)
    )
    index_timeout_s: float = 1800.0
    office_pdf: bool = False  # convert .docx/.pptx with LibreOffice where installed

    def __post_init__(self) -> None:
        if self.timeout_s <= 0 or self.memory_mb <= 0 or self.max_pages < 0 or self.index_timeout_s <= 0:
            raise ValueError(f"limits must be positive, got {self}")

    def read(self, path: Path, password: str | None = None, report: ReadProgress = ignore) -> Loaded:
        """The file's pages, read in a child process; IngestError when it fails or is stopped.
        `report` hears the child's progress (ingest.read_progress) while it reads."""
        request = {
            "path": str(path),
            "password": password,
            "max_pages": self.max_pages,
            "memory_mb": self.memory_mb,
            "ocr": engine_request(self.ocr) if self.ocr else None,
            # OCR stops early enough to hand back what it read: a long scan is indexed in part
            # rather than lost to the time limit.
            "ocr_seconds": self.timeout_s * 0.8,
            "office_pdf": self.office_pdf,
        }
        with tempfile.TemporaryFile() as err:  # a file, not a pipe: the child never blocks on it
            child = subprocess.Popen(
                [sys.executable, "-m", "ingest.worker", str(os.getpid())], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=err,
                start_new_session=True,  # its own group: OCR dies with it
                env={**os.environ, **CHILD_ENV},
            )  # fmt: skip
            try:
                out = self._listen(child, json.dumps(request).encode(), report)
            finally:
                if child.poll() is None:  # timed out, or the report raised (the job was cancelled)
                    os.killpg(child.pid, signal.SIGKILL)
                    child.wait()
            err.seek(0)
            return self._answer(child.returncode, out, err.read())

    def _listen(self, child: subprocess.Popen[bytes], request: bytes, report: ReadProgress) -> bytes:
        """Send the request; pass on the child's progress lines until it ends; its answer."""
        assert child.stdin is not None and child.stdout is not None
        try:
            child.stdin.write(request)
            child.stdin.close()  # the child reads its request whole before it starts
        except BrokenPipeError:  # it died at once: its exit status says why
            pass
        lines: queue.Queue[bytes] = queue.Queue()
        pump = threading.Thread(target=pass_lines, args=(child.stdout, lines), daemon=True)
        pump.start()
        deadline, answer = time.monotonic() + self.timeout_s, b""
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                os.killpg(child.pid, signal.SIGKILL)
                pump.join()
                raise IngestError(
                    f"reading the file took longer than {self.timeout_s:.0f} s and was stopped "
                    "(RAG_PARSE_TIMEOUT_S): it may be damaged, or too large to read here",
                    "timeout", seconds=f"{self.timeout_s:.0f}",
                ) from None  # fmt: skip
            if not line:  # the child closed its output: it is done
                break
            if line.startswith(PROGRESS):
                stage, done, total = json.loads(line)["progress"]
                report(stage, done, total)
            else:
                answer += line
        pump.join()
        child.wait(timeout=max(1.0, deadline - time.monotonic()))
        return answer

    def _answer(self, code: int, out: bytes, err: bytes) -> Loaded:
        if code < 0:
            name = signal.Signals(-code).name
            raise IngestError(
                f"reading the file crashed the reader ({name}); it may be damaged, or need more "
                f"than {self.memory_mb} MB of memory (RAG_PARSE_MEMORY_MB)",
                "crashed", signal=name, memory_mb=self.memory_mb,
            )  # fmt: skip
        try:
            answer = json.loads(out)
        except ValueError:
            detail = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise IngestError(
                f"the file could not be read ({detail[0][:300]})", "read", detail=detail[0]
            ) from None
        if "error" in answer:
            raise error_of(answer["error"], answer["code"], answer["params"])
        return Loaded([Page(**page) for page in answer["pages"]], [Notice(**w) for w in answer["warnings"]])


def pass_lines(source: IO[bytes], lines: "queue.Queue[bytes]") -> None:
    """Each line of `source` into `lines`, then b"" for its end."""
    for line in source:
        lines.put(line)
    lines.put(b"")


def reader_from(settings: Settings) -> Reader:
    """The reader the settings describe (RAG_PARSE_*, RAG_MAX_PAGES, RAG_OCR_*)."""
    ocr = make_engine(settings.ocr_engine, settings.ocr_languages, settings.ocr_dpi)
    return Reader(
        settings.parse_timeout_s, settings.parse_memory_mb, settings.max_pages, ocr, settings.index_timeout_s,
        office_pdf=settings.office_pdf == "auto",
    )  # fmt: skip


def serve(request: dict, report: ReadProgress = ignore) -> dict:
    """The child's side: one request in, one answer out (errors become answers too)."""
    limit = int(request["memory_mb"]) << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    ocr = engine_from(request["ocr"]) if request["ocr"] else None
    deadline = time.monotonic() + float(request["ocr_seconds"])
    try:
        command = soffice() if request.get("office_pdf") else None
        office = libreoffice(command) if command else None
        loaded = load_file(
            Path(request["path"]), request["password"], request["max_pages"], ocr, deadline, report,
            office, float(request["ocr_seconds"]) / 2,
        )  # fmt: skip
    except IngestError as exc:
        return failure(exc)
    except MemoryError:
        memory = request["memory_mb"]
        return failure(IngestError(
            f"reading the file needs more than {memory} MB of memory (RAG_PARSE_MEMORY_MB)", "memory",
            memory_mb=memory,
        ))  # fmt: skip
    except RecursionError:
        return failure(IngestError("the file is nested too deeply to read (damaged or hostile)", "nested"))
    except Exception as exc:  # a reader's bug on a damaged file: reported, never a crash
        detail = (str(exc).strip().splitlines() or [""])[-1][-300:]  # a traceback's last line says most
        return failure(IngestError(f"the file could not be read ({type(exc).__name__}: {detail})"))
    warnings = [asdict(warning) for warning in loaded.warnings]
    return {"pages": [asdict(page) for page in loaded.pages], "warnings": warnings}


def failure(exc: IngestError) -> dict:
    return {"error": str(exc), "code": exc.code, "params": exc.params}


def report_line(stage: str, done: int, total: int) -> None:
    """The child's progress, one line of its output (the answer is the last line)."""
    sys.stdout.write(json.dumps({"progress": [stage, done, total]}) + "\n")
    sys.stdout.flush()


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies, so a killed app leaves no
    reader behind; a parent that died before we asked is caught by its pid. (The signal follows
    the parent thread that started us, which waits for our answer, so it lives as long.)"""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        die_with_parent(int(sys.argv[1]))
    answer = serve(json.loads(sys.stdin.buffer.read()), report_line)
    sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
