"""python -m bench latency: search, commit and memory as the library grows.

For each size a synthetic library (bench/synthetic.py: real short texts in Chinese and
English, synthetic vectors) is written through the store's commit path in large batches,
then a fresh process opens it as the product does and measures: searches (the product's
hybrid search, top 10, real question texts with synthetic vectors), the commit of one
20-passage document, the first question after it, the resident memory that library added
to the process, and recall@10 of the dense leg against exact search by brute force
(bench/exact.py) over the same vectors, with and without a visibility mask.
"""

import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from bench.exact import ExactDense, overlap, prototypes
from bench.metrics import percentile
from bench.synthetic import DIM, Space, SyntheticEmbedder, chinese_words, document, lang_of, library
from ingest.store import Entry, Store
from rag.dense import QUESTIONS
from rag.local import LocalEngine
from rag.retrieve import Retriever

VECTORS = "synthetic: language direction + shared topic + noise (bench/synthetic.py); texts real words"
QUESTION_VECTORS = "real question texts (rag/questions), vectors from the same synthetic space"
ADDED = 20  # passages of the document whose commit is timed
RECALL_QUESTIONS = 20


def measure(
    sizes: list[int], queries: int = 60, isolate: bool = True, dim: int = DIM
) -> list[dict[str, Any]]:
    """One row per size. `isolate`: build and measure each library in a fresh process, so
    memory_mb is that library's alone (tests measure in-process)."""
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="docqa-latency-") as folder:
            start = time.perf_counter()
            in_process(build, isolate)(Path(folder), size, dim)
            build_s = time.perf_counter() - start
            row = in_process(measure_library, isolate)(Path(folder), size, queries, dim)
            rows.append(row | {"build_s": round(build_s, 1)})
    return rows


def build(folder: Path, size: int, dim: int) -> None:
    """The library of `size` passages through the real commit path, in batches of 20,000, or
    of a twentieth of the library past 400,000 (each commit of today's engine rewrites it all)."""
    store = Store(folder, f"synthetic-{dim}", dim)
    for entries in library(size, Space(dim), batch=max(20_000, size // 20)):
        store.add(entries)
    store.close()


def measure_library(folder: Path, size: int, queries: int, dim: int) -> dict[str, Any]:
    space = Space(dim)
    embedder = SyntheticEmbedder(space)
    questions = question_texts(queries)
    warm(embedder, questions)
    base = resident_mb()
    store = Store(folder, embedder.name, embedder.dim)
    engine = LocalEngine(store, embedder)
    retriever = Retriever(store, embedder, engine=engine)
    start = time.perf_counter()
    retriever.search(questions[0], k=10)  # opens the library: its indexes and dense view
    open_ms = ms(start)
    latencies = []
    for question in questions:
        start = time.perf_counter()
        retriever.search(question, k=10)
        latencies.append(ms(start))
    rng = np.random.default_rng(size)
    added = document("added", ADDED, space, rng, chinese_words(rng))
    start = time.perf_counter()
    if store.add([added]) != [True]:
        raise RuntimeError("the timed document was not stored")
    commit_ms = ms(start)
    start = time.perf_counter()
    retriever.search(questions[1 % len(questions)], k=10)
    first_query_ms = ms(start)
    memory_mb = resident_mb() - base
    recall = recall_at_10(retriever, embedder, size, added)
    with engine.snapshot() as snapshot:  # whether a language group was searched by its clusters
        approximate = snapshot.state.probe.approximate
    return {
        "chunks": size, "search_p50_ms": round(percentile(latencies, 50), 1),
        "search_p95_ms": round(percentile(latencies, 95), 1), "commit_ms": round(commit_ms, 1),
        "first_query_ms": round(first_query_ms, 1), "recall@10": round(recall, 4),
        "memory_mb": round(memory_mb, 1), "open_ms": round(open_ms, 1), "queries": len(questions),
        "approximate": approximate,
    }  # fmt: skip


def recall_at_10(retriever: Retriever, embedder: SyntheticEmbedder, size: int, added: Entry) -> float:
    """Mean overlap of the engine's dense top 10 with the exact top 10, half the questions
    over the whole library, half over a tenth of its documents."""
    ids, langs, blocks = [], [], []
    for entries in [*library(size, embedder.space), [added]]:  # the same seed: the same vectors
        for e in entries:
            ids += [c.chunk_id for c in e.chunks]
            langs += [c.lang for c in e.chunks]
            blocks.append(e.vectors)
    exact = ExactDense(np.concatenate(blocks), langs, prototypes(embedder))
    docs = np.array([i.rsplit("-", 1)[0] for i in ids])
    names = np.unique(docs)
    rng = np.random.default_rng(0)
    scores = []
    for n, question in enumerate(question_texts(RECALL_QUESTIONS)):
        query, lang = embedder.embed_queries([question])[0], lang_of(question)
        visible = frozenset(rng.choice(names, max(1, len(names) // 10)).tolist()) if n % 2 else None
        allowed = np.isin(docs, list(visible)) if visible is not None else None
        with retriever.engine.snapshot() as snapshot:
            found = snapshot.dense(query, lang, 10, visible)
            got = [c.chunk_id for c in snapshot.chunks(list(found)).values()]
        scores.append(overlap(got, [ids[i] for i in exact.top(query, lang, 10, allowed)]))
    return float(np.mean(scores))


def warm(embedder: SyntheticEmbedder, questions: list[str]) -> None:
    """Load what every library needs (jieba, the dictionary of translations, the stemmer) on
    an empty one, so that neither memory_mb nor the first search counts it."""
    with tempfile.TemporaryDirectory(prefix="docqa-warm-") as folder:
        store = Store(Path(folder), embedder.name, embedder.dim)
        rng = np.random.default_rng(1)
        store.add([document("warm", 4, embedder.space, rng, chinese_words(rng))])
        retriever = Retriever(store, embedder)
        for question in questions[:2]:
            retriever.search(question, k=10)
        store.close()


def question_texts(count: int) -> list[str]:
    """Real questions, Chinese and English alternating."""
    by_lang = [
        [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for path in sorted(QUESTIONS.glob("*.txt"))
    ]
    mixed = [q for pair in zip(*by_lang, strict=False) for q in pair]
    return (mixed * (count // max(1, len(mixed)) + 1))[:count]


def in_process(function: Callable[..., Any], isolate: bool) -> Callable[..., Any]:
    """`function` run here, or in a fresh spawned process (its memory returned on exit)."""
    if not isolate:
        return function

    def spawned(*args: Any) -> Any:
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            return pool.submit(function, *args).result()

    return spawned


def resident_mb() -> float:
    """This process's resident memory (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def ms(start: float) -> float:
    return 1000 * (time.perf_counter() - start)


def render(rows: list[dict[str, Any]]) -> str:
    base = rows[0] if rows else {}
    lines = [
        f"{'chunks':>8} {'p50 ms':>7} {'p95 ms':>7} {'commit ms':>9} {'x commit':>8} "
        f"{'1st q ms':>8} {'recall@10':>9} {'MB':>7} {'build s':>7}"
    ]
    for r in rows:
        lines.append(
            f"{r['chunks']:>8} {r['search_p50_ms']:>7} {r['search_p95_ms']:>7} {r['commit_ms']:>9} "
            f"{r['commit_ms'] / max(base['commit_ms'], 1e-9):>8.2f} {r['first_query_ms']:>8} "
            f"{r['recall@10']:>9} {r['memory_mb']:>7} {r['build_s']:>7}"
        )
    return "\n".join([*lines, f"vectors: {VECTORS}", f"questions: {QUESTION_VECTORS}"])
