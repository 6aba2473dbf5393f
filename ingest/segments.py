"""A segment: the passages one commit added (or one merge compacted), with their vectors and
keyword counts, in one file written once and never changed.

A library version is a list of segments plus the ids removed since (ingest/indexes.py), so a
commit writes only what it adds. Per language, a segment also keeps the sum of its vectors:
the dense view's language means are sums over segments, never a pass over the library.
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

from ingest.atomic import write_atomic
from ingest.clusters import MIN_ROWS, Clusters, cluster
from ingest.keywords import KeywordIndex, keyword_tokens

FOLDER = "index"  # beside library.sqlite3


@dataclass(frozen=True)
class Segment:
    """Rows in id order: ids, passage languages, unit vectors, and a keyword index over them."""

    name: str
    ids: np.ndarray  # int64
    langs: np.ndarray  # str, one per row
    vectors: np.ndarray  # float32 (rows, dim); normalized, so inner product is cosine
    keywords: KeywordIndex
    clusters: Clusters | None = None  # None: a segment too small to cluster, or from before clusters
    _sums: dict[str, tuple[np.ndarray, int]] = field(default_factory=dict, compare=False)
    _squares: dict[str, np.ndarray] = field(default_factory=dict, compare=False)

    @classmethod
    def make(
        cls, name: str, ids: list[int], langs: list[str], vectors: np.ndarray, texts: list[str]
    ) -> "Segment":
        if not len(ids) == len(langs) == len(vectors) == len(texts):
            raise ValueError(
                f"{len(ids)} ids for {len(langs)} languages, {len(vectors)} vectors, {len(texts)} texts"
            )
        keywords = KeywordIndex.empty().add(ids, [keyword_tokens(t) for t in texts])
        langs_array, vectors = np.asarray(langs, dtype=str), np.ascontiguousarray(vectors, dtype=np.float32)
        clusters = clustered(vectors, langs_array)
        return cls(name, np.asarray(ids, dtype=np.int64), langs_array, vectors, keywords, clusters)

    @classmethod
    def read(cls, data_dir: Path, name: str) -> "Segment":
        with np.load(path(data_dir, name), allow_pickle=False) as data:
            counts = sparse.csr_matrix(
                (data["data"], data["indices"], data["indptr"]), shape=tuple(data["shape"])
            )
            keywords = KeywordIndex(data["ids"], counts, data["vocab"].tolist())
            clusters = (
                Clusters(
                    data["cluster_rows"], data["cluster_starts"], data["centroids"], data["cluster_langs"]
                )
                if "centroids" in data.files
                else None
            )
            return cls(name, data["ids"], data["langs"], data["vectors"], keywords, clusters)

    def write(self, data_dir: Path) -> None:
        counts, clusters = self.keywords.counts, self.clusters
        extra: dict[str, np.ndarray] = (
            {"cluster_rows": clusters.rows, "cluster_starts": clusters.starts,
             "centroids": clusters.centroids, "cluster_langs": clusters.langs}
            if clusters is not None else {}
        )  # fmt: skip
        path(data_dir, self.name).parent.mkdir(exist_ok=True)
        write_atomic(
            path(data_dir, self.name),
            lambda handle: np.savez(
                handle, ids=self.ids, langs=self.langs, vectors=self.vectors, data=counts.data,
                indices=counts.indices, indptr=counts.indptr, shape=np.array(counts.shape),
                vocab=np.array(self.keywords.vocab, dtype=str), **extra,  # type: ignore[arg-type]
            ),
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self.ids)

    def squares(self) -> np.ndarray:
        """Each row's squared length (about 1: the vectors are normalized, in float32)."""
        if "" not in self._squares:
            self._squares[""] = np.einsum("ij,ij->i", self.vectors, self.vectors)
        return self._squares[""]

    def sums(self) -> dict[str, tuple[np.ndarray, int]]:
        """Per language: the sum of its rows' vectors and how many rows."""
        if not self._sums:
            for lang in sorted(set(self.langs.tolist())):
                rows = self.langs == lang
                self._sums[lang] = (self.vectors[rows].sum(axis=0, dtype=np.float64), int(rows.sum()))
        return self._sums


def merged(segments: list["Segment"], removed: np.ndarray, name: str) -> Segment:
    """One segment holding the rows of `segments` that were not removed."""
    ids = np.concatenate([s.ids for s in segments])
    keep = ~np.isin(ids, removed)
    langs = np.concatenate([s.langs for s in segments])[keep]
    vectors = np.concatenate([s.vectors for s in segments])[keep]
    keywords = KeywordIndex.empty()
    for s in segments:
        keywords = keywords.extend(s.keywords)
    keywords = keywords.remove(ids[~keep].tolist())
    return Segment(name, ids[keep], langs, vectors, keywords, clustered(vectors, langs))


def clustered(vectors: np.ndarray, langs: np.ndarray) -> Clusters | None:
    """The clusters of a segment with a language large enough to cluster, else None."""
    counts = np.unique(langs, return_counts=True)[1] if len(langs) else np.zeros(0)
    return cluster(vectors, langs) if (counts >= MIN_ROWS).any() else None


def path(data_dir: Path, name: str) -> Path:
    return Path(data_dir) / FOLDER / f"{name}.npz"
