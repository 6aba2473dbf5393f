"""Exact dense search by brute force in numpy: the reference recall@10 is measured against.

The scores are those the engine contract (rag/engine.py) defines: plain cosine for passages
in the question's language, the cosine of the centered question and the centered passage for
the others (each minus its language's mean, the passages' mean drawn towards the typical
questions' by PRIOR_WEIGHT), then per passage language an affine calibration measured with
the typical questions. Computed here from the vectors the bench wrote, not from the
engine's files, so an approximate engine is compared with what it approximates.
"""

from pathlib import Path

import numpy as np

from ingest.embed import Embedder
from rag.dense import CALIBRATION_TOP, PRIOR_WEIGHT, QUESTIONS


def prototypes(embedder: Embedder, folder: Path = QUESTIONS) -> dict[str, np.ndarray]:
    """The typical questions per language (rag/questions/*.txt), embedded by `embedder`."""
    questions = {}
    for path in sorted(folder.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        questions[path.stem] = embedder.embed_queries([line for line in lines if line])
    return questions


class ExactDense:
    """Every passage scored for every question: no index, no shortcut."""

    def __init__(self, matrix: np.ndarray, langs: list[str], typical: dict[str, np.ndarray]) -> None:
        self.matrix, self.typical = np.asarray(matrix, dtype=np.float32), typical  # no copy
        self.langs = sorted(set(langs))
        self.group = np.array([self.langs.index(lang) for lang in langs], dtype=np.int64)
        every = np.mean([v.mean(axis=0) for v in typical.values()], axis=0)
        means = []
        for g, lang in enumerate(self.langs):
            prior = typical[lang].mean(axis=0) if lang in typical else self.matrix.mean(axis=0)
            rows = self.matrix[self.group == g]
            means.append((rows.sum(axis=0) + PRIOR_WEIGHT * prior) / (len(rows) + PRIOR_WEIGHT))
        self.means = np.stack(means)
        self.norms = np.maximum(np.linalg.norm(self.matrix - self.means[self.group], axis=1), 1e-6)
        self.center = {lang: v.mean(axis=0) for lang, v in typical.items()} | {"": every}
        self.calibration = {lang: self._calibrate(lang) for lang in typical}

    def raw(self, query: np.ndarray, lang: str) -> np.ndarray:
        q = query - self.center.get(lang, self.center[""])
        q = q / max(float(np.linalg.norm(q)), 1e-6)
        centered = (self.matrix @ q - (self.means @ q)[self.group]) / self.norms
        same = np.array([group_lang == lang for group_lang in self.langs])[self.group]
        return np.where(same, self.matrix @ query, centered)

    def _calibrate(self, lang: str) -> tuple[np.ndarray, np.ndarray]:
        scores = np.stack([self.raw(q, lang) for q in self.typical[lang]])
        offset, scale = np.zeros(len(self.langs)), np.ones(len(self.langs))
        for g in range(len(self.langs)):
            part = scores[:, self.group == g]
            top = min(CALIBRATION_TOP, max(1, part.shape[1] // 4))
            offset[g] = part.mean()
            best = np.sort(part, axis=1)[:, -top:].mean()
            scale[g] = max(best - offset[g], 1.5 * part.std(), 1e-3)
        return offset, scale

    def top(self, query: np.ndarray, lang: str, k: int, allowed: np.ndarray | None = None) -> list[int]:
        """Rows of the k best passages, best first; `allowed` (bool per row) masks the rest."""
        scores = self.raw(query, lang)
        if lang in self.calibration:
            offset, scale = self.calibration[lang]
            scores = (scores - offset[self.group]) / scale[self.group]
        if allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
        order = np.argsort(-scores, kind="stable")[:k]
        return [int(i) for i in order if np.isfinite(scores[i])]


def overlap(found: list[str], exact: list[str]) -> float:
    """recall@k: the share of the exact top k that the engine returned (1.0 when both are empty)."""
    return len(set(found) & set(exact)) / len(exact) if exact else float(not found)
