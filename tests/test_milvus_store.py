"""Commits of a library whose passages live in Milvus: rows and passages agree at every version."""

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ingest import milvus_stats
from ingest.backup import backup, restore
from ingest.check import check_library
from ingest.milvus import Passages
from ingest.milvus_store import MilvusStore
from ingest.records import Chunk, Document, Page
from ingest.store import Entry, Store
from rag.milvus_engine import MilvusEngine
from rag.retrieve import Retriever

pytestmark = pytest.mark.integration
pytest.importorskip("milvus_lite", reason="the milvus extra: pip install '.[milvus]'")


@pytest.fixture
def store(tmp_path: Path, fake_embedder) -> Iterator[MilvusStore]:
    with Passages.open(str(tmp_path / "milvus.db"), "", "lib", fake_embedder.dim) as passages:
        yield MilvusStore(tmp_path / "lib", fake_embedder.name, fake_embedder.dim, passages)


def entry(embedder, doc: str, collection: str, texts: list[str]) -> Entry:  # type: ignore[no-untyped-def]
    starts = [sum(len(t) + 1 for t in texts[:j]) for j in range(len(texts))]
    chunks = [
        Chunk(f"{doc}-{j}", doc, j, 1, 1, starts[j], starts[j] + len(t), t, "zh" if "河" in t else "en", 0)
        for j, t in enumerate(texts)
    ]
    document = Document(doc, f"{doc}.txt", 1, len(texts), "zh", "", 10, collection=collection)
    return Entry(document, [Page(1, " ".join(texts), "text")], chunks, embedder.embed_passages(texts))


def searcher(store: MilvusStore, embedder) -> Retriever:  # type: ignore[no-untyped-def]
    return Retriever(store, embedder, engine=MilvusEngine(store, embedder, store.passages))


def test_added_passages_are_found_and_removed_ones_are_not(store, fake_embedder):
    store.add([entry(fake_embedder, "panda", "zoo", ["熊猫吃竹子的河边", "Pandas eat bamboo"])])
    store.add([entry(fake_embedder, "river", "geo", ["长江是最长的河流", "The Yangtze is long"])])
    retriever = searcher(store, fake_embedder)
    assert retriever.search("熊猫吃竹子", 1, "hybrid")[0].doc_id == "panda"
    assert {h.doc_id for h in retriever.search("河", 5, "hybrid", collections=["geo"])} == {"river"}
    assert store.remove("panda")
    assert "panda" not in {h.doc_id for h in retriever.search("熊猫吃竹子", 5, "hybrid")}
    assert store.passages.count() == 2  # its passages left Milvus too
    stats = milvus_stats.read(store._db, fake_embedder.dim)
    assert stats.passages == 2 and {lang: s.count for lang, s in stats.langs.items()} == {"zh": 1, "en": 1}
    left = store.chunks()
    vectors = fake_embedder.embed_passages([c.text for c in left if c.lang == "zh"])
    assert np.allclose(stats.langs["zh"].sum, vectors.sum(axis=0), atol=1e-5)


def test_a_commit_that_fails_after_writing_milvus_leaves_the_last_version_whole(store, fake_embedder):
    store.add([entry(fake_embedder, "river", "geo", ["长江是最长的河流"])])

    def crash(db: object) -> None:
        raise RuntimeError("the process died here")

    doomed = entry(fake_embedder, "panda", "zoo", ["熊猫吃竹子的河边", "熊猫睡觉"])
    with pytest.raises(RuntimeError):
        store.add([doomed], before_commit=crash)
    assert store.passages.count() == 3  # its passages reached Milvus, at the next generation
    retriever = searcher(store, fake_embedder)
    assert {h.doc_id for h in retriever.search("熊猫吃竹子", 5, "hybrid")} == {"river"}
    # the next commit takes the same generation and the first of the same ids: what the crashed
    # one left past them must not become visible with it
    store.add([entry(fake_embedder, "bamboo", "zoo", ["竹子长得快"])])
    assert {r["doc_id"] for r in store.passages.fetch(store.chunk_ids(), ["doc_id"]).values()} == {
        "river",
        "bamboo",
    }
    assert store.passages.count() == 2


