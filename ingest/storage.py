"""Which failures of a write mean "the disk is full" or "the disk is read-only", whatever
layer saw them first (the OS, or SQLite's own error text)."""

import errno
import os
import sqlite3
from pathlib import Path

FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


def storage_fault(exc: BaseException) -> str | None:
    """ "full", "read_only", or None when `exc` is not a storage fault."""
    if isinstance(exc, OSError) and exc.errno in FULL:
        return "full"
    if isinstance(exc, OSError) and exc.errno in READ_ONLY:
        return "read_only"
    if isinstance(exc, sqlite3.Error):
        text = str(exc).lower()
        if "disk is full" in text:
            return "full"
        if "readonly database" in text or "read-only" in text:
            return "read_only"
    return None


def writable(folder: Path) -> bool:
    """Whether this process may create files in `folder` (a read-only mount says no, even to root)."""
    return os.access(folder, os.W_OK)
