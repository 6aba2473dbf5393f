"""The library's SQLite file opened for the tables beside the documents (tokens, conversations,
audit): one short-lived connection per use, so any thread or process may call it."""

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ingest.schema import create_schema
from ingest.storage import writable
from ingest.store import DB_NAME

_ready: set[Path] = set()  # data directories whose schema this process has brought up to date


@contextmanager
def connected(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """A connection that commits when the block ends without error, and is closed after it."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    if not writable(data_dir):  # a read-only library is read as it is; writes fail as read-only
        with closing(sqlite3.connect(f"{(data_dir / DB_NAME).as_uri()}?mode=ro", uri=True, timeout=60)) as db:
            yield db
        return
    with closing(sqlite3.connect(data_dir / DB_NAME, timeout=60)) as db:
        if data_dir not in _ready:
            db.execute("PRAGMA journal_mode=WAL")
            create_schema(db)
            _ready.add(data_dir)
        with db:
            yield db


def now() -> str:
    """The time in UTC, ISO 8601 to the microsecond (fixed width, so it sorts as text, and two
    events in one second keep their order)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")
