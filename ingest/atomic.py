"""Files replaced atomically: written under a temporary name, flushed, then renamed."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: str | Path, write: Callable[[BinaryIO], object], mode: int = 0o644) -> None:
    """A reader of `path` sees the old file or the whole new one, never a part; the file is
    created with `mode` (less the umask) from the start."""
    final = Path(path)
    tmp = final.with_name(final.name + ".tmp")
    tmp.unlink(missing_ok=True)
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, final)
    fd = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
