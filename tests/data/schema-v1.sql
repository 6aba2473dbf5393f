-- A library as the first release wrote it: no collections, no chunk sources.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, name TEXT NOT NULL, pages INTEGER NOT NULL, chunks INTEGER NOT NULL,
    lang TEXT NOT NULL, added_at TEXT NOT NULL, size INTEGER NOT NULL, pages_without_text TEXT NOT NULL
);
CREATE TABLE pages (
    doc_id TEXT NOT NULL, page INTEGER NOT NULL, text TEXT NOT NULL, source TEXT NOT NULL,
    lang TEXT NOT NULL, PRIMARY KEY (doc_id, page)
);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL, page INTEGER NOT NULL, page_end INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, lang TEXT NOT NULL,
    tokens INTEGER NOT NULL
);
INSERT INTO documents VALUES ('d1', 'old.pdf', 1, 1, 'en', '2026-11-01T00:00:00+00:00', 10, '[]');
INSERT INTO pages VALUES ('d1', 1, 'An old page.', 'pypdf', 'en');
INSERT INTO chunks VALUES (1, 'c1', 'd1', 0, 1, 1, 0, 12, 'An old page.', 'en', 4);