def test_renaming_a_collection_moves_its_passages(store, fake_embedder):
    store.add([entry(fake_embedder, "panda", "zoo", ["熊猫吃竹子的河边"])])
    assert store.rename_collection("zoo", "animals") == 1
    retriever = searcher(store, fake_embedder)
    assert [h.doc_id for h in retriever.search("熊猫", 5, "hybrid", collections=["animals"])] == ["panda"]
    assert not retriever.search("熊猫", 5, "hybrid", collections=["zoo"])


def test_questions_while_two_writers_add(store, fake_embedder):
    retriever = searcher(store, fake_embedder)
    store.add([entry(fake_embedder, "seed", "zoo", ["熊猫"])])
    failures: list[BaseException] = []
    done = threading.Event()

    def add(first: int) -> None:
        try:
            for i in range(first, first + 4):
                store.add([entry(fake_embedder, f"doc{i}", "zoo", [f"第{i}条河流", f"river number {i}"])])
        except BaseException as exc:
            failures.append(exc)

    def ask() -> None:
        while not done.is_set():
            try:
                retriever.search("河流", 5, "hybrid", collections=["zoo"])
            except BaseException as exc:
                failures.append(exc)
                return

    writers = [threading.Thread(target=add, args=(first,)) for first in (0, 100)]
    asker = threading.Thread(target=ask)
    for thread in (*writers, asker):
        thread.start()
    for thread in writers:
        thread.join(timeout=300)
    done.set()
    asker.join(timeout=60)
    assert not failures, failures
    assert store.passages.count() == len(store.chunk_ids()) == 17


def test_check_compares_the_rows_with_what_milvus_holds(store, fake_embedder):
    store.add([entry(fake_embedder, "panda", "zoo", ["熊猫吃竹子的河边", "Pandas eat bamboo"])])
    store.add([entry(fake_embedder, "river", "geo", ["长江是最长的河流"])])
    assert store.remove("panda")
    store.add([entry(fake_embedder, "tea", "geo", ["龙井茶产自杭州"])])
    assert [f for f in check_library(store) if f.kind == "mismatch"] == []  # the index files are empty
    lost = store.chunk_ids()[0]
    store.passages.delete([lost])  # a passage gone from Milvus behind the library's back
    found = [f.detail for f in check_library(store) if f.kind == "mismatch"]
    assert len(found) == 1 and "holds 1 passages" in found[0] and "1 chunks without a passage" in found[0]
    store._db.execute("UPDATE milvus_langs SET count = count + 1 WHERE lang = 'zh'")
    store._db.commit()
    found = [f.detail for f in check_library(store) if f.kind == "mismatch"]
    assert (
        len(found) == 2
        and "sums count 2 passages {'en': 1, 'zh': 2}, the rows 2 {'en': 1, 'zh': 1}" in found[1]
    )


def test_a_backup_holds_the_passages_milvus_keeps(store, fake_embedder, tmp_path):
    store.add([entry(fake_embedder, "panda", "zoo", ["熊猫吃竹子的河边", "Pandas eat bamboo"])])
    store.add([entry(fake_embedder, "river", "geo", ["长江是最长的河流"])])
    assert store.remove("panda")
    store.add([entry(fake_embedder, "tea", "geo", ["龙井茶产自杭州"])])
    copied = backup(store, tmp_path / "users.json", tmp_path / "backup")
    restored = restore(tmp_path / "backup", tmp_path / "restored", tmp_path / "restored-users.json")
    assert restored.documents == copied.documents == 2
    local = Store(tmp_path / "restored", fake_embedder.name, fake_embedder.dim)
    assert local.index_kind() == "local"
    assert [f for f in check_library(local) if f.kind != "missing_original"] == []  # (no files added)
    assert local.indexes().vectors_by_id().keys() == set(local.chunk_ids())
    hits = Retriever(local, fake_embedder).search("长江是最长的河流", 1, "dense")
    assert [h.doc_id for h in hits] == ["river"]
    manifest = json.loads((tmp_path / "backup" / "backup.json").read_text())
    assert manifest["milvus"] == {"collection": "lib", "passages": 2, "restored_as": "local"}
