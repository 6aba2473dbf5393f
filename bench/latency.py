"""python -m bench latency: search time as the library grows to 100,000 chunks.

Synthetic libraries: passage text drawn from jieba's dictionary (Chinese) and a word list
(English), random unit vectors; the question embedding, both legs, calibration and fusion
are the product's own, timed end to end for each question.
"""

import tempfile
import time
from pathlib import Path

import jieba
import numpy as np

from bench.metrics import percentile
from ingest.embed import Embedder
from ingest.records import Chunk, Document, Page
from ingest.store import Entry, Store
from rag.dense import QUESTIONS
from rag.retrieve import Retriever

ENGLISH = (
    "report revenue growth market company policy river city system data model energy water "
    "school health research project budget contract customer product service network design"
).split()
PER_DOC = 100


def words(rng: np.random.Generator) -> list[str]:
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    chinese = [line.split()[0] for line in dictionary.read_text(encoding="utf-8").splitlines()[::40]]
    return [str(w) for w in rng.choice(chinese, 3000)]


def synthetic_entries(count: int, dim: int, seed: int = 0) -> list[Entry]:
    rng = np.random.default_rng(seed)
    vocabulary = words(rng)
    entries = []
    for d in range(0, count, PER_DOC):
        doc = f"doc{d // PER_DOC:05d}"
        chunks = []
        for i in range(min(PER_DOC, count - d)):
            zh = (d + i) % 2 == 0
            text = "".join(rng.choice(vocabulary, 60)) if zh else " ".join(rng.choice(ENGLISH, 60))
            chunks.append(Chunk(f"{doc}-{i}", doc, i, 1, 1, 0, len(text), text, "zh" if zh else "en", 60))
        vectors = rng.normal(size=(len(chunks), dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        document = Document(doc, doc, 1, len(chunks), "zh+en", "", 0)
        entries.append(Entry(document, [Page(1, "", "text")], chunks, vectors))
    return entries


def measure(embedder: Embedder, sizes: list[int], queries: int) -> list[dict[str, float]]:
    questions = [
        line.strip()
        for path in sorted(QUESTIONS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ][:queries]
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            store = Store(Path(folder), embedder.name, embedder.dim)
            start = time.perf_counter()
            entries = synthetic_entries(size, embedder.dim)
            for first in range(0, len(entries), 100):
                store.add(entries[first : first + 100])
            build = time.perf_counter() - start
            retriever = Retriever(store, embedder)
            start = time.perf_counter()
            retriever.view()
            view = time.perf_counter() - start
            latencies = []
            for question in questions:
                start = time.perf_counter()
                retriever.search(question, k=5)
                latencies.append(1000 * (time.perf_counter() - start))
            rows.append({
                "chunks": size, "p50_ms": round(percentile(latencies, 50), 1),
                "p95_ms": round(percentile(latencies, 95), 1), "build_s": round(build, 1),
                "view_s": round(view, 2), "queries": len(questions),
            })  # fmt: skip
    return rows


def render(rows: list[dict[str, float]]) -> str:
    base = rows[0]["p50_ms"] if rows else 1.0
    lines = [f"{'chunks':>8} {'p50 ms':>8} {'p95 ms':>8} {'x p50@first':>12} {'view s':>7} {'build s':>8}"]
    for r in rows:
        lines.append(
            f"{r['chunks']:>8} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p50_ms'] / base:>12.2f} "
            f"{r['view_s']:>7} {r['build_s']:>8}"
        )
    return "\n".join(lines)
