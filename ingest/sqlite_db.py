"""The library's SQLite file: how every part of the product opens it (documents, jobs, users,
conversations), so that all connections agree on its journal and durability."""

import sqlite3
from pathlib import Path

from ingest.errors import StorageError

DB_NAME = "library.sqlite3"


def open_db(data_dir: Path, autocommit: bool = False) -> sqlite3.Connection:
    """A writable connection: WAL (readers never wait for the writer), synced at each commit
    (a commit the product reported survives a power cut). `autocommit`: transactions are the
    caller's own BEGIN ... COMMIT."""
    connection = sqlite3.connect(Path(data_dir) / DB_NAME, timeout=60, check_same_thread=False)
    if autocommit:
        connection.isolation_level = None
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    return connection


def open_read_only(data_dir: Path) -> sqlite3.Connection:
    """A connection that cannot write, for a read-only library or a consistent read."""
    path = Path(data_dir) / DB_NAME
    if not path.is_file():
        raise StorageError("read_only", data_dir)
    # WAL needs its -shm file to read; on a read-only disk without one, read immutably
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=60, check_same_thread=False)
    try:
        connection.execute("SELECT 1 FROM meta LIMIT 1").fetchall()
    except sqlite3.OperationalError:
        connection.close()
        connection = sqlite3.connect(
            f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
    return connection
