"""Question -> hits: the dense leg (fair across languages) and the keyword leg (BM25), fused,
with passages from the same region merged and an optional cross-encoder on top."""

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from typing import Literal, Protocol

import numpy as np

from ingest.embed import Embedder, embed_query
from ingest.keywords import KeywordIndex
from ingest.lang import detect_lang
from ingest.library import open_library
from ingest.records import Chunk
from ingest.settings import Settings
from ingest.store import Store
from rag.dense import DenseView, Prototypes
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
    """Searches one store; caches its dense view per committed generation."""

    def __init__(self, store: Store, embedder: Embedder, reranker: Reranker | None = None) -> None:
        self.store, self.embedder, self.reranker = store, embedder, reranker
        self._prototypes: Prototypes | None = None
        self._view: tuple[int, DenseView] | None = None
        self._rows: tuple[object, dict[str, np.ndarray]] = (None, {})
        self._lock = threading.Lock()

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
        visible = self._visible(doc_ids, collections)
        allowed = self.store.chunk_ids_of(sorted(visible)) if visible is not None else None
        lang = detect_lang(query)
        every = self._dense_scores(query, lang, allowed) if mode != "keyword" else {}
        dense = dict(sorted(every.items(), key=lambda item: -item[1])[:POOL])
        keyword = self._keyword(query, allowed) if mode != "dense" else {}
        if mode == "hybrid":
            langs = self.view().lang_of
            translated = self._translated(query, lang, allowed)
            fused = fuse(dense, keyword, lambda i: langs.get(i) == lang, translated)
            fused = interleave(fused, every, langs)
        else:
            fused = dense or keyword
        ranked = sorted(fused.items(), key=lambda item: -item[1])
        hits = self._hits(ranked[: max(k * 3, 20)], visible)
        if self.reranker and hits:
            try:
                scores = self.reranker.rerank(query, [h.text for h in hits])
            except RerankerUnavailable as exc:  # the fused order is a good order too
                (notes if notes is not None else []).append(str(exc))
            else:
                ranked_hits = sorted(zip(hits, scores, strict=True), key=lambda pair: -pair[1])
                hits = [replace(h, score=s) for h, s in ranked_hits]
        return hits[:k]

    def _visible(self, doc_ids: list[str] | None, collections: Collection[str] | None) -> set[str] | None:
        """The documents a search may return: None when there is no restriction."""
        if collections is None:
            return None if doc_ids is None else set(doc_ids)
        visible = {d.doc_id for d in self.store.documents(collections)}
        return visible if doc_ids is None else visible & set(doc_ids)

    def _dense_scores(self, query: str, lang: str, allowed: np.ndarray | None) -> dict[int, float]:
        """Calibrated dense scores of the best passages (a wide pool, so that every keyword
        candidate has its dense score too)."""
        view = self.view()
        if len(view.ids) == 0:
            return {}
        scores = view.scores(embed_query(self.embedder, query), lang)
        if allowed is not None:
            scores = np.where(np.isin(view.ids, allowed), scores, -np.inf)
        top = _top(scores, WIDE_POOL)
        return {int(view.ids[i]): float(scores[i]) for i in top if np.isfinite(scores[i])}

    def _keyword(self, query: str, allowed: np.ndarray | None) -> dict[int, float]:
        keywords = self.store.indexes().keywords
        mask = None if allowed is None else np.isin(keywords.ids, allowed)
        return dict(keywords.search(query, POOL, mask))

    def _translated(self, query: str, lang: str, allowed: np.ndarray | None) -> dict[int, float]:
        """The keyword leg over the other language's passages, by the question's terms translated
        (English -> Chinese, Chinese -> English)."""
        target = {"en": "zh", "zh": "en"}.get(lang)
        groups = chinese_terms(query) if target == "zh" else english_terms(query) if target == "en" else []
        if not groups:
            return {}
        keywords = self.store.indexes().keywords
        mask = self._rows_in(
            target or "", keywords
        )  # a stray English word in a Chinese passage is no evidence
        if allowed is not None:
            mask = mask & np.isin(keywords.ids, allowed)
        return dict(keywords.search_any(groups, POOL, mask))

    def _rows_in(self, lang: str, keywords: KeywordIndex) -> np.ndarray:
        """Which rows of `keywords` (one version's keyword index) are passages in `lang`; kept
        per index object, so a commit between two reads never pairs a mask with another index."""
        view = self.view()
        if self._rows[0] is not keywords:
            self._rows = (keywords, {})
        rows = self._rows[1]
        if lang not in rows:
            chosen = view.ids[view.group == view.langs.index(lang)] if lang in view.langs else view.ids[:0]
            rows[lang] = np.isin(keywords.ids, chosen)
        return rows[lang]

    def view(self) -> DenseView:
        """The dense view of the current generation, built once per generation."""
        with self._lock:
            generation = self.store.generation()
            if self._view is None or self._view[0] != generation:
                if self._prototypes is None:
                    self._prototypes = Prototypes.cached(self.embedder, self.store.data_dir)
                indexes = self.store.indexes()
                view = DenseView(indexes.vectors, self.store.chunk_langs(), self._prototypes)
                self._view = (generation, view)
            return self._view[1]

    def _hits(self, ranked: list[tuple[int, float]], visible: set[str] | None) -> list[Hit]:
        chunks = self.store.chunks_by_id([i for i, _ in ranked])
        names = {d.doc_id: d.name for d in self.store.documents()}
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
                hit = self._union(hits[i], hit)  # the earlier (better) hit keeps its score
            hits[overlapping[0]] = hit
            hits = [h for i, h in enumerate(hits) if i not in overlapping[1:]]
        return hits

    def _union(self, kept: Hit, other: Hit) -> Hit:
        """One hit covering both passages (overlapping chunks of one page), at the better score."""
        start, end = min(kept.start, other.start), max(kept.end, other.end)
        text = next(p.text for p in self.store.pages(kept.doc_id) if p.page == kept.page)[start:end]
        return replace(kept, start=start, end=end, text=text)


def open_retriever(settings: Settings) -> Retriever:
    """The library in settings, with the reranker named there, if any."""
    store, embedder = open_library(settings)
    reranker = reranker_of(settings)
    threading.Thread(target=english_to_chinese, daemon=True).start()  # ready by the first question
    return Retriever(store, embedder, reranker)


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


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    if len(scores) <= k:
        return np.argsort(-scores, kind="stable")
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.argsort(-scores[top], kind="stable")]
