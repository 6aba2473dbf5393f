"""The Milvus engine: snapshots whose passages are searched in Milvus (ingest/milvus.py) and
whose rows, language sums and term frequencies are read from the library's SQLite database
in one read transaction (so of one committed version).

Every Milvus search carries the version (`generation <= v`: a commit in progress adds
entities of a later generation) and the asking person's documents (their collections, or the
document ids when a search is limited to some), and results are checked against the visible
documents once more: the rows in SQLite decide, Milvus only proposes.
"""

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Any, Literal

import numpy as np

from ingest import milvus_stats
from ingest.embed import Embedder
from ingest.keywords import K1, B, keyword_tokens
from ingest.milvus import Passages, quoted
from ingest.milvus_stats import term_counts
from ingest.records import Chunk
from ingest.store import Store
from rag.dense import Prototypes
from rag.engine import Visible
from rag.milvus_dense import MilvusDense

Keywords = Literal["product", "milvus"]  # the product's BM25 as sparse vectors, or Milvus's BM25
DENSE_CANDIDATES = 400  # per language group; the rest of a wide pool would only be rescored
KEYWORD_CANDIDATES = 4  # times k: found by idf x term frequency, then scored exactly by BM25
ATTEMPTS = 5


class MilvusEngine:
    """Snapshots of one library whose passages live in Milvus."""

    def __init__(
        self, store: Store, embedder: Embedder, passages: Passages, keywords: Keywords = "product"
    ) -> None:
        self.store, self.embedder, self.passages, self.keywords = store, embedder, passages, keywords
        self._prototypes: Prototypes | None = None
        # the dense view of one version, by (generation, passages, keyword tokens): a copy into
        # Milvus rewrites the sums without a new generation
        self._dense: tuple[tuple[int, int, float], MilvusDense] | None = None
        self._building = threading.Lock()

    def prototypes(self) -> Prototypes:
        if self._prototypes is None:
            self._prototypes = Prototypes.cached(self.embedder, self.store.data_dir)
        return self._prototypes

    def snapshot(self) -> "MilvusSnapshot":
        self.store.check_searchable()
        for _ in range(ATTEMPTS):
            rows = self.store.rows()
            stats_db = sqlite3.connect(
                f"{(self.store.data_dir / 'library.sqlite3').as_uri()}?mode=ro", uri=True
            )
            try:
                stats_db.execute("BEGIN")
                generation = stats_db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
                if int(generation[0] if generation else 0) != rows.generation:
                    raise RuntimeError("a commit landed between two reads")
                totals = milvus_stats.totals(stats_db)
                view = self._view((rows.generation, *totals), stats_db)
                return MilvusSnapshot(self, rows, stats_db, view, totals)
            except RuntimeError:
                rows.close()
                stats_db.close()
            except BaseException:
                rows.close()
                stats_db.close()
                raise
        raise RuntimeError(f"could not read a stable library version from {self.store.data_dir}")

    def _view(self, key: tuple[int, int, float], stats_db: sqlite3.Connection) -> MilvusDense:
        """The view of this version, built once: its sums (a d x d matrix per language) are read
        from the snapshot's own transaction only when the version changed."""
        with self._building:
            if self._dense is None or self._dense[0] != key:
                stats = milvus_stats.read(stats_db, self.store.dim)
                where = f"generation <= {key[0]}"
                self._dense = (key, MilvusDense(stats, self.prototypes(), self._searcher(where)))
            return self._dense[1]

    def _searcher(self, where: str) -> Any:
        def search(
            queries: np.ndarray, group: str, k: int
        ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
            chosen = f"{where} and lang == {quoted([group])[1:-1]}"
            found = self.passages.search(
                "vector", queries.astype(np.float32).tolist(), k, chosen, ("vector",)
            )
            return [_arrays(hits, self.store.dim) for hits in found]

        return search


class MilvusSnapshot:
    """One version: its rows in SQLite, its passages in Milvus; see rag/engine.py."""

    def __init__(
        self,
        engine: MilvusEngine,
        rows: Any,
        stats_db: sqlite3.Connection,
        dense: MilvusDense,
        totals: tuple[int, float],
    ) -> None:
        self.engine, self._rows, self._stats_db, self.state = engine, rows, stats_db, dense
        self.version: int = rows.generation
        self.passages, self.length = totals  # BM25's N and the passages' total length
        self._collections: dict[frozenset[str], list[str]] = {}
        self._langs: dict[int, str] = {}

    def where(self, visible: Visible, lang: str | None = None) -> str:
        """The Milvus filter of this version, the visible documents and a language."""
        parts = [f"generation <= {self.version}"]
        if visible is not None:
            collections = self._collections.get(visible)
            # a whole set of collections is named by them, a choice of documents by their ids
            parts.append(
                f"collection in {quoted(collections)}" if collections else f"doc_id in {quoted(visible)}"
            )
        if lang is not None:
            parts.append(f"lang == {quoted([lang])[1:-1]}")
        return " and ".join(parts)

    def _kept(
        self, hits: list[tuple[int, float, dict[str, Any]]], visible: Visible
    ) -> list[tuple[int, float]]:
        kept = []
        for chunk_id, score, fields in hits:
            if visible is None or fields.get("doc_id") in visible:
                self._langs[chunk_id] = str(fields.get("lang", ""))
                kept.append((chunk_id, score))
        return kept

    def dense(self, query: np.ndarray, lang: str, k: int, visible: Visible) -> dict[int, float]:
        if visible is not None and not visible:
            return {}  # nothing to search (and Milvus fails on an empty list in a filter)
        view, scored = self.state, {}
        where = self.where(visible)
        # Only what is used comes back: a group's language is known, the document only matters
        # under a restriction, the vectors only where a centered score is rescored.
        checked = () if visible is None else ("doc_id",)
        for group in view.groups:
            q = view.query_for(query, lang, group)
            fields = checked if group == lang else (*checked, "vector")
            limit = k if group == lang else min(k, DENSE_CANDIDATES)
            where_group = f"{where} and lang == {quoted([group])[1:-1]}"
            hits = self.engine.passages.search(
                "vector", [q.astype(np.float32).tolist()], limit, where_group, fields
            )[0]
            hits = [h for h in hits if visible is None or h[2].get("doc_id") in visible]
            if not hits:
                continue
            ids, raw, vectors = _arrays(hits, self.engine.store.dim)
            scores = view.calibrated(view.exact(query, lang, group, raw, vectors), lang, group)
            for chunk_id, score in zip(ids.tolist(), scores.tolist(), strict=True):
                scored[chunk_id] = score
                self._langs[chunk_id] = group
        return dict(sorted(scored.items(), key=lambda item: -item[1])[:k])

    def keyword(self, query: str, k: int, visible: Visible) -> dict[int, float]:
        if visible is not None and not visible:
            return {}
        if self.engine.keywords == "milvus":
            hits = self.engine.passages.search("bm25", [query], k, self.where(visible))[0]
            return dict(self._kept(hits, visible))
        return self._bm25([[keyword_tokens(query)]], k, self.where(visible), visible)

    def translated(self, groups: list[list[str]], lang: str, k: int, visible: Visible) -> dict[int, float]:
        if visible is not None and not visible:
            return {}
        where = self.where(visible, lang)
        if self.engine.keywords == "product":
            return self._bm25([[keyword_tokens(a) for a in group] for group in groups], k, where, visible)
        texts = [alternative for group in groups for alternative in group]
        found = self.engine.passages.search("bm25", texts, k, where)
        total: dict[int, float] = {}
        position = 0
        for group in groups:  # each group counts once, by its best alternative
            best: dict[int, float] = {}
            for hits in found[position : position + len(group)]:
                for chunk_id, score in self._kept(hits, visible):
                    best[chunk_id] = max(best.get(chunk_id, 0.0), score)
            position += len(group)
            for chunk_id, score in best.items():
                total[chunk_id] = total.get(chunk_id, 0.0) + score
        return dict(sorted(total.items(), key=lambda item: -item[1])[:k])

    def _bm25(self, groups: list[list[list[str]]], k: int, where: str, visible: Visible) -> dict[int, float]:
        """The product's BM25 (ingest/keywords.py), groups of alternatives as in search_any:
        candidates by idf x term frequency in Milvus, then each scored exactly."""
        alternatives = [[list(term_counts(tokens)) for tokens in group] for group in groups]
        terms = sorted({t for group in alternatives for terms in group for t in terms})
        n, avgdl = self.passages, max(self.length / self.passages if self.passages else 0.0, 1e-9)
        df = milvus_stats.document_frequencies(self._stats_db, terms)
        idf = {t: float(np.log(1 + (n - d + 0.5) / (d + 0.5))) for t, d in df.items() if d > 0}
        if not idf:
            return {}
        # each alternative once as the terms it shares with the library (the others weigh 0)
        alternatives = [[[t for t in terms if t in idf] for terms in group] for group in alternatives]
        fields = ("lang", "keywords") if visible is None else ("doc_id", "lang", "keywords")
        hits = self.engine.passages.search("keywords", [idf], KEYWORD_CANDIDATES * k, where, fields)[0]
        scored: dict[int, float] = {}
        for chunk_id, _, entity in hits:
            if visible is not None and entity.get("doc_id") not in visible:
                continue
            tf: dict[int, float] = entity["keywords"]
            norm = K1 * (1 - B + B * sum(tf.values()) / avgdl)
            weight = {t: idf[t] * f * (K1 + 1) / (f + norm) for t in idf if (f := tf.get(t, 0.0)) > 0}
            score = sum(
                max(sum(weight.get(t, 0.0) for t in terms) for terms in group) for group in alternatives
            )
            if score > 0:
                scored[chunk_id] = score
                self._langs[chunk_id] = str(entity.get("lang", ""))
        return dict(sorted(scored.items(), key=lambda item: -item[1])[:k])

    def documents_in(self, collections: Iterable[str]) -> frozenset[str]:
        chosen = sorted(set(collections))
        found = frozenset(self._rows.documents_in(set(chosen)))
        self._collections[found] = chosen
        return found

    def langs(self, ids: Iterable[int]) -> dict[int, str]:
        wanted = list(ids)
        missing = [i for i in wanted if i not in self._langs]
        if missing:
            self._langs.update((i, c.lang) for i, c in self._rows.chunks(missing).items())
        return {i: self._langs.get(i, "") for i in wanted}

    def chunks(self, ids: Sequence[int]) -> dict[int, Chunk]:
        return dict(self._rows.chunks(ids))

    def names(self, doc_ids: Iterable[str]) -> dict[str, str]:
        return dict(self._rows.names(doc_ids))

    def page_text(self, doc_id: str, page: int) -> str:
        return str(self._rows.page_text(doc_id, page))

    def close(self) -> None:
        self._rows.close()
        self._stats_db.close()

    def __enter__(self) -> "MilvusSnapshot":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def _arrays(
    hits: list[tuple[int, float, dict[str, Any]]], dim: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ids = np.array([h[0] for h in hits], dtype=np.int64)
    raw = np.array([h[1] for h in hits], dtype=np.float64)
    vectors = np.array([h[2].get("vector", ()) for h in hits], dtype=np.float64).reshape(len(hits), -1)
    return ids, raw, vectors if vectors.shape[1] == dim else np.zeros((len(hits), dim))
