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

import numpy as np

from ingest.atomic import write_atomic
from ingest.embed import Embedder
from ingest.segments import Segment

QUESTIONS = Path(__file__).parent / "questions"
PRIOR_WEIGHT = 5  # a language with few passages borrows its mean from the prototypes
CALIBRATION_TOP = 20  # "the best matches of a typical question": the mean of its top 20
# Rows per language the calibration scores; beyond, an even sample whose best top x sample/rows
# stand for the best 20: the work of a new version stays bounded as the library grows.
CALIBRATION_SAMPLE = 50_000
RECALIBRATE = 0.02  # calibration is measured again once the library changed by 2% of its passages
RECALIBRATE_FROM = 20_000  # passages; a smaller library is calibrated afresh (it costs little)


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
    """One version's vectors, read in place from its segments, with per-language centering and
    calibration. Language means come from each segment's running sums per language, so a new
    version costs a pass over its new rows and a bounded calibration sample, not the library."""

    def __init__(
        self,
        segments: list[Segment],
        removed: np.ndarray,
        prototypes: Prototypes,
        previous: "DenseView | None" = None,
    ) -> None:
        self.segments, self.prototypes = segments, prototypes
        dim = segments[0].vectors.shape[1] if segments else 0
        self.ids = np.concatenate([s.ids for s in segments]) if segments else np.zeros(0, np.int64)
        row_langs = np.concatenate([s.langs for s in segments]) if segments else np.zeros(0, str)
        self.live = ~np.isin(self.ids, removed)
        self.langs = sorted(set(row_langs[self.live].tolist()))
        self.group = (
            np.searchsorted(np.array(self.langs, dtype=str), row_langs)
            if self.langs
            else np.zeros(0, np.int64)
        )
        self.group = np.minimum(self.group, max(len(self.langs) - 1, 0))  # removed rows of a gone language
        self._order = np.argsort(self.ids, kind="stable")
        self._sorted = self.ids[self._order]
        self.means = (
            np.stack([self._mean(lang, removed, dim) for lang in self.langs])
            if self.langs
            else np.zeros((0, dim))
        )
        self.norms = self._centered_norms()
        # Calibration describes the library's score distribution: a version that differs from the
        # one it was measured on by a few percent of its passages keeps it (an upload to a large
        # library costs no calibration at all); beyond, or with another set of languages, it is
        # measured again.
        self.calibrated_rows = int(self.live.sum())
        self.calibration: dict[str, tuple[np.ndarray, np.ndarray]]
        if (
            previous is not None
            and previous.calibrated_rows >= RECALIBRATE_FROM
            and previous.langs == self.langs
            and previous.prototypes is prototypes
            and (
                abs(self.calibrated_rows - previous.calibrated_rows) <= RECALIBRATE * previous.calibrated_rows
            )
        ):
            self.calibration, self.calibrated_rows = previous.calibration, previous.calibrated_rows
        else:
            self.calibration = {lang: self._calibrate(lang) for lang in prototypes.questions}

    @property
    def matrix(self) -> np.ndarray:
        """Every row's vector (a copy: for tests and tools, not the search path)."""
        dim = self.means.shape[1] if len(self.means) else 0
        return np.concatenate([s.vectors for s in self.segments]) if self.segments else np.zeros((0, dim))

    def lang_of(self, ids: np.ndarray) -> list[str]:
        """The language of each of these chunk ids ("" for an id this version lacks)."""
        if len(self.ids) == 0:
            return ["" for _ in ids]
        at = np.minimum(np.searchsorted(self._sorted, ids), len(self.ids) - 1)
        rows = self._order[at]
        return [
            self.langs[self.group[r]] if self.ids[r] == i else ""
            for r, i in zip(rows.tolist(), ids, strict=True)
        ]

    def _mean(self, lang: str, removed: np.ndarray, dim: int) -> np.ndarray:
        total, count = np.zeros(dim), 0
        for segment in self.segments:
            vectors, n = segment.sums().get(lang, (np.zeros(dim), 0))
            total, count = total + vectors, count + n
            gone = np.isin(segment.ids, removed) & (segment.langs == lang)
            total, count = total - segment.vectors[gone].sum(axis=0), count - int(gone.sum())
        prior = self.prototypes.mean(lang)
        if prior is None:  # the mean of every row
            sums = [v for s in self.segments for v, _ in s.sums().values()]
            prior = np.sum(sums, axis=0) / max(sum(n for s in self.segments for _, n in s.sums().values()), 1)
        return (total + PRIOR_WEIGHT * prior) / (count + PRIOR_WEIGHT)

    def _centered_norms(self) -> np.ndarray:
        """|passage - its language's mean| per row, by |x|^2 - 2 x.m + |m|^2: one product with
        the few means instead of a copy of every vector."""
        norms = []
        for segment, group in zip(self.segments, self._split(self.group), strict=True):
            dots = (segment.vectors @ self.means.T.astype(np.float32))[np.arange(len(group)), group]
            squared = segment.squares() - 2 * dots + (self.means**2).sum(axis=1)[group]
            norms.append(np.sqrt(np.maximum(squared, 0.0)))
        return np.maximum(np.concatenate(norms), 1e-6) if norms else np.zeros(0)

    def _split(self, values: np.ndarray) -> list[np.ndarray]:
        return np.split(values, np.cumsum([len(s) for s in self.segments])[:-1]) if self.segments else []

    def centered_scores(self, query: np.ndarray, lang: str) -> np.ndarray:
        """Plain cosine for passages in the question's language; for the others, the cosine
        of the centered question and the centered passage."""
        if not self.segments:
            return np.zeros(0)
        parts = zip(self.segments, self._split(self.group), self._split(self.norms), strict=True)
        return np.concatenate([self._score(s.vectors, g, n, query[None, :], lang)[0] for s, g, n in parts])

    def _score(
        self,
        matrix: np.ndarray,
        group: np.ndarray,
        norms: np.ndarray,
        queries: np.ndarray,
        lang: str,
        threads: bool = True,
    ) -> np.ndarray:
        """Scores of these rows (matrix, their groups and centered norms) for `lang` questions.
        `threads=False` for a few thousand rows: the product then runs in this thread (einsum,
        no BLAS), since BLAS threads that wait for busy cores made it ten times slower."""
        centered = queries - self.center(lang)
        centered = centered / np.maximum(np.linalg.norm(centered, axis=1, keepdims=True), 1e-6)
        both = np.concatenate([queries, centered]).T.astype(np.float32)  # one pass over the rows
        raw = (matrix @ both).T if threads else np.einsum("ij,kj->ki", matrix, both.T)
        plain, shifted = raw[: len(queries)], raw[len(queries) :]
        shifted = (shifted - (centered @ self.means.T)[:, group]) / norms
        same = np.array([group_lang == lang for group_lang in self.langs], dtype=bool)[group]
        return np.where(same, plain, shifted)

    def center(self, lang: str) -> np.ndarray:
        """What `lang` questions are centered by: the mean of its typical questions."""
        center = self.prototypes.mean(lang)
        if center is None:  # a question language we have no prototypes for
            center = np.mean([v.mean(axis=0) for v in self.prototypes.questions.values()], axis=0)
        return center

    def rescore(self, rows: np.ndarray, query: np.ndarray, lang: str) -> np.ndarray:
        """The scores `scores` gives these rows (sorted view rows), computed for them only."""
        group = self.group[rows]
        raw = self._score(self._gather(rows), group, self.norms[rows], query[None, :], lang, threads=False)[0]
        if lang in self.calibration:
            offset, scale = self.calibration[lang]
            raw = (raw - offset[group]) / scale[group]
        return raw

    def mask_of(self, ids: np.ndarray) -> np.ndarray:
        """A bool per row: whether its chunk id is one of `ids` (by the sorted ids, not a scan)."""
        mask = np.zeros(len(self.ids), bool)
        if len(self.ids) == 0 or len(ids) == 0:
            return mask
        at = np.minimum(np.searchsorted(self._sorted, ids), len(self.ids) - 1)
        rows = self._order[at]
        mask[rows[self.ids[rows] == ids]] = True
        return mask

    def _calibrate(self, lang: str) -> tuple[np.ndarray, np.ndarray]:
        """Per passage language: (offset, scale) of typical `lang` questions' scores, over all
        of a language's rows up to CALIBRATION_SAMPLE, over an even sample of them beyond."""
        groups = len(self.langs)
        offset, scale = np.zeros(groups), np.ones(groups)
        if not self.live.any():
            return offset, scale
        for g in range(groups):  # plain and centered cosines differ in scale: never pool groups
            rows = np.flatnonzero((self.group == g) & self.live)
            if len(rows) == 0:
                continue
            many = len(rows) > CALIBRATION_SAMPLE
            sample = (
                rows[np.linspace(0, len(rows) - 1, CALIBRATION_SAMPLE).astype(np.int64)] if many else rows
            )
            matrix = self._gather(sample)
            scores = self._score(
                matrix, self.group[sample], self.norms[sample], self.prototypes.questions[lang], lang
            )
            top = min(CALIBRATION_TOP, max(1, len(rows) // 4))
            offset[g], scale[g] = _offset_scale(scores, max(1, round(top * len(sample) / len(rows))))
        return offset, scale

    def _gather(self, rows: np.ndarray) -> np.ndarray:
        """The vectors of these view rows (sorted), in their order."""
        starts = np.cumsum([0, *(len(s) for s in self.segments)])
        bounds = np.searchsorted(rows, starts)
        parts = [
            segment.vectors[rows[bounds[k] : bounds[k + 1]] - starts[k]]
            for k, segment in enumerate(self.segments)
            if bounds[k] < bounds[k + 1]
        ]
        dim = self.means.shape[1] if len(self.means) else 0
        return np.concatenate(parts) if parts else np.zeros((0, dim), np.float32)

    def scores(self, query: np.ndarray, lang: str) -> np.ndarray:
        """Scores comparable across passage languages, one per row of the view (-inf: removed)."""
        raw = self.centered_scores(query, lang)
        if lang in self.calibration:
            offset, scale = self.calibration[lang]
            raw = (raw - offset[self.group]) / scale[self.group]
        return np.where(self.live, raw, -np.inf)


def _offset_scale(scores: np.ndarray, top: int) -> tuple[float, float]:
    """(mean, gap to the best `top` matches) of questions x passages scores. In a large group
    the best 20 lie about two standard deviations above the mean; a group of a few passages
    has no "best matches", so its gap is at least 1.5 standard deviations."""
    offset = float(scores.mean())
    best = float(np.sort(scores, axis=1)[:, -top:].mean())
    return offset, max(best - offset, 1.5 * float(scores.std()), 1e-3)
