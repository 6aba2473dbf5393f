"""Conversations, feedback and the audit log in the library's SQLite: per user, and migrated
into libraries made before they existed."""

import sqlite3

import pytest

from ingest.database import connected
from ingest.schema import SCHEMA, create_schema
from team import audit
from team.conversations import Conversations, Turn, title_of

CITATION = {"n": 1, "doc_id": "d1", "doc": "a.pdf", "page": 2, "page_end": 2, "text": "长江", "start": 0,
            "end": 2, "cited": True}  # fmt: skip


def test_each_user_sees_only_their_conversations_newest_first(tmp_path):
    kept = Conversations(tmp_path)
    first = kept.start("alice", "长江有多长？")
    kept.add_turn(
        "alice", first.conversation_id, Turn(0, "长江有多长？", "约6300公里[1]", [CITATION], "", "zh", "llm")
    )
    second = kept.start("alice", "What about the Yellow River?")
    kept.start("bob", "bob's question")
    assert [c.conversation_id for c in kept.of("alice")] == [second.conversation_id, first.conversation_id]
    kept.add_turn("alice", first.conversation_id, Turn(0, "入海口？", "东海[1]", [CITATION]))
    assert kept.of("alice")[0].conversation_id == first.conversation_id  # used last
    turns = kept.turns("alice", first.conversation_id)
    assert [t.question for t in turns] == ["长江有多长？", "入海口？"]
    assert turns[0].citations == [CITATION] and turns[0].language == "zh" and turns[0].mode == "llm"
    assert kept.get("bob", first.conversation_id) is None and kept.turns("bob", first.conversation_id) == []
    assert [c.title for c in kept.of("bob")] == ["bob's question"]
    for change in (
        lambda: kept.add_turn("bob", first.conversation_id, Turn(0, "q", "a")),
        lambda: kept.rename("bob", first.conversation_id, "mine now"),
        lambda: kept.delete("bob", first.conversation_id),
        lambda: kept.rate("bob", turns[0].turn_id, True),
    ):
        with pytest.raises(ValueError, match="bob"):
            change()
    assert len(kept.turns("alice", first.conversation_id)) == 2


def test_rename_delete_and_titles(tmp_path):
    kept = Conversations(tmp_path)
    conversation = kept.start("alice", "  a\nquestion  ")
    assert conversation.title == "a question"
    assert len(title_of("x" * 500)) == 80
    kept.rename("alice", conversation.conversation_id, "Rivers")
    assert kept.of("alice")[0].title == "Rivers"
    with pytest.raises(ValueError, match="visible"):
        kept.rename("alice", conversation.conversation_id, "  ")
    kept.add_turn("alice", conversation.conversation_id, Turn(0, "q", "a"))
    kept.delete("alice", conversation.conversation_id)
    assert kept.of("alice") == []
    with connected(tmp_path) as db:
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone() == (0,)  # its turns went with it


def test_feedback_is_stored_with_the_answer_and_exported(tmp_path):
    kept = Conversations(tmp_path)
    conversation = kept.start("alice", "q")
    good = kept.add_turn(
        "alice", conversation.conversation_id, Turn(0, "长江有多长？", "6300公里[1]", [CITATION])
    )
    bad = kept.add_turn("alice", conversation.conversation_id, Turn(0, "黄河呢？", "不知道", []))
    kept.add_turn("alice", conversation.conversation_id, Turn(0, "unrated", "x", []))
    kept.rate("alice", good.turn_id, True)
    kept.rate("alice", bad.turn_id, False, "  wrong river  ")
    rows = kept.feedback()
    assert [
        (r["question"], r["helpful"], r["comment"]) for r in sorted(rows, key=lambda r: r["turn_id"])
    ] == [("长江有多长？", True, ""), ("黄河呢？", False, "wrong river")]
    assert {r["user"] for r in rows} == {"alice"}
    assert next(r for r in rows if r["helpful"])["sources"] == "[1] a.pdf p.2"
    assert kept.turns("alice", conversation.conversation_id)[1].rating == 0


def test_audit_log_newest_first(tmp_path):
    audit.record(tmp_path, "alice", "sign-in")
    audit.record(tmp_path, "alice", "upload", "a.pdf")
    audit.record(tmp_path, "root", "admin: add user", "bob")
    events = audit.events(tmp_path)
    assert [(e.user, e.action) for e in events] == [("root", "admin: add user"), ("alice", "upload"),
                                                    ("alice", "sign-in")]  # fmt: skip
    assert [e.detail for e in audit.events(tmp_path, user="alice")] == ["a.pdf", ""]
    assert events[0].at[:2] == "20"


def test_a_library_made_before_conversations_gets_their_tables_and_columns(tmp_path):
    with sqlite3.connect(tmp_path / "library.sqlite3") as db:
        db.executescript(SCHEMA)
        db.execute("CREATE TABLE turns (turn_id INTEGER PRIMARY KEY, conversation_id TEXT NOT NULL, "
                   "question TEXT NOT NULL, answer TEXT NOT NULL, citations TEXT NOT NULL, "
                   "note TEXT NOT NULL DEFAULT '', asked_at TEXT NOT NULL, rating INTEGER, "
                   "comment TEXT NOT NULL DEFAULT '', rated_at TEXT)")  # fmt: skip
    kept = Conversations(tmp_path)
    conversation = kept.start("alice", "q")
    kept.add_turn("alice", conversation.conversation_id, Turn(0, "q", "a", [], "", "en", "extractive"))
    assert kept.turns("alice", conversation.conversation_id)[0].mode == "extractive"
    with sqlite3.connect(tmp_path / "library.sqlite3") as db:
        create_schema(db)  # again: nothing to do, nothing lost
        assert db.execute("SELECT language FROM turns").fetchall() == [("en",)]
