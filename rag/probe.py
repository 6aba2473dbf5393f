"""Approximate dense search for large language groups, with today's scores.

Past APPROXIMATE_FROM live passages in one language group, scoring every row of that group
for every question costs too much. Each segment keeps clusters of its rows per language
(ingest/clusters.py); a question scores the group's centroids the way it scores passages (the
question vector for its own language; the centered question for the others, over the centered
centroid divided by its rows' mean centered norm), takes the best clusters until they hold
PROBE of the group's rows, and scores those rows exactly as DenseView does, with the same
calibration. Rows of segments without clusters are always scored. Smaller groups are scored
whole (exact), and so are a large group's visible rows when no more than `approximate_from`.
"""

from dataclasses import dataclass

import numpy as np

from rag.dense import DenseView

APPROXIMATE_FROM = 200_000  # live passages in one language group
PROBE = 0.05  # share of a large group's clustered rows scored per question


@dataclass(frozen=True)
class GroupClusters:
    """One language group's clusters over every segment, in view rows."""

    centroids: np.ndarray  # float32 (clusters, dim)
    rows: np.ndarray  # int64 view rows, grouped by cluster
    starts: np.ndarray  # int64 (clusters + 1)
    spread: np.ndarray  # the mean centered norm of each cluster's rows
    rest: np.ndarray  # view rows of this group in no cluster: always scored


class Probe:
    """Dense search over one DenseView, approximate in its groups past `approximate_from`,
    where it scores the best clusters holding `probe` of a group's rows."""

    def __init__(
        self, view: DenseView, approximate_from: int = APPROXIMATE_FROM, probe: float = PROBE
    ) -> None:
        if approximate_from <= 0:
            raise ValueError(f"approximate_from must be > 0, got {approximate_from}")
        if not 0 < probe <= 1:
            raise ValueError(f"probe must be in (0, 1], got {probe}")
        self.view, self.probe, self.approximate_from = view, probe, approximate_from
        self.members = [np.flatnonzero(view.live & (view.group == g)) for g in range(len(view.langs))]
        self.clusters = {
            g: self._clusters(g) for g, rows in enumerate(self.members) if len(rows) > approximate_from
        }

    @property
    def approximate(self) -> bool:
        """Whether some group is searched by its clusters."""
        return bool(self.clusters)

    def _clusters(self, g: int) -> GroupClusters:
        view, lang = self.view, self.view.langs[g]
        parts, sizes, centroids, rest, start = [], [], [], [], 0
        for segment in view.segments:
            covered = np.zeros(len(segment), bool)
            found = segment.clusters
            if found is not None:
                for c in np.flatnonzero(found.langs == lang).tolist():
                    rows = found.rows[found.starts[c] : found.starts[c + 1]]
                    covered[rows] = True
                    parts.append(start + rows)
                    sizes.append(len(rows))
                    centroids.append(found.centroids[c])
            rest.append(start + np.flatnonzero(~covered & (view.group[start : start + len(segment)] == g)))
            start += len(segment)
        rows = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        starts = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
        which = np.repeat(np.arange(len(sizes)), sizes)
        spread = np.bincount(which, weights=view.norms[rows], minlength=len(sizes)) / np.maximum(sizes, 1)
        dim = view.means.shape[1]
        matrix = np.stack(centroids) if centroids else np.zeros((0, dim), np.float32)
        return GroupClusters(matrix, rows, starts, np.maximum(spread, 1e-6), np.concatenate(rest))

    def search(self, query: np.ndarray, lang: str, k: int, allowed: np.ndarray | None) -> dict[int, float]:
        """Chunk id -> calibrated score of the k best rows (`allowed`: a bool per view row)."""
        view = self.view
        found_rows, found_scores = [], []
        for g in range(len(view.langs)):
            rows = self.candidates(g, query, lang, k, allowed)
            if len(rows) == 0:
                continue
            raw = view.rescore(rows, query, lang)
            top = np.argpartition(-raw, k - 1)[:k] if len(raw) > k else np.arange(len(raw))
            found_rows.append(rows[top])
            found_scores.append(raw[top])
        if not found_rows:
            return {}
        rows, scores = np.concatenate(found_rows), np.concatenate(found_scores)
        best = np.argsort(-scores, kind="stable")[:k]
        return {int(view.ids[r]): float(s) for r, s in zip(rows[best], scores[best], strict=True)}

    def candidates(
        self, g: int, query: np.ndarray, lang: str, k: int, allowed: np.ndarray | None
    ) -> np.ndarray:
        """The sorted view rows of group `g` to score exactly for this question."""
        members = self.members[g]
        visible = members if allowed is None else members[allowed[members]]
        clusters = self.clusters.get(g)
        if clusters is None or len(visible) <= self.approximate_from:
            return visible
        # a visibility filter keeps a share of each cluster: probe as many more clusters
        share = self.probe * len(members) / max(len(visible), 1)
        if share >= 0.5:
            return visible
        view = self.view
        if view.langs[g] == lang:
            fit = clusters.centroids @ query
        else:
            shifted = query - view.center(lang)
            centered = shifted / max(float(np.linalg.norm(shifted)), 1e-6)
            fit = (clusters.centroids @ centered - view.means[g] @ centered) / clusters.spread
        order = np.argsort(-fit)
        sizes = np.diff(clusters.starts)[order]
        taken = int(np.searchsorted(np.cumsum(sizes), share * len(clusters.rows))) + 1
        chosen = [clusters.rows[clusters.starts[c] : clusters.starts[c + 1]] for c in order[:taken].tolist()]
        rows = np.concatenate([*chosen, clusters.rest])
        rows = rows[view.live[rows] if allowed is None else view.live[rows] & allowed[rows]]
        return np.sort(rows) if len(rows) >= k else visible
