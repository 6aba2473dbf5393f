"""python -m bench retrieval: the product's retrieval and its baselines on BEIR-style sets.

Each corpus document goes through the real ingestion path (language detection, chunking,
embedding, both indexes on disk) into a temporary library; every query is searched; a query
is a hit at k when one of the top k passages belongs to a gold document.
"""

import hashlib
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.metrics import first_gold, ndcg, percentile
from ingest.embed import Embedder, embed_query
from ingest.migrate import to_milvus
from ingest.milvus import Passages
from ingest.pipeline import prepare
from ingest.records import Chunk, Document, Page
from ingest.settings import Settings
from ingest.store import Entry, Store
from rag.milvus_engine import MilvusEngine
from rag.retrieve import MODES, Retriever

BENCH_MODES = (*MODES, "naive")
NAIVE_SIZE, NAIVE_OVERLAP = 1000, 200  # what common RAG stacks do by default: characters, no language
BATCH = 64


@dataclass(frozen=True)
class BeirSet:
    name: str
    corpus: list[dict]
    queries: list[dict]
    qrels: dict[str, set[str]]


def read_beir(folder: Path) -> BeirSet:
    """corpus.jsonl, queries.jsonl and qrels.tsv (with a header line) from `folder`."""
    files = [folder / name for name in ("corpus.jsonl", "queries.jsonl", "qrels.tsv")]
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise ValueError(f"{folder} is not a BEIR-style folder: missing {', '.join(missing)}")
    corpus, queries = (
        [json.loads(line) for line in f.open(encoding="utf-8") if line.strip()] for f in files[:2]
    )
    qrels: dict[str, set[str]] = {}
    for line in files[2].read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) >= 2 and (len(fields) < 3 or float(fields[2]) > 0):
            qrels.setdefault(fields[0], set()).add(fields[1])
    return BeirSet(folder.name, corpus, queries, qrels)


def doc_id(corpus_id: str) -> str:
    return hashlib.sha256(corpus_id.encode()).hexdigest()[:16]


def ingest(store: Store, embedder: Embedder, corpus: list[dict], settings: Settings, naive: bool) -> float:
    """Seconds to put every corpus document into the store, BATCH documents per commit."""
    start = time.perf_counter()
    for first in range(0, len(corpus), BATCH):
        store.add([entry(row, embedder, settings, naive) for row in corpus[first : first + BATCH]])
    return time.perf_counter() - start


def entry(row: dict, embedder: Embedder, settings: Settings, naive: bool) -> Entry:
    """One corpus document as the product ingests it (or as the naive baseline does)."""
    identifier, text = doc_id(row["_id"]), row["text"]
    if naive:
        return naive_entry(identifier, row["_id"], text, embedder)
    pages = [Page(1, text, "text")]
    size = len(text.encode())
    chunking = (settings.chunk_tokens, settings.chunk_overlap, settings.embed_batch)
    return prepare(identifier, row["_id"], size, pages, embedder, *chunking)


def naive_entry(identifier: str, name: str, text: str, embedder: Embedder) -> Entry:
    """Fixed 1,000-character windows with 200 characters of overlap."""
    chunks = []
    for i, s in enumerate(range(0, max(len(text) - NAIVE_OVERLAP, 1), NAIVE_SIZE - NAIVE_OVERLAP)):
        end = min(s + NAIVE_SIZE, len(text))
        chunks.append(Chunk(f"{identifier}-{i}", identifier, i, 1, 1, s, end, text[s:end], "", 0))
    vectors = embedder.embed_passages([c.text for c in chunks])
    document = Document(identifier, name, 1, len(chunks), "", "", len(text))
    return Entry(document, [Page(1, text, "text")], chunks, vectors)


def asked(queries: list[dict]) -> tuple[list[dict], int]:
    """The queries with a question, and how many were skipped for an empty text (real data
    sets hold such rows; one must not stop the whole run)."""
    kept = [q for q in queries if str(q.get("text") or "").strip()]
    return kept, len(queries) - len(kept)


def evaluate(search: Callable[[str], list[str]], bench: BeirSet, limit: int | None) -> dict[str, float]:
    """Metrics over the queries (the first `limit` of them) given a query -> ranked corpus ids."""
    queries, skipped = asked([q for q in bench.queries if q["_id"] in bench.qrels])
    queries = queries[:limit]
    ranks, ndcgs, latencies = [], [], []
    for query in queries:
        start = time.perf_counter()
        ranked = search(query["text"])
        latencies.append(1000 * (time.perf_counter() - start))
        gold = bench.qrels[query["_id"]]
        ranks.append(first_gold(ranked, gold, 10))
        ndcgs.append(ndcg(ranked, gold, 10))
    n = max(len(queries), 1)
    return {
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "hit@10": sum(r is not None for r in ranks) / n,
        "mrr@10": sum(1 / r for r in ranks if r) / n,
        "ndcg@10": sum(ndcgs) / n,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "queries": len(queries),
        "skipped": skipped,
    }


