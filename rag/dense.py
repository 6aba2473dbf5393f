"""The dense leg, made fair across languages.

With multilingual-e5 (and most multilingual embedders) a Chinese passage scores higher
against a Chinese question than any English passage does, whatever the topic: language is
a direction in the embedding space. Two steps remove that bias:

1. Centering, for passages in another language than the question's: each passage minus the
   mean of its language's passages in the library, the question minus the mean of typical
   questions in its language (questions we wrote, `rag/questions/*.txt`, embedded by the same
   model). Passages in the question's own language keep the model's plain cosine, which
   ranks them best.
2. Calibration: per passage language, the scores typical questions get are measured once per
   library version; a question's scores are rescaled so that "as good as the best matches of
   a typical question" means the same in every language.

Calibration is affine per language, so a question over passages of its own language ranks
them exactly as plain cosine does. Measured on the shared benchmarks: see README, Retrieval.
"""

import hashlib
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from ingest.atomic import write_atomic
from ingest.embed import Embedder

QUESTIONS = Path(__file__).parent / "questions"
PRIOR_WEIGHT = 5  # a language with few passages borrows its mean from the prototypes
CALIBRATION_TOP = 20  # "the best matches of a typical question": the mean of its top 20


@dataclass(frozen=True)
class Prototypes:
    """Typical questions per language, embedded by the library's model."""

    questions: dict[str, np.ndarray]  # lang -> (m, d)

    @classmethod
    def embed(cls, embedder: Embedder) -> "Prototypes":
        questions = {}
        for path in sorted(QUESTIONS.glob("*.txt")):
            lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
            questions[path.stem] = embedder.embed_queries([line for line in lines if line])
        return cls(questions)

    @classmethod
    def cached(cls, embedder: Embedder, folder: Path) -> "Prototypes":
        """The prototypes embedded once per model and question set, kept in `folder` (the
        library's data directory), so a restart answers its first question without them."""
        texts = "\n".join(p.name + p.read_text(encoding="utf-8") for p in sorted(QUESTIONS.glob("*.txt")))
        key = hashlib.sha256(f"{embedder.name}\0{texts}".encode()).hexdigest()[:16]
        path = Path(folder) / f"prototypes-{key}.npz"
        try:
            with np.load(path, allow_pickle=False) as stored:
                return cls({lang: stored[lang] for lang in stored.files})
        except (OSError, ValueError, KeyError):  # absent or damaged: embed them again
            pass
        prototypes = cls.embed(embedder)
        # only a cache: on a full or read-only disk searching goes on, and embeds them again
        # after a restart; write_atomic leaves no temporary file behind
        with suppress(OSError):
            write_atomic(path, lambda handle: np.savez(handle, **prototypes.questions))  # type: ignore[arg-type]
        return prototypes

    def mean(self, lang: str) -> np.ndarray | None:
        vectors = self.questions.get(lang)
        return None if vectors is None else vectors.mean(axis=0)


class DenseView:
    """The library's vectors (read in place from FAISS) with per-language centering and calibration."""

    def __init__(self, index: faiss.Index, langs: dict[int, str], prototypes: Prototypes) -> None:
        n, dim = index.ntotal, index.d
        mapped: Any = index  # an IndexIDMap2 over an IndexFlatIP (ingest.indexes)
        self.ids = faiss.vector_to_array(mapped.id_map).astype(np.int64) if n else np.zeros(0, np.int64)
        flat: Any = faiss.downcast_index(mapped.index)
        self.matrix = faiss.rev_swig_ptr(flat.get_xb(), n * dim).reshape(n, dim) if n else np.zeros((0, dim))
        self._index = index  # the matrix is a view into its memory
        self.prototypes = prototypes
        row_langs = [langs.get(int(i), "") for i in self.ids]
        self.lang_of = dict(zip(self.ids.tolist(), row_langs, strict=True))
        self.langs = sorted(set(row_langs))
        self.group = np.array([self.langs.index(lang) for lang in row_langs], dtype=np.int64)
        self.means = np.stack([self._mean(g) for g in range(len(self.langs))]) if n else np.zeros((0, dim))
        centered_norms = np.linalg.norm(self.matrix - self.means[self.group], axis=1) if n else np.zeros(0)
        self.norms = np.maximum(centered_norms, 1e-6)
        self.calibration = {lang: self._calibrate(lang) for lang in prototypes.questions}

    def _mean(self, group: int) -> np.ndarray:
        rows = self.matrix[self.group == group]
        prior = self.prototypes.mean(self.langs[group])
        if prior is None:
            prior = self.matrix.mean(axis=0)
        return (rows.sum(axis=0) + PRIOR_WEIGHT * prior) / (len(rows) + PRIOR_WEIGHT)

    def centered_scores(self, query: np.ndarray, lang: str) -> np.ndarray:
        """Plain cosine for passages in the question's language; for the others, the cosine
        of the centered question and the centered passage."""
        center = self.prototypes.mean(lang)
        if center is None:  # a question language we have no prototypes for
            center = np.mean([v.mean(axis=0) for v in self.prototypes.questions.values()], axis=0)
        q = query - center
        q = q / max(float(np.linalg.norm(q)), 1e-6)
        centered = (self.matrix @ q - (self.means @ q)[self.group]) / self.norms
        same = np.array([group_lang == lang for group_lang in self.langs], dtype=bool)[self.group]
        return np.where(same, self.matrix @ query, centered)

    def _calibrate(self, lang: str) -> tuple[np.ndarray, np.ndarray]:
        """Per passage language: (offset, scale) of typical `lang` questions' scores."""
        groups = len(self.langs)
        offset, scale = np.zeros(groups), np.ones(groups)
        if len(self.ids) == 0:
            return offset, scale
        scores = np.stack([self.centered_scores(q, lang) for q in self.prototypes.questions[lang]])
        for g in range(groups):  # plain and centered cosines differ in scale: never pool groups
            offset[g], scale[g] = _offset_scale(scores[:, self.group == g])
        return offset, scale

    def scores(self, query: np.ndarray, lang: str) -> np.ndarray:
        """Scores comparable across passage languages, one per row of the view."""
        raw = self.centered_scores(query, lang)
        if lang not in self.calibration:
            return raw
        offset, scale = self.calibration[lang]
        return (raw - offset[self.group]) / scale[self.group]


def _offset_scale(scores: np.ndarray) -> tuple[float, float]:
    """(mean, gap to the best matches) of questions x passages scores. In a large group the
    best 20 lie about two standard deviations above the mean; a group of a few passages has
    no "best matches", so its gap is at least 1.5 standard deviations."""
    top = min(CALIBRATION_TOP, max(1, scores.shape[1] // 4))
    offset = float(scores.mean())
    best = float(np.sort(scores, axis=1)[:, -top:].mean())
    return offset, max(best - offset, 1.5 * float(scores.std()), 1e-3)
