"""Question -> hits: the dense leg (fair across languages) and the keyword leg (BM25), fused,
with passages from the same region merged and an optional cross-encoder on top."""

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from ingest.embed import Embedder, embed_query
from ingest.lang import detect_lang
from ingest.library import open_library
from ingest.milvus_store import MilvusStore
from ingest.records import Chunk
from ingest.settings import Settings
from ingest.store import Store
from rag.aliases import with_aliases
from rag.dense import DenseView
from rag.engine import Engine, Snapshot, Visible
from rag.local import LocalEngine
from rag.milvus_engine import MilvusEngine
from rag.rerank import RerankerUnavailable, reranker_of
from rag.translate import chinese_terms, english_terms, english_to_chinese

Mode = Literal["hybrid", "dense", "keyword"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "keyword")
POOL = 50  # candidates each leg brings to the fusion
DENSE_WEIGHT = 0.5  # measured on the shared benchmarks: see README, Retrieval
# Across languages only names and numbers can match as keywords: weak evidence, which at
# full weight hurt English questions over Chinese libraries (MRR@10 0.85 -> 0.80).
CROSS_LANGUAGE_KEYWORDS = 0.1
# English questions also search Chinese passages by dictionary translations of their words
# (rag/translate.py): measured on xquad_en2zh in a mixed library, hit@5 0.806 -> 0.861.
TRANSLATED_WEIGHT = 0.4
WIDE_POOL = 2000


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with where it stands: document, page span, offsets on the page."""

    chunk_id: str
    doc_id: str
    doc: str
    page: int
    page_end: int
    start: int
    end: int
    text: str
    lang: str
    score: float
    place: str = ""  # a slide, a sheet's rows, a heading; empty where the page is the place


class Reranker(Protocol):
    def rerank(self, query: str, texts: list[str]) -> list[float]: ...


class Retriever:
    """Searches one library; each search reads one snapshot of one committed version."""

    def __init__(
        self, store: Store, embedder: Embedder, reranker: Reranker | None = None, engine: Engine | None = None
    ) -> None:
        self.store, self.embedder, self.reranker = store, embedder, reranker
        self.engine: Engine = engine or LocalEngine(store, embedder)

    def search(
        self,
        query: str,
        k: int = 5,
        mode: Mode = "hybrid",
        doc_ids: list[str] | None = None,
        collections: Collection[str] | None = None,
        notes: list[str] | None = None,
    ) -> list[Hit]:
        """The k best passages for `query`, best first. `doc_ids` limits the documents searched;
        `collections` limits them to those the asking user may see (None: no restriction).
        What the person should know about the search (a reranker that failed) goes to `notes`."""
        if not query.strip():
            raise ValueError("the question is empty")
        if k <= 0:
            raise ValueError(f"k must be > 0, got {k}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        lang = detect_lang(query)
        vector = embed_query(self.embedder, query) if mode != "keyword" else None
        with self.engine.snapshot() as snapshot:  # one version, from the first read to the last
            visible = _visible(snapshot, doc_ids, collections)
            every = snapshot.dense(vector, lang, WIDE_POOL, visible) if vector is not None else {}
            dense = dict(sorted(every.items(), key=lambda item: -item[1])[:POOL])
            keyword = snapshot.keyword(with_aliases(query), POOL, visible) if mode != "dense" else {}
            if mode == "hybrid":
                translated = _translated(snapshot, query, lang, visible)
                langs = snapshot.langs({*every, *keyword, *translated})
                fused = fuse(dense, keyword, lambda i: langs.get(i) == lang, translated)
                fused = interleave(fused, every, langs)
            else:
                fused = dense or keyword
            ranked = sorted(fused.items(), key=lambda item: -item[1])
            hits = _hits(snapshot, ranked[: max(k * 3, 20)], visible)
        if self.reranker and hits:
            try:
                scores = self.reranker.rerank(query, [h.text for h in hits])
            except RerankerUnavailable as exc:  # the fused order is a good order too
                (notes if notes is not None else []).append(str(exc))
            else:
                ranked_hits = sorted(zip(hits, scores, strict=True), key=lambda pair: -pair[1])
                hits = [replace(h, score=s) for h, s in ranked_hits]
        return hits[:k]

    def view(self) -> DenseView:
        """The dense view of the latest version (built once per version; benchmarks warm it)."""
        if not isinstance(self.engine, LocalEngine):
            raise TypeError(f"only the local engine has a dense view, not {type(self.engine).__name__}")
        with self.engine.snapshot() as snapshot:
            return snapshot.state.view


def _visible(snapshot: Snapshot, doc_ids: list[str] | None, collections: Collection[str] | None) -> Visible:
    """The documents a search may return: None when there is no restriction."""
    if collections is None:
        return None if doc_ids is None else frozenset(doc_ids)
    visible = snapshot.documents_in(collections)
    return visible if doc_ids is None else visible & frozenset(doc_ids)


def _translated(snapshot: Snapshot, query: str, lang: str, visible: Visible) -> dict[int, float]:
    """The keyword leg over the other language's passages, by the question's terms translated
    (English -> Chinese, Chinese -> English); a stray English word in a Chinese passage is no
    evidence, so only passages in the target language count."""
    target = {"en": "zh", "zh": "en"}.get(lang)
    groups = chinese_terms(query) if target == "zh" else english_terms(query) if target == "en" else []
    if not groups or target is None:
        return {}
    return snapshot.translated(groups, target, POOL, visible)


def _hits(snapshot: Snapshot, ranked: list[tuple[int, float]], visible: Visible) -> list[Hit]:
    chunks = snapshot.chunks([i for i, _ in ranked])
    names = snapshot.names({c.doc_id for c in chunks.values()})
    hits: list[Hit] = []
    for chunk_id, score in ranked:
        chunk = chunks.get(chunk_id)
        if chunk is None or (visible is not None and chunk.doc_id not in visible):
            continue  # the second test is a guard: the legs were already limited
        hit = to_hit(chunk, names.get(chunk.doc_id, chunk.doc_id), score)
        overlapping = [i for i, h in enumerate(hits) if same_region(h, hit)]
        if not overlapping:
            hits.append(hit)
            continue
        for i in overlapping:
            hit = _union(snapshot, hits[i], hit)  # the earlier (better) hit keeps its score
        hits[overlapping[0]] = hit
        hits = [h for i, h in enumerate(hits) if i not in overlapping[1:]]
    return hits


def _union(snapshot: Snapshot, kept: Hit, other: Hit) -> Hit:
    """One hit covering both passages (overlapping chunks of one page), at the better score."""
    start, end = min(kept.start, other.start), max(kept.end, other.end)
    return replace(kept, start=start, end=end, text=snapshot.page_text(kept.doc_id, kept.page)[start:end])


def open_retriever(settings: Settings) -> Retriever:
    """The library in settings, with the reranker named there, if any."""
    store, embedder = open_library(settings)
    reranker = reranker_of(settings)
    threading.Thread(target=english_to_chinese, daemon=True).start()  # ready by the first question
    if isinstance(store, MilvusStore):
        engine = MilvusEngine(store, embedder, store.passages, settings.milvus_keywords)
        return Retriever(store, embedder, reranker, engine=engine)
    return Retriever(
        store, embedder, reranker, engine=LocalEngine(store, embedder, settings.approximate_from)
    )


def fuse(
    dense: dict[int, float],
    keyword: dict[int, float],
    same_language: Callable[[int], bool],
    translated: dict[int, float] | None = None,
) -> dict[int, float]:
    """Weighted sum of each leg's scores, min-max scaled over that leg's candidates; keyword
    matches in another language than the question's count for little, matches of the
    question's translated terms count as evidence in the passage's own language."""
    fused: dict[int, float] = {}
    legs = ((DENSE_WEIGHT, dense), (1 - DENSE_WEIGHT, keyword), (TRANSLATED_WEIGHT, translated or {}))
    for weight, leg in legs:
        if not leg:
            continue
        low, high = min(leg.values()), max(leg.values())
        for chunk_id, score in leg.items():
            scaled = (score - low) / (high - low) if high > low else 1.0
            if leg is keyword and not same_language(chunk_id):
                scaled *= CROSS_LANGUAGE_KEYWORDS
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight * scaled
    return fused


def interleave(fused: dict[int, float], dense: dict[int, float], langs: dict[int, str]) -> dict[int, float]:
    """Keywords reorder passages within each language; languages are interleaved by the
    calibrated dense scores alone. Keyword matches favour the question's own language, so
    letting them decide across languages would bring the language bias back. Within one
    language the fused order is kept: the i-th best fused passage of a language gets that
    language's i-th best dense score among the candidates."""
    floor = min(dense.values(), default=0.0)
    by_lang: dict[str, list[int]] = {}
    for chunk_id in fused:
        by_lang.setdefault(langs.get(chunk_id, ""), []).append(chunk_id)
    final: dict[int, float] = {}
    for members in by_lang.values():
        order = sorted(members, key=lambda i: -fused[i])
        scores = sorted((dense.get(i, floor) for i in members), reverse=True)
        final.update(zip(order, scores, strict=True))
    return final


def same_region(a: Hit, b: Hit) -> bool:
    """Two single-page passages of one document that share text on the same page."""
    one_page = a.page == a.page_end == b.page == b.page_end
    return a.doc_id == b.doc_id and one_page and a.start < b.end and b.start < a.end


def to_hit(chunk: Chunk, doc: str, score: float) -> Hit:
    return Hit(
        chunk_id=chunk.chunk_id,
        doc_id=chunk.doc_id,
        doc=doc,
        page=chunk.page,
        page_end=chunk.page_end,
        start=chunk.start,
        end=chunk.end,
        text=chunk.text,
        lang=chunk.lang,
        score=score,
        place=chunk.place,
    )