def run(
    folders: list[Path],
    distractors: list[Path],
    modes: list[str],
    settings: Settings,
    embedder: Embedder,
    limit: int | None = None,
) -> list[dict[str, object]]:
    """One result row per folder and mode, all modes on the same embedder in this run."""
    extra = [dict(row, _id=f"{d.name}/{row['_id']}") for d in distractors for row in read_beir(d).corpus]
    results: list[dict[str, object]] = []
    for folder in folders:
        bench = read_beir(folder)
        corpus = bench.corpus + extra
        names = {doc_id(row["_id"]): row["_id"] for row in corpus}
        for naive in sorted({m == "naive" for m in modes}):
            with tempfile.TemporaryDirectory() as data_dir:
                store = Store(Path(data_dir), embedder.name, embedder.dim)
                seconds = ingest(store, embedder, corpus, settings, naive)
                local = Retriever(store, embedder)
                local.view()  # built once per library version, not per query
                engines, engine = [("local", local)], None
                if settings.index == "milvus" and not naive:  # the same library, searched in Milvus too
                    engine = milvus_bench_engine(store, embedder, settings, bench.name)
                    engines.append(("milvus", Retriever(store, embedder, engine=engine)))
                    engine.snapshot().close()  # its calibration: once per library version
                for mode in [m for m in modes if (m == "naive") == naive]:
                    for index, retriever in engines:
                        search = (
                            _naive_search(store, embedder, names)
                            if naive
                            else _search(retriever, mode, names)
                        )
                        row = {
                            "dir": bench.name,
                            "mode": mode,
                            "index": index,
                            **evaluate(search, bench, limit),
                        }
                        row.update(
                            ingest_s=round(seconds, 2), chunks=len(store.chunk_ids()), docs=len(corpus)
                        )
                        results.append(row)
                if engine is not None:
                    engine.passages.drop()
                    engine.passages.close()
    return results


def milvus_bench_engine(store: Store, embedder: Embedder, settings: Settings, name: str) -> MilvusEngine:
    """The library just built, copied into Milvus (RAG_MILVUS_URI; a collection per set)."""
    collection = "bench_" + "".join(c if c.isalnum() else "_" for c in name)
    passages = Passages.open(settings.milvus_address, settings.milvus_token, collection, store.dim)
    passages.drop()
    passages = Passages(passages.client, collection, store.dim)
    to_milvus(store, passages)
    return MilvusEngine(store, embedder, passages, settings.milvus_keywords)


def _search(retriever: Retriever, mode: str, names: dict[str, str]) -> Callable[[str], list[str]]:
    def search(text: str) -> list[str]:
        return [names[h.doc_id] for h in retriever.search(text, 10, mode)]  # type: ignore[arg-type]

    return search


def _naive_search(store: Store, embedder: Embedder, names: dict[str, str]) -> Callable[[str], list[str]]:
    segments = store.indexes().segments()  # a fresh library: nothing removed
    matrix, ids = np.concatenate([s.vectors for s in segments]), np.concatenate([s.ids for s in segments])
    docs = {i: c.doc_id for i, c in store.chunks_by_id(store.chunk_ids()).items()}

    def search(text: str) -> list[str]:
        scores = matrix @ embed_query(embedder, text).astype(np.float32)  # unit vectors: cosine
        return [names[docs[int(ids[i])]] for i in np.argsort(-scores, kind="stable")[:10]]

    return search


def render(results: list[dict[str, object]]) -> str:
    columns = ("hit@1", "hit@5", "hit@10", "mrr@10", "ndcg@10")
    index = any(r.get("index") == "milvus" for r in results)  # a column only where two indexes ran
    head = f"{'set':<16}{'mode':<9}" + (f"{'index':<8}" if index else "")
    lines = [head + "".join(f"{c:>8}" for c in columns) + "   p50ms   p95ms  ingest_s"]
    for r in results:
        metrics = "".join(f"{r[c]:>8.3f}" for c in columns)
        name = f"{r['dir']:<16}{r['mode']:<9}" + (f"{r.get('index', 'local'):<8}" if index else "")
        lines.append(f"{name}{metrics}{r['p50_ms']:>8.1f}{r['p95_ms']:>8.1f}{r['ingest_s']:>10}")
    return "\n".join(lines)
