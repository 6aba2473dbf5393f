"""The library's SQLite tables, and the columns later versions added to older libraries."""

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, name TEXT NOT NULL, pages INTEGER NOT NULL, chunks INTEGER NOT NULL,
    lang TEXT NOT NULL, added_at TEXT NOT NULL, size INTEGER NOT NULL, pages_without_text TEXT NOT NULL,
    collection TEXT NOT NULL DEFAULT 'general', content TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS pages (
    doc_id TEXT NOT NULL, page INTEGER NOT NULL, text TEXT NOT NULL, source TEXT NOT NULL,
    lang TEXT NOT NULL, PRIMARY KEY (doc_id, page)
);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL, page INTEGER NOT NULL, page_end INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, lang TEXT NOT NULL,
    tokens INTEGER NOT NULL, source TEXT NOT NULL DEFAULT 'text'
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id);
"""
# Beside the documents: API tokens (only their hashes), conversations with their turns and
# feedback, and the audit log. New tables need no migration step: CREATE IF NOT EXISTS is one.
PEOPLE = """
CREATE TABLE IF NOT EXISTS api_tokens (
    token_id TEXT PRIMARY KEY, user TEXT NOT NULL, digest TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL, revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS conversations (
    conversation_id TEXT PRIMARY KEY, user TEXT NOT NULL, title TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_user ON conversations (user, updated_at);
CREATE TABLE IF NOT EXISTS turns (
    turn_id INTEGER PRIMARY KEY, conversation_id TEXT NOT NULL, question TEXT NOT NULL,
    answer TEXT NOT NULL, citations TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', asked_at TEXT NOT NULL,
    rating INTEGER, comment TEXT NOT NULL DEFAULT '', rated_at TEXT
);
CREATE INDEX IF NOT EXISTS turns_conversation ON turns (conversation_id);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
"""
# Columns added since the first release: a library made before gets them, with their default.
ADDED = [
    ("documents", "collection", "TEXT NOT NULL DEFAULT 'general'"),
    ("chunks", "source", "TEXT NOT NULL DEFAULT 'text'"),
    ("documents", "content", "TEXT NOT NULL DEFAULT ''"),
    ("chunks", "place", "TEXT NOT NULL DEFAULT ''"),
    ("pages", "place", "TEXT NOT NULL DEFAULT ''"),
    ("turns", "language", "TEXT NOT NULL DEFAULT ''"),
    ("turns", "mode", "TEXT NOT NULL DEFAULT ''"),
]
CHUNK_COLUMNS = 'chunk_id, doc_id, ordinal, page, page_end, start, "end", text, lang, tokens, source, place'


def create_schema(db: sqlite3.Connection) -> None:
    """Create missing tables and add missing columns; safe to run from several processes."""
    db.executescript(SCHEMA)
    db.executescript(PEOPLE)
    for table, column, kind in ADDED:
        have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if column in have:
            continue
        try:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            db.commit()
        except sqlite3.OperationalError as exc:  # another process added it a moment ago
            if "duplicate column" not in str(exc):
                raise
    # Before content identity was per collection, a document's id was the hash of its bytes.
    if db.execute("SELECT 1 FROM documents WHERE content = '' LIMIT 1").fetchone():
        db.execute("UPDATE documents SET content = doc_id WHERE content = ''")
        db.commit()
    db.execute("CREATE INDEX IF NOT EXISTS documents_content ON documents (collection, content)")
