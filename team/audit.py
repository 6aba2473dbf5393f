"""The audit log: who did what, when (sign-ins, uploads, deletions, admin actions)."""

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ingest.database import connected, now

LOG = logging.getLogger("docqa.audit")


@dataclass(frozen=True)
class Event:
    at: str
    user: str
    action: str
    detail: str


def record(data_dir: Path, user: str, action: str, detail: str = "") -> None:
    """Log an action that has happened; a library that takes no writes (full, read-only) must not
    undo or hide it, so then the event goes to the server log instead."""
    try:
        with connected(data_dir) as db:
            db.execute(
                "INSERT INTO audit (at, user, action, detail) VALUES (?, ?, ?, ?)",
                (now(), user, action, detail),
            )
    except (sqlite3.Error, OSError) as exc:
        LOG.error("audit log not written (%s): %s %s %s", exc, user, action, detail)


def record_once(data_dir: Path, user: str, action: str, detail: str) -> None:
    """Log an action unless the same one (user, action, detail) is logged already: one sign-in
    seen by several tabs and reloads is one event."""
    try:
        with connected(data_dir) as db:
            db.execute(
                "INSERT INTO audit (at, user, action, detail) SELECT ?, ?, ?, ? WHERE NOT EXISTS "
                "(SELECT 1 FROM audit WHERE user = ? AND action = ? AND detail = ?)",
                (now(), user, action, detail, user, action, detail),
            )
    except (sqlite3.Error, OSError) as exc:
        LOG.error("audit log not written (%s): %s %s %s", exc, user, action, detail)


def events(data_dir: Path, limit: int = 500, user: str | None = None) -> list[Event]:
    """The latest `limit` events, newest first; only `user`'s when given."""
    where, args = ("WHERE user = ?", (user,)) if user else ("", ())
    with connected(data_dir) as db:
        rows = db.execute(
            f"SELECT at, user, action, detail FROM audit {where} ORDER BY id DESC LIMIT ?", (*args, limit)
        ).fetchall()
    return [Event(*row) for row in rows]
