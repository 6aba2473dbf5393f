"""The dense leg's fairness across languages (rag/dense.py) over passages kept in Milvus.

Milvus finds candidates per language group: with the question itself in its own language
(plain cosine, exact as it is), with the centered question in the others. A centered score
divides by each passage's centered norm, which Milvus does not know, so candidates come back
with their vectors and are rescored exactly here. Language means come from the sums kept in
the library's database (ingest/milvus_stats.py); the calibration's mean and spread from the
sums of outer products (the centered norm taken at its root mean square), its "best matches
of a typical question" from a search per typical question, rescored exactly too.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ingest.milvus_stats import Stats
from rag.dense import CALIBRATION_TOP, PRIOR_WEIGHT, Prototypes

# (query vectors, language group, how many) -> per query: (ids, raw inner products, vectors)
Search = Callable[[np.ndarray, str, int], list[tuple[np.ndarray, np.ndarray, np.ndarray]]]


@dataclass(frozen=True)
class Group:
    lang: str
    count: int
    mean: np.ndarray  # with the prototypes' prior, as rag/dense.py
    raw_sum: np.ndarray
    outer: np.ndarray
    rms_norm: float  # root mean square of the passages' centered norms


class MilvusDense:
    """One version's language groups, means and calibration."""

    def __init__(self, stats: Stats, prototypes: Prototypes, search: Search) -> None:
        self.prototypes, self._search = prototypes, search
        sums = stats.langs
        everything = np.sum([s.sum for s in sums.values()], axis=0) if sums else None
        total = sum(s.count for s in sums.values())
        self.groups: dict[str, Group] = {}
        for lang, s in sorted(sums.items()):
            prior = prototypes.mean(lang)
            if prior is None:
                prior = everything / max(total, 1) if everything is not None else s.sum / s.count
            mean = (s.sum + PRIOR_WEIGHT * prior) / (s.count + PRIOR_WEIGHT)
            squared = np.trace(s.outer) - 2 * s.sum @ mean + s.count * mean @ mean
            rms = float(np.sqrt(max(squared / s.count, 1e-12)))
            self.groups[lang] = Group(lang, s.count, mean, s.sum, s.outer, rms)
        self.calibration = {lang: self._calibrate(lang) for lang in prototypes.questions}

    def center(self, lang: str) -> np.ndarray:
        center = self.prototypes.mean(lang)
        if center is None:  # a question language we have no prototypes for
            center = np.mean([v.mean(axis=0) for v in self.prototypes.questions.values()], axis=0)
        return np.asarray(center)

    def query_for(self, query: np.ndarray, lang: str, group: str) -> np.ndarray:
        """What Milvus searches the group with: the question, or the centered question."""
        if group == lang:
            return query
        q = query - self.center(lang)
        return np.asarray(q / max(float(np.linalg.norm(q)), 1e-6))

    def exact(
        self, query: np.ndarray, lang: str, group: str, raw: np.ndarray, vectors: np.ndarray
    ) -> np.ndarray:
        """Uncalibrated scores of candidates of `group` (raw: their inner products with query_for)."""
        if group == lang:
            return raw
        g = self.groups[group]
        q = self.query_for(query, lang, group)
        norms = np.maximum(np.linalg.norm(vectors - g.mean, axis=1), 1e-6)
        return np.asarray((raw - g.mean @ q) / norms)

    def calibrated(self, scores: np.ndarray, lang: str, group: str) -> np.ndarray:
        if lang not in self.calibration or group not in self.calibration[lang]:
            return scores
        offset, scale = self.calibration[lang][group]
        return (scores - offset) / scale

    def scores(self, query: np.ndarray, lang: str, group: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(ids, calibrated exact scores) of the k best candidates of one group, best first."""
        q = self.query_for(query, lang, group)
        ids, raw, vectors = self._search(q.reshape(1, -1), group, k)[0]
        scores = self.calibrated(self.exact(query, lang, group, raw, vectors), lang, group)
        order = np.argsort(-scores, kind="stable")
        return ids[order], scores[order]

    def _calibrate(self, lang: str) -> dict[str, tuple[float, float]]:
        """Per passage language: (offset, scale) of typical `lang` questions' scores."""
        questions = self.prototypes.questions[lang]
        calibration = {}
        for name, g in self.groups.items():
            queries = np.stack([self.query_for(q, lang, name) for q in questions])
            shift = np.zeros(len(queries)) if name == lang else queries @ g.mean
            norm = 1.0 if name == lang else g.rms_norm
            # sums over the group's passages of s and s^2, s = (v . q - shift) / norm
            first = (queries @ g.raw_sum - g.count * shift) / norm
            second = (
                np.einsum("qd,de,qe->q", queries, g.outer, queries) - 2 * shift * (queries @ g.raw_sum)
                + g.count * shift**2
            ) / norm**2  # fmt: skip
            cells = g.count * len(queries)
            offset = float(first.sum() / cells)
            std = float(np.sqrt(max(second.sum() / cells - offset**2, 0.0)))
            top = min(CALIBRATION_TOP, max(1, g.count // 4))
            best = []
            for question, (_, raw, vectors) in zip(
                questions, self._search(queries, name, 4 * top), strict=True
            ):
                exact = self.exact(question, lang, name, raw, vectors)
                best.append(float(np.sort(exact)[-top:].mean()) if len(exact) else offset)
            calibration[name] = (offset, max(float(np.mean(best)) - offset, 1.5 * std, 1e-3))
        return calibration
