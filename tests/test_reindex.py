"""ingest reindex: under the write lock, in batches, and noticed by a running app."""

import shutil
import threading

import faiss
import numpy as np
import pytest

from ingest.errors import ModelMismatch
from ingest.keywords import KeywordIndex
from ingest.store import Store
from rag.retrieve import Retriever
from tests.test_snapshot import DOCS, add

pytestmark = pytest.mark.integration  # real index files on disk


def test_reembedding_runs_in_batches_under_the_write_lock(tmp_path, fake_embedder):
    store = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    for name, text in DOCS.items():
        add(store, fake_embedder, name, text)
    batches: list[int] = []
    locked: list[bool] = []
    probe = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)  # another writer

    def embed(ids: list[int], texts: list[str]) -> np.ndarray:
        batches.append(len(texts))
        attempt = threading.Thread(target=lambda: probe.rename_collection("x", "y"))
        attempt.start()
        attempt.join(1)
        locked.append(attempt.is_alive())  # another writer waits while the re-embedding runs
        return fake_embedder.embed_passages(texts)

    count = len(store.chunk_ids())
    assert store.reembed(embed, batch=1) == count
    assert batches == [1] * count and all(locked)
    assert store.indexes().count == count
    hits = Retriever(store, fake_embedder).search("长江是中国最长的河流", k=1)
    assert hits[0].doc == "river"


def test_a_running_app_notices_a_reindex_with_another_model(tmp_path, fake_embedder):
    store = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    add(store, fake_embedder, "river", DOCS["river"])
    retriever = Retriever(store, fake_embedder)
    assert retriever.search("长江", k=1)[0].doc == "river"
    other = Store.unchecked(tmp_path / "lib", "another-model", fake_embedder.dim)
    other.reembed(lambda ids, texts: fake_embedder.embed_passages(texts))
    with pytest.raises(ModelMismatch, match="another-model"):
        retriever.search("长江", k=1)  # not an answer from vectors of a model it does not run


def test_a_library_from_before_segments_is_read_and_rewritten_by_its_next_commit(tmp_path, fake_embedder):
    store = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    for name in ("river", "capital"):
        add(store, fake_embedder, name, DOCS[name])
    generation, segments = store.generation(), store.indexes().segments()
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(fake_embedder.dim))  # the old layout's two files
    keywords = KeywordIndex.empty()
    for segment in segments:
        index.add_with_ids(segment.vectors, segment.ids)
        keywords = keywords.extend(segment.keywords)
    faiss.write_index(index, str(tmp_path / "lib" / f"index-{generation}.faiss"))
    keywords.write(str(tmp_path / "lib" / f"keywords-{generation}.npz"))
    shutil.rmtree(tmp_path / "lib" / "index")
    old = Store(tmp_path / "lib", fake_embedder.name, fake_embedder.dim)
    assert Retriever(old, fake_embedder).search("长江是中国最长的河流", k=1)[0].doc == "river"
    add(old, fake_embedder, "notes", DOCS["notes"])
    assert not list((tmp_path / "lib").glob("index-*")) and not list((tmp_path / "lib").glob("keywords-*"))
    assert old.indexes().count == len(old.chunk_ids())
    assert Retriever(old, fake_embedder).search("长江是中国最长的河流", k=1)[0].doc == "river"
