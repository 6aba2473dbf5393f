"""python -m rag bench answers: how often answers contain the gold answer, cite gold passages,
and speak the question's language, on SQuAD-style BEIR sets (queries carry `answers`)."""

import re
import tempfile
import time
import unicodedata
from pathlib import Path

from ingest.embed import Embedder
from ingest.lang import detect_lang
from ingest.settings import Settings
from ingest.store import Store
from rag.answer import answer
from rag.bench import ingest, read_beir
from rag.llm import ChatModel
from rag.metrics import percentile
from rag.retrieve import Retriever

PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, no punctuation or spaces: '１,２００ Km' -> '1200km'."""
    return PUNCTUATION.sub("", unicodedata.normalize("NFKC", text).lower())


def run(
    folders: list[Path], settings: Settings, embedder: Embedder, llm: ChatModel | None, limit: int | None
) -> list[dict[str, object]]:
    results: list[dict[str, object]] = []
    for folder in folders:
        bench = read_beir(folder)
        queries = [q for q in bench.queries if q.get("answers") and q["_id"] in bench.qrels][:limit]
        with tempfile.TemporaryDirectory() as data_dir:
            store = Store(Path(data_dir), embedder.name, embedder.dim)
            ingest(store, embedder, bench.corpus, settings, naive=False)
            names = {d.doc_id: d.name for d in store.documents()}
            retriever = Retriever(store, embedder)
            contains = language = cited_gold = cited = 0
            latencies = []
            mode = "llm" if llm else "extractive"
            for query in queries:
                start = time.perf_counter()
                final = answer(query["text"], retriever, llm, k=settings.top_k)
                latencies.append(1000 * (time.perf_counter() - start))
                mode = final.mode
                text = normalize(final.text)
                contains += any(normalize(a) and normalize(a) in text for a in query["answers"])
                language += detect_lang(final.text) == query.get("lang", "").split("-")[0]
                for c in final.citations:
                    if c.cited:
                        cited += 1
                        cited_gold += names.get(c.doc_id) in bench.qrels[query["_id"]]
            n = max(len(queries), 1)
            results.append({
                "dir": bench.name, "mode": mode, "queries": len(queries),
                "answer_contains_gold": contains / n, "citation_precision": cited_gold / max(cited, 1),
                "language_match": language / n, "p50_ms": percentile(latencies, 50),
                "p95_ms": percentile(latencies, 95),
            })  # fmt: skip
    return results


def render(results: list[dict[str, object]]) -> str:
    lines = [f"{'set':<16}{'mode':<12}{'queries':>8}{'contains':>10}{'cite_prec':>10}{'lang':>7}{'p50ms':>8}"]
    for r in results:
        lines.append(
            f"{r['dir']:<16}{r['mode']:<12}{r['queries']:>8}{r['answer_contains_gold']:>10.3f}"
            f"{r['citation_precision']:>10.3f}{r['language_match']:>7.3f}{r['p50_ms']:>8.0f}"
        )
    return "\n".join(lines)
