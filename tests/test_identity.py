"""Content identity is per collection: the same bytes may live in two collections, and adding
them to one never says what another holds."""

import sqlite3

import pytest

from ingest.pipeline import add_file, file_id
from ingest.store import DB_NAME, Store
from ingest.worker import Reader

pytestmark = pytest.mark.integration  # the reader runs in a child process

TEXT = "长江是中国最长的河流。The Yangtze is the longest river in China."


def test_the_same_bytes_go_into_a_second_collection(tmp_path, fake_embedder):
    store = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    secret = tmp_path / "merger-plan.txt"
    secret.write_text(TEXT, encoding="utf-8")
    reader = Reader(ocr=None)
    first = add_file(secret, store, fake_embedder, 12, 0, collection="board", reader=reader)
    copy = tmp_path / "notes.txt"
    copy.write_text(TEXT, encoding="utf-8")
    second = add_file(copy, store, fake_embedder, 12, 0, collection="staff", reader=reader)
    assert second.new  # added for the uploader, not "already in the library"
    assert second.document.name == "notes.txt" and second.document.collection == "staff"
    assert second.document.doc_id != first.document.doc_id
    assert [d.name for d in store.documents(["staff"])] == ["notes.txt"]
    assert [d.name for d in store.documents(["board"])] == ["merger-plan.txt"]
    again = add_file(copy, store, fake_embedder, 12, 0, collection="staff", reader=reader)
    assert not again.new and again.document.doc_id == second.document.doc_id  # once per collection
    assert store.remove(first.document.doc_id)  # removing one copy leaves the other whole
    assert store.original(second.document.doc_id) is not None
    assert len(store.chunks(second.document.doc_id)) == second.document.chunks > 0


def test_a_library_from_before_knows_its_documents_content(tmp_path, fake_embedder):
    """Documents stored when the id was the bare content hash are still found by their bytes."""
    path = tmp_path / "old.txt"
    path.write_text(TEXT, encoding="utf-8")
    store = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    added = add_file(path, store, fake_embedder, 12, 0, collection="general", reader=Reader(ocr=None))
    content, new_id = file_id(path), added.document.doc_id
    db = sqlite3.connect(tmp_path / "lib" / DB_NAME)  # as the first release wrote it: id = content
    for table in ("documents", "pages", "chunks"):
        db.execute(f"UPDATE {table} SET doc_id = ? WHERE doc_id = ?", (content, new_id))
    db.execute("UPDATE documents SET content = ''")
    db.commit()
    db.close()
    reopened = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    again = add_file(path, reopened, fake_embedder, 12, 0, collection="general", reader=Reader(ocr=None))
    assert not again.new and again.document.doc_id == content
    elsewhere = add_file(path, reopened, fake_embedder, 12, 0, collection="other", reader=Reader(ocr=None))
    assert elsewhere.new and elsewhere.document.doc_id not in (content, new_id)
