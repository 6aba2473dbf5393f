"""Read one file in a child process under a time and a memory limit, so that a pathological
file gets a clear error instead of hanging or killing ingestion (or the app serving others).

The parent sends a JSON request on stdin; the child answers with the pages, or an error."""

import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.errors import IngestError, PasswordRequired
from ingest.load import Loaded, load_file
from ingest.notice import Notice
from ingest.ocr import Engine, engine_from, engine_request, make_engine
from ingest.records import Page
from ingest.settings import DEFAULT_OCR_ENGINE, DEFAULT_OCR_LANGUAGES, Settings


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

    def __post_init__(self) -> None:
        if self.timeout_s <= 0 or self.memory_mb <= 0 or self.max_pages < 0 or self.index_timeout_s <= 0:
            raise ValueError(f"limits must be positive, got {self}")

    def read(self, path: Path, password: str | None = None) -> Loaded:
        """The file's pages, read in a child process; IngestError when it fails or is stopped."""
        request = {
            "path": str(path),
            "password": password,
            "max_pages": self.max_pages,
            "memory_mb": self.memory_mb,
            "ocr": engine_request(self.ocr) if self.ocr else None,
            # OCR stops early enough to hand back what it read: a long scan is indexed in part
            # rather than lost to the time limit.
            "ocr_seconds": self.timeout_s * 0.8,
        }
        child = subprocess.Popen(
            [sys.executable, "-m", "ingest.worker", str(os.getpid())], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True,  # its own group: OCR dies with it
        )  # fmt: skip
        try:
            out, err = child.communicate(json.dumps(request).encode(), timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            raise IngestError(
                f"reading the file took longer than {self.timeout_s:.0f} s and was stopped "
                "(RAG_PARSE_TIMEOUT_S): it may be damaged, or too large to read here"
            ) from None
        return self._answer(child.returncode, out, err)

    def _answer(self, code: int, out: bytes, err: bytes) -> Loaded:
        if code < 0:
            name = signal.Signals(-code).name
            raise IngestError(
                f"reading the file crashed the reader ({name}); it may be damaged, or need more "
                f"than {self.memory_mb} MB of memory (RAG_PARSE_MEMORY_MB)"
            )
        try:
            answer = json.loads(out)
        except ValueError:
            detail = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise IngestError(f"the file could not be read ({detail[0][:300]})") from None
        if "error" in answer:
            kind = PasswordRequired if answer.get("password") else IngestError
            raise kind(answer["error"])
        return Loaded([Page(**page) for page in answer["pages"]], [Notice(**w) for w in answer["warnings"]])


def reader_from(settings: Settings) -> Reader:
    """The reader the settings describe (RAG_PARSE_*, RAG_MAX_PAGES, RAG_OCR_*)."""
    ocr = make_engine(settings.ocr_engine, settings.ocr_languages, settings.ocr_dpi)
    return Reader(
        settings.parse_timeout_s, settings.parse_memory_mb, settings.max_pages, ocr, settings.index_timeout_s
    )


def serve(request: dict) -> dict:
    """The child's side: one request in, one answer out (errors become answers too)."""
    limit = int(request["memory_mb"]) << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    ocr = engine_from(request["ocr"]) if request["ocr"] else None
    deadline = time.monotonic() + float(request["ocr_seconds"])
    try:
        loaded = load_file(Path(request["path"]), request["password"], request["max_pages"], ocr, deadline)
    except PasswordRequired as exc:
        return {"error": str(exc), "password": True}
    except IngestError as exc:
        return {"error": str(exc)}
    except MemoryError:
        return {"error": f"reading the file needs more than {request['memory_mb']} MB of memory "
                "(RAG_PARSE_MEMORY_MB)"}  # fmt: skip
    except RecursionError:
        return {"error": "the file is nested too deeply to read (damaged or hostile)"}
    except Exception as exc:  # a reader's bug on a damaged file: reported, never a crash
        detail = (str(exc).strip().splitlines() or [""])[-1][-300:]  # a traceback's last line says most
        return {"error": f"the file could not be read ({type(exc).__name__}: {detail})"}
    warnings = [asdict(warning) for warning in loaded.warnings]
    return {"pages": [asdict(page) for page in loaded.pages], "warnings": warnings}


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
    answer = serve(json.loads(sys.stdin.buffer.read()))
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
