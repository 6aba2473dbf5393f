"""python -m bench answers: how often answers contain the gold answer, cite gold passages,
speak the question's language, and decline when the library does not hold the answer, on
SQuAD-style BEIR sets (queries carry `answers`). A query with no answers and no qrels is
unanswerable: its right outcome is a decline."""

import re
import tempfile
import time
import unicodedata
from pathlib import Path

from bench.metrics import percentile
from bench.retrieval import asked, ingest, read_beir
from ingest.embed import Embedder
from ingest.lang import detect_lang
from ingest.settings import Settings
from ingest.store import Store
from rag.answer import answer
from rag.llm import ChatModel
from rag.retrieve import Retriever

PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, no punctuation or spaces: '１,２００ Km' -> '1200km'."""
    return PUNCTUATION.sub("", unicodedata.normalize("NFKC", text).lower())


def contains_gold(text: str, answers: list[str]) -> bool:
    normalized = normalize(text)
    return any(normalize(a) and normalize(a) in normalized for a in answers)


def run(
    folders: list[Path], settings: Settings, embedder: Embedder, llm: ChatModel | None, limit: int | None
) -> list[dict[str, object]]:
    results: list[dict[str, object]] = []
    for folder in folders:
        bench = read_beir(folder)
        queries, skipped = asked(bench.queries)
        queries = queries[:limit]
        with tempfile.TemporaryDirectory() as data_dir:
            store = Store(Path(data_dir), embedder.name, embedder.dim)
            ingest(store, embedder, bench.corpus, settings, naive=False)
            names = {d.doc_id: d.name for d in store.documents()}
            retriever = Retriever(store, embedder)
            contains = language = cited_gold = cited = found = answerable = declined_right = 0
            latencies = []
            mode = "llm" if llm else "extractive"
            for query in queries:
                start = time.perf_counter()
                final = answer(query["text"], retriever, llm, k=settings.top_k)
                latencies.append(1000 * (time.perf_counter() - start))
                mode = final.mode
                found += final.found
                gold_docs = bench.qrels.get(query["_id"], set())
                if query.get("answers") or gold_docs:
                    answerable += 1
                    contains += contains_gold(final.text, query.get("answers") or [])
                else:
                    declined_right += not final.found
                language += detect_lang(final.text) == query.get("lang", "").split("-")[0]
                for c in final.citations:
                    if c.cited and gold_docs:
                        cited += 1
                        cited_gold += names.get(c.doc_id) in gold_docs
            n = max(len(queries), 1)
            unanswerable = len(queries) - answerable
            results.append({
                "dir": bench.name, "mode": mode, "queries": len(queries), "skipped": skipped,
                "answerable": answerable, "found_rate": found / n,
                "answer_contains_gold": contains / answerable if answerable else None,
                "declined_unanswerable": declined_right / unanswerable if unanswerable else None,
                "citation_precision": cited_gold / cited if cited else None,
                "language_match": language / n, "p50_ms": percentile(latencies, 50),
                "p95_ms": percentile(latencies, 95),
            })  # fmt: skip
    return results


def render(results: list[dict[str, object]]) -> str:
    columns = ("found_rate", "answer_contains_gold", "citation_precision", "language_match")
    head = f"{'set':<20}{'mode':<12}{'queries':>8}{'skipped':>8}{'found':>7}{'contains':>10}{'cite_prec':>10}"
    lines = [head + f"{'lang':>7}{'p50ms':>8}"]
    for r in results:
        metrics = "".join(
            f"{'-':>{w}}" if r[c] is None else f"{r[c]:>{w}.3f}"
            for c, w in zip(columns, (7, 10, 10, 7), strict=True)
        )
        lines.append(
            f"{r['dir']:<20}{r['mode']:<12}{r['queries']:>8}{r['skipped']:>8}{metrics}{r['p50_ms']:>8.0f}"
        )
    return "\n".join(lines)
