"""The library's SQLite file opened for the tables beside the documents (tokens, conversations,
audit): one short-lived connection per use, so any thread or process may call it."""

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ingest.schema import create_schema
from ingest.sqlite_db import open_db, open_read_only
from ingest.storage import writable

_ready: set[Path] = set()  # data directories whose schema this process has brought up to date


@contextmanager
def connected(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """A connection that commits when the block ends without error, and is closed after it."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    if not writable(data_dir):  # a read-only library is read as it is; writes fail as read-only
        with closing(open_read_only(data_dir)) as db:
            yield db
        return
    with closing(open_db(data_dir)) as db:
        if data_dir not in _ready:
            create_schema(db)
            _ready.add(data_dir)
        with db:
            yield db


def now() -> str:
    """The time in UTC, ISO 8601 to the microsecond (fixed width, so it sorts as text, and two
    events in one second keep their order)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")
