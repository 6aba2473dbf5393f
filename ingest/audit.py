"""The audit log: who did what, when (sign-ins, uploads, deletions, admin actions)."""

from dataclasses import dataclass
from pathlib import Path

from ingest.database import connected, now


@dataclass(frozen=True)
class Event:
    at: str
    user: str
    action: str
    detail: str


def record(data_dir: Path, user: str, action: str, detail: str = "") -> None:
    with connected(data_dir) as db:
        db.execute(
            "INSERT INTO audit (at, user, action, detail) VALUES (?, ?, ?, ?)", (now(), user, action, detail)
        )


def events(data_dir: Path, limit: int = 500, user: str | None = None) -> list[Event]:
    """The latest `limit` events, newest first; only `user`'s when given."""
    where, args = ("WHERE user = ?", (user,)) if user else ("", ())
    with connected(data_dir) as db:
        rows = db.execute(
            f"SELECT at, user, action, detail FROM audit {where} ORDER BY id DESC LIMIT ?", (*args, limit)
        ).fetchall()
    return [Event(*row) for row in rows]
