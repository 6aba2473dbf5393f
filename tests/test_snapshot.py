"""One snapshot per question: a commit during a search changes nothing the search sees, and
a search never waits for a writer."""

import threading
from pathlib import Path

import pytest

import rag.retrieve
from ingest.pipeline import prepare
from ingest.records import Page
from ingest.store import Store
from rag.retrieve import Retriever
from rag.translate import chinese_terms

pytestmark = pytest.mark.integration  # real FAISS and keyword files on disk

DOCS = {
    "river": "长江是中国最长的河流，全长约六千三百公里。",
    "capital": "北京是中国的首都，也是政治文化中心。",
    "notes": "Meeting notes about the budget for next year.",
}
QUESTION = "When was the University of Chicago founded?"
LATE = "芝加哥大学成立于一八九〇年，位于美国伊利诺伊州。芝加哥大学。"  # what the question asks


def add(store: Store, embedder, name: str, text: str) -> None:
    store.add([prepare(name, name, len(text), [Page(1, text, "text")], embedder, 40, 10)])


def library(tmp_path: Path, embedder) -> Store:
    store = Store(tmp_path / "lib", embedder.name, embedder.dim)
    for name, text in DOCS.items():
        add(store, embedder, name, text)
    return store


def test_a_commit_between_two_reads_of_one_search_is_not_seen_by_it(tmp_path, fake_embedder, monkeypatch):
    store = library(tmp_path, fake_embedder)
    retriever = Retriever(store, fake_embedder)
    retriever.search("长江", k=1)  # the first version is loaded and cached
    other = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)  # another process's writer
    committed: list[int] = []

    def commit_then_translate(question: str) -> list[list[str]]:
        # after the keyword leg has read its version, before the translated leg reads one
        if not committed:
            add(other, fake_embedder, "chicago", LATE)
            committed.append(other.generation())
        return chinese_terms(question)

    monkeypatch.setattr(rag.retrieve, "chinese_terms", commit_then_translate)
    during = retriever.search(QUESTION, k=5)
    assert committed, "the commit did not happen during the search: the test proved nothing"
    assert "chicago" not in [h.doc for h in during]  # it began before the commit
    after = retriever.search(QUESTION, k=5)
    assert "chicago" in [h.doc for h in after]  # the next question sees the new version


def test_a_search_does_not_wait_for_a_writer(tmp_path, fake_embedder):
    store = library(tmp_path, fake_embedder)
    retriever = Retriever(store, fake_embedder)
    holding, release = threading.Event(), threading.Event()

    def write_slowly() -> None:
        with store.exclusive():  # the write lock, as a long commit holds it
            holding.set()
            release.wait(60)

    writer = threading.Thread(target=write_slowly)
    writer.start()
    try:
        assert holding.wait(30)
        found: list[str] = []
        reader = threading.Thread(target=lambda: found.extend(h.doc for h in retriever.search("长江", k=1)))
        reader.start()
        reader.join(20)
        assert not reader.is_alive(), "the search waited for the writer"
        assert found == ["river"]
    finally:
        release.set()
        writer.join()


def test_a_commit_writes_only_what_it_adds_and_small_segments_merge(tmp_path, fake_embedder):
    store = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    folder = tmp_path / "lib" / "index"
    add(store, fake_embedder, "river", DOCS["river"])
    first = {p.name: p.stat().st_ino for p in folder.glob("segment-*")}
    add(store, fake_embedder, "capital", DOCS["capital"])
    kept = {p.name: p.stat().st_ino for p in folder.glob("segment-*") if p.name in first}
    assert kept == first  # the first segment was neither rewritten nor replaced
    assert len(store.indexes().names) == 2
    store.remove(next(d.doc_id for d in store.documents() if d.name == "river"))
    assert set(store.indexes().removed.tolist())  # a tombstone, no segment rewritten
    assert len(store.indexes().names) == 2
    add(store, fake_embedder, "notes", DOCS["notes"])
    add(store, fake_embedder, "chicago", LATE)  # the fourth small segment: they merge
    indexes = store.indexes()
    assert len(indexes.names) == 1 and len(indexes.removed) == 0  # merged, the removed rows dropped
    assert {i for s in indexes.segments() for i in s.ids.tolist()} == set(store.chunk_ids())
    hits = Retriever(store, fake_embedder).search("芝加哥大学", k=3)
    assert hits[0].doc == "chicago" and "river" not in [h.doc for h in hits]
