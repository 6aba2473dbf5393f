"""The local engine: FAISS vectors and BM25 postings in files beside the SQLite rows.

Each snapshot pairs one read transaction over the rows (ingest/rows.py) with the indexes and
the dense view of the generation that transaction sees. A version's indexes and view are
built once and shared by every snapshot of it; a reader never takes the write lock.
"""

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType

import numpy as np

from ingest.embed import Embedder
from ingest.indexes import Indexes
from ingest.keywords import Keywords
from ingest.records import Chunk
from ingest.rows import Rows
from ingest.segments import Segment
from ingest.store import Store
from rag.dense import DenseView, Prototypes
from rag.engine import Visible
from rag.probe import APPROXIMATE_FROM, PROBE, Probe

ATTEMPTS = 5  # a version's files vanish once a newer commit is complete: read that one instead


@dataclass
class Version:
    """The indexes of one generation, with what searches derive from them once."""

    generation: int
    indexes: Indexes
    view: DenseView
    probe: Probe
    _rows_in: dict[str, np.ndarray] = field(default_factory=dict)

    keywords: Keywords = field(init=False)

    def __post_init__(self) -> None:
        self.keywords = self.indexes.keywords  # rows in the view's order: one mask serves both

    def rows_in(self, lang: str) -> np.ndarray:
        """Which rows are passages in `lang` (and not removed)."""
        if lang not in self._rows_in:
            view = self.view
            inside = (
                view.group == view.langs.index(lang) if lang in view.langs else np.zeros(len(view.ids), bool)
            )
            self._rows_in[lang] = inside & view.live
        return self._rows_in[lang]


class LocalEngine:
    """Snapshots of one store's latest committed version. A language group of more than
    `approximate_from` live passages is searched by its clusters (rag/probe.py)."""

    def __init__(
        self, store: Store, embedder: Embedder, approximate_from: int = APPROXIMATE_FROM, probe: float = PROBE
    ) -> None:
        self.store, self.embedder = store, embedder
        self.approximate_from, self.probe = approximate_from, probe
        self._prototypes: Prototypes | None = None
        self._latest: Version | None = None
        self._segments: dict[str, Segment] = {}  # written segments never change: read each once
        self._building = threading.Lock()  # one reader builds a new version; never the writer's lock

    def snapshot(self) -> "LocalSnapshot":
        self.store.check_searchable()
        for _ in range(ATTEMPTS):
            rows = self.store.rows()
            try:
                return LocalSnapshot(self._version(rows), rows)
            except (RuntimeError, OSError):  # its files were replaced by a newer commit meanwhile
                rows.close()
            except BaseException:
                rows.close()
                raise
        raise RuntimeError(f"could not read a stable library version from {self.store.data_dir}")

    def prototypes(self) -> Prototypes:
        if self._prototypes is None:
            self._prototypes = Prototypes.cached(self.embedder, self.store.data_dir)
        return self._prototypes

    def _segment(self, name: str) -> Segment:
        found = self._segments.get(name)
        return found if found is not None else Segment.read(self.store.data_dir, name)

    def _version(self, rows: Rows) -> Version:
        latest = self._latest
        if latest is not None and latest.generation == rows.generation:
            return latest
        with self._building:
            latest = self._latest
            if latest is not None and latest.generation == rows.generation:
                return latest
            self.store.check_model()  # a reindex with another model since: say so, never mix
            indexes = Indexes.read(
                self.store.data_dir, rows.generation, self.store.dim, self._segment, rows.chunk_langs
            )
            previous = latest.view if latest is not None else None
            view = DenseView(indexes.segments(), indexes.removed, self.prototypes(), previous)
            self._segments = {s.name: s for s in indexes.segments()}  # older ones are no longer read
            version = Version(rows.generation, indexes, view, Probe(view, self.approximate_from, self.probe))
            if latest is None or version.generation > latest.generation:
                self._latest = version
            return version


class LocalSnapshot:
    """One version's indexes and rows; see rag/engine.py for the contract."""

    def __init__(self, version: Version, rows: Rows) -> None:
        self.version = version.generation
        self.state, self._rows = version, rows
        self._allowed: tuple[Visible, np.ndarray | None] = (None, None)

    def allowed(self, visible: Visible) -> np.ndarray | None:
        """The chunk ids of the visible documents, read once per snapshot (None: all)."""
        if visible is None:
            return None
        if self._allowed[0] != visible or self._allowed[1] is None:
            self._allowed = (visible, self._rows.chunk_ids_of(visible))
        return self._allowed[1]

    def dense(self, query: np.ndarray, lang: str, k: int, visible: Visible) -> dict[int, float]:
        view, probe = self.state.view, self.state.probe
        if len(view.ids) == 0:
            return {}
        allowed = self.allowed(visible)
        if probe.approximate:
            return probe.search(query, lang, k, None if allowed is None else view.mask_of(allowed))
        scores = view.scores(query, lang)
        if allowed is not None:
            scores = np.where(view.mask_of(allowed), scores, -np.inf)
        top = top_k(scores, k)
        return {int(view.ids[i]): float(scores[i]) for i in top if np.isfinite(scores[i])}

    def keyword(self, query: str, k: int, visible: Visible) -> dict[int, float]:
        return dict(self.state.keywords.search(query, k, self._mask(self.state.view.live, visible)))

    def translated(self, groups: list[list[str]], lang: str, k: int, visible: Visible) -> dict[int, float]:
        mask = self._mask(self.state.rows_in(lang), visible)
        return dict(self.state.keywords.search_any(groups, k, mask))

    def _mask(self, mask: np.ndarray, visible: Visible) -> np.ndarray:
        allowed = self.allowed(visible)
        return mask if allowed is None else mask & np.isin(self.state.view.ids, allowed)

    def documents_in(self, collections: Iterable[str]) -> frozenset[str]:
        return frozenset(self._rows.documents_in(set(collections)))

    def langs(self, ids: Iterable[int]) -> dict[int, str]:
        wanted = list(ids)
        return dict(zip(wanted, self.state.view.lang_of(np.asarray(wanted, dtype=np.int64)), strict=True))

    def chunks(self, ids: Sequence[int]) -> dict[int, Chunk]:
        return self._rows.chunks(ids)

    def names(self, doc_ids: Iterable[str]) -> dict[str, str]:
        return self._rows.names(doc_ids)

    def page_text(self, doc_id: str, page: int) -> str:
        return self._rows.page_text(doc_id, page)

    def close(self) -> None:
        self._rows.close()

    def __enter__(self) -> "LocalSnapshot":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest scores, best first (ties in position order)."""
    if len(scores) <= k:
        return np.argsort(-scores, kind="stable")
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.argsort(-scores[top], kind="stable")]
