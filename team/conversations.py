"""Conversations kept per user: each turn's question, answer, citations and time, and the
feedback given on it. Every read and change names the user, so no one reaches another's."""

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.database import connected, now

MAX_TITLE = 80


@dataclass(frozen=True)
class Conversation:
    conversation_id: str
    user: str
    title: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Turn:
    """One question and its answer; `citations` as stored (dicts of rag.citations.Citation)."""

    turn_id: int
    question: str
    answer: str
    citations: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""
    language: str = ""
    mode: str = ""
    asked_at: str = ""
    rating: int | None = None  # 1 helpful, 0 not helpful, None not rated
    comment: str = ""


TURN_COLUMNS = "turn_id, question, answer, citations, note, language, mode, asked_at, rating, comment"


def title_of(question: str) -> str:
    """A conversation's first title: its first question, on one line, shortened."""
    line = " ".join(question.split())
    return line if len(line) <= MAX_TITLE else line[: MAX_TITLE - 1] + "…"


class Conversations:
    """The conversations of the library in `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)

    def start(self, user: str, title: str) -> Conversation:
        made = now()
        conversation = Conversation(secrets.token_hex(8), user, title_of(title) or "…", made, made)
        with connected(self.data_dir) as db:
            db.execute(
                "INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                (conversation.conversation_id, user, conversation.title, made, made),
            )
        return conversation

    def of(self, user: str) -> list[Conversation]:
        """The user's conversations, the most recently used first."""
        with connected(self.data_dir) as db:
            rows = db.execute(
                "SELECT * FROM conversations WHERE user = ? ORDER BY updated_at DESC, rowid DESC", (user,)
            ).fetchall()
        return [Conversation(*row) for row in rows]

    def get(self, user: str, conversation_id: str) -> Conversation | None:
        """The conversation if it is `user`'s; None otherwise (whether or not it exists)."""
        with connected(self.data_dir) as db:
            row = db.execute(
                "SELECT * FROM conversations WHERE conversation_id = ? AND user = ?", (conversation_id, user)
            ).fetchone()
        return Conversation(*row) if row else None

    def turns(self, user: str, conversation_id: str) -> list[Turn]:
        if self.get(user, conversation_id) is None:
            return []
        with connected(self.data_dir) as db:
            rows = db.execute(
                f"SELECT {TURN_COLUMNS} FROM turns WHERE conversation_id = ? ORDER BY turn_id",
                (conversation_id,),
            ).fetchall()
        return [turn(row) for row in rows]

    def add_turn(self, user: str, conversation_id: str, turn: Turn) -> Turn:
        """Store one answered question at the end of the user's conversation."""
        self._known(user, conversation_id)
        asked = now()
        with connected(self.data_dir) as db:
            cursor = db.execute(
                "INSERT INTO turns (conversation_id, question, answer, citations, note, language, mode, "
                "asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation_id, turn.question, turn.answer,
                    json.dumps(turn.citations, ensure_ascii=False), turn.note, turn.language, turn.mode,
                    asked,
                ),
            )  # fmt: skip
            db.execute(
                "UPDATE conversations SET updated_at = ? WHERE conversation_id = ?", (asked, conversation_id)
            )
        return Turn(int(cursor.lastrowid or 0), turn.question, turn.answer, turn.citations, turn.note,
                    turn.language, turn.mode, asked)  # fmt: skip

    def rename(self, user: str, conversation_id: str, title: str) -> None:
        if not title.strip():
            raise ValueError("a conversation's name needs visible characters")
        self._known(user, conversation_id)
        with connected(self.data_dir) as db:
            db.execute(
                "UPDATE conversations SET title = ? WHERE conversation_id = ?",
                (title_of(title), conversation_id),
            )

    def delete(self, user: str, conversation_id: str) -> None:
        self._known(user, conversation_id)
        with connected(self.data_dir) as db:
            db.execute("DELETE FROM turns WHERE conversation_id = ?", (conversation_id,))
            db.execute("DELETE FROM conversations WHERE conversation_id = ?", (conversation_id,))

    def rate(self, user: str, turn_id: int, helpful: bool | None, comment: str = "") -> None:
        """Feedback on one of the user's answers: helpful or not (None: taken back), and why."""
        with connected(self.data_dir) as db:
            changed = db.execute(
                "UPDATE turns SET rating = ?, comment = ?, rated_at = ? WHERE turn_id = ? "
                "AND conversation_id IN (SELECT conversation_id FROM conversations WHERE user = ?)",
                (None if helpful is None else int(helpful), comment.strip()[:2000], now(), turn_id, user),
            ).rowcount
        if not changed:
            raise ValueError(f"{user!r} has no answer with id {turn_id}")

    def feedback(self) -> list[dict[str, Any]]:
        """Every rated answer, newest first, for administrators to find weak spots."""
        with connected(self.data_dir) as db:
            rows = db.execute(
                "SELECT t.rated_at, c.user, t.rating, t.comment, t.question, t.answer, t.citations, t.mode, "
                "t.turn_id, c.conversation_id FROM turns t JOIN conversations c USING (conversation_id) "
                "WHERE t.rated_at IS NOT NULL ORDER BY t.rated_at DESC, t.turn_id DESC"
            ).fetchall()
        keys = ("rated_at", "user", "helpful", "comment", "question", "answer", "sources", "mode", "turn_id",
                "conversation_id")  # fmt: skip
        out = []
        for row in rows:
            item = dict(zip(keys, row, strict=True))
            item["helpful"] = None if item["helpful"] is None else bool(item["helpful"])
            item["sources"] = "; ".join(f"[{c['n']}] {c['doc']} p.{c['page']}" for c in json.loads(row[6]))
            out.append(item)
        return out

    def counts(self) -> tuple[int, int]:
        """How many conversations and questions there are, of all users."""
        with connected(self.data_dir) as db:
            conversations = db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0]
            questions = db.execute("SELECT COUNT(*) FROM turns").fetchone()[0]
        return int(conversations), int(questions)

    def _known(self, user: str, conversation_id: str) -> None:
        if self.get(user, conversation_id) is None:
            raise ValueError(f"{user!r} has no conversation {conversation_id!r}")


def turn(row: tuple[Any, ...]) -> Turn:
    turn_id, question, answer, citations, note, language, mode, asked_at, rating, comment = row
    return Turn(
        turn_id, question, answer, json.loads(citations), note, language, mode, asked_at, rating, comment
    )
