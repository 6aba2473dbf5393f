"""Why a job failed, as a code and parameters, so that each interface can say it in the
person's language; the English message is kept for the CLI and for reasons without a code."""

import re

from ingest.errors import IngestError, PasswordRequired, StorageError

# The reader's messages (ingest/worker.py, load.py, pdf.py) -> a code and its parameters.
PATTERNS = [
    ("timeout", re.compile(r"took longer than (?P<seconds>\d+) s")),
    ("crashed", re.compile(r"crashed the reader \((?P<signal>\w+)\).* than (?P<memory_mb>\d+) MB")),
    ("memory", re.compile(r"needs more than (?P<memory_mb>\d+) MB of memory")),
    ("too_many_pages", re.compile(r"(?P<pages>\d+) pages is over the limit of (?P<limit>\d+) pages")),
    ("not_pdf", re.compile(r"not a PDF file")),
    ("damaged", re.compile(r"the PDF is damaged|nested too deeply")),
    ("empty", re.compile(r"the file is empty")),
    ("unsupported", re.compile(r"unsupported file type '(?P<suffix>[^']*)'")),
    ("not_text", re.compile(r"binary data, not a text file|not a text file in")),
    ("decrypt", re.compile(r"cannot decrypt this PDF")),
    ("disk_full", re.compile(r"the data directory .* is full")),
    ("read_only", re.compile(r"the data directory .* is read-only")),
]


def reason(exc: BaseException) -> dict:
    """{"code", "params", "message"} for a failed job: a known code where the cause is known,
    "read" for another reader's message, "internal" for a bug or an infrastructure fault."""
    message = str(exc)
    if isinstance(exc, PasswordRequired):
        code = "wrong_password" if "wrong password" in message else "password"
        return {"code": code, "params": {}, "message": message}
    if isinstance(exc, StorageError):  # a full or read-only disk: the operator's to fix, then retry
        return {"code": f"storage_{exc.kind}", "params": {}, "message": message}
    if isinstance(exc, IngestError):
        for code, pattern in PATTERNS:
            if found := pattern.search(message):
                return {"code": code, "params": found.groupdict(), "message": message}
        return {"code": "read", "params": {"detail": message[:300]}, "message": message}
    detail = f"{type(exc).__name__}: {message}"[:300]
    return {"code": "internal", "params": {"detail": detail}, "message": detail}


def too_big(size: int, limit_mb: float) -> dict:
    mb = f"{size / 1_000_000:.1f}"
    return {
        "code": "too_big",
        "params": {"size_mb": mb, "limit_mb": f"{limit_mb:g}"},
        "message": f"{mb} MB is over the {limit_mb:g} MB limit per file",
    }
