"""Clusters of one segment's vectors, per passage language: the approximate index.

A large library is searched by probing the clusters whose centroids score best and scoring
only their rows exactly (rag/probe.py), as an inverted-file (IVF) index does. The clusters are
computed once, when a segment is written (a commit's or a merge's), and stored in the segment's
file, so they cost a commit in proportion to what it adds and survive a crash with it.
"""

from dataclasses import dataclass

import faiss
import numpy as np

CLUSTER_ROWS = 256  # rows per cluster on average: small clusters, so probing scans few rows
MIN_ROWS = 2 * CLUSTER_ROWS  # a language with fewer rows in a segment is scanned whole
TRAIN_PER_CLUSTER = 64  # k-means learns from a sample: a merge of 100,000 rows trains in seconds
ITERATIONS = 10
SEED = 1234  # the same vectors give the same clusters


@dataclass(frozen=True)
class Clusters:
    """Rows of a segment grouped by cluster: cluster c holds rows[starts[c]:starts[c + 1]]."""

    rows: np.ndarray  # int64 row positions in the segment, grouped by cluster
    starts: np.ndarray  # int64 (clusters + 1)
    centroids: np.ndarray  # float32 (clusters, dim), unit length
    langs: np.ndarray  # str, the passage language of each cluster

    def __post_init__(self) -> None:
        if not len(self.starts) == len(self.centroids) + 1 == len(self.langs) + 1:
            raise ValueError(
                f"{len(self.starts)} cluster starts for {len(self.centroids)} centroids "
                f"and {len(self.langs)} languages"
            )

    def __len__(self) -> int:
        return len(self.centroids)

    @classmethod
    def empty(cls, dim: int) -> "Clusters":
        return cls(
            np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros((0, dim), np.float32), np.zeros(0, str)
        )


def cluster(vectors: np.ndarray, langs: np.ndarray) -> Clusters:
    """k-means per language (inner product on unit vectors), about CLUSTER_ROWS rows a cluster;
    a language with under MIN_ROWS rows here is left out (searched exactly)."""
    dim = vectors.shape[1]
    rows, starts, centroids, cluster_langs = [], [0], [], []
    for lang in sorted(set(langs.tolist())):
        members = np.flatnonzero(langs == lang)
        if len(members) < MIN_ROWS:
            continue
        count = len(members) // CLUSTER_ROWS
        taken = min(len(members), count * TRAIN_PER_CLUSTER)
        sample = members[np.linspace(0, len(members) - 1, taken).astype(np.int64)]
        kmeans = faiss.Kmeans(
            dim, count, niter=ITERATIONS, seed=SEED, spherical=True, max_points_per_centroid=TRAIN_PER_CLUSTER
        )
        kmeans.train(np.ascontiguousarray(vectors[sample], dtype=np.float32))
        means = np.asarray(kmeans.centroids, dtype=np.float32)
        index = faiss.IndexFlatIP(dim)
        index.add(means)
        _, nearest = index.search(np.ascontiguousarray(vectors[members], dtype=np.float32), 1)
        order = np.argsort(nearest[:, 0], kind="stable")
        sizes = np.bincount(nearest[:, 0], minlength=count)
        rows.append(members[order])
        starts.extend((starts[-1] + np.cumsum(sizes)).tolist())
        centroids.append(means)
        cluster_langs += [lang] * count
    if not centroids:
        return Clusters.empty(dim)
    return Clusters(
        np.concatenate(rows).astype(np.int64),
        np.asarray(starts, dtype=np.int64),
        np.concatenate(centroids).astype(np.float32),
        np.asarray(cluster_langs, dtype=str),
    )
