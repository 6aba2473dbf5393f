"""Files replaced atomically: written under a temporary name, flushed, then renamed."""

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

TMP_SUFFIX = ".tmp"


def write_atomic(path: str | Path, write: Callable[[BinaryIO], object], mode: int = 0o644) -> None:
    """A reader of `path` sees the old file or the whole new one, never a part; the file is
    created with `mode` (less the umask) from the start. The temporary file has a name of its
    own (two writers never share one) and is removed when anything fails, a full disk included."""
    final = Path(path)
    tmp = final.with_name(f"{final.name}.{secrets.token_hex(6)}{TMP_SUFFIX}")
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fd = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
