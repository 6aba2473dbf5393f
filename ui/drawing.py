"""Page images drawn in a child process under a time and a memory limit: a hostile or huge
page can cost that child its life, never the server's memory or time.

The parent sends the drawing's arguments as JSON on stdin; the child writes the PNG bytes."""

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from ingest.worker import die_with_parent


def draw_page(
    pdf: Path, page: int, passage: str | list[str], timeout_s: float, memory_mb: int
) -> bytes | None:
    """ui.evidence.page_image in a child process; None when it can't draw, runs out of time
    or memory (the page is then shown as text only)."""
    if timeout_s <= 0 or memory_mb <= 0:
        raise ValueError(f"limits must be positive, got {timeout_s} s and {memory_mb} MB")
    request = {"memory_mb": memory_mb, "kwargs": {"pdf": str(pdf), "page": page, "passage": passage}}
    child = subprocess.Popen(
        [sys.executable, "-m", "ui.drawing", str(os.getpid())], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        out, _ = child.communicate(json.dumps(request).encode(), timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        return None
    return out if child.returncode == 0 and out else None


def serve(request: dict) -> bytes | None:
    """The child's side: the limit first, then the drawing (imported after, under the limit)."""
    limit = int(request["memory_mb"]) << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from ui.evidence import page_image

    kwargs = dict(request["kwargs"], pdf=Path(request["kwargs"]["pdf"]))
    return page_image(**kwargs)


if __name__ == "__main__":
    die_with_parent(int(sys.argv[1]))
    try:
        image = serve(json.loads(sys.stdin.buffer.read()))
    except MemoryError:
        sys.exit(3)
    if image is None:
        sys.exit(2)
    sys.stdout.buffer.write(image)
