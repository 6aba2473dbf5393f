"""FAISS index files on disk, one file per committed generation, replaced atomically."""

import os
import re
from pathlib import Path

import faiss
import numpy as np

FILE = re.compile(r"^index-(\d+)\.faiss(\.tmp)?$")


def new_index(dim: int) -> faiss.IndexIDMap2:
    """Exact inner-product search over ids we choose; vectors are normalized, so IP is cosine."""
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))


def index_path(data_dir: Path, generation: int) -> Path:
    return data_dir / f"index-{generation}.faiss"


def read_index(data_dir: Path, generation: int, dim: int) -> faiss.Index:
    """The index of `generation`; generation 0 is the empty library, which has no file."""
    if generation == 0:
        return new_index(dim)
    index = faiss.read_index(str(index_path(data_dir, generation)))
    return index


def write_index(data_dir: Path, generation: int, index: faiss.Index) -> None:
    """Write to a temporary name, flush to disk, then rename: a reader sees all of it or none."""
    final = index_path(data_dir, generation)
    tmp = final.with_name(final.name + ".tmp")
    faiss.write_index(index, str(tmp))
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, final)
    _fsync_dir(data_dir)


def remove_stale(data_dir: Path, keep: int) -> None:
    """Delete index files of other generations (older ones, or one a crash left uncommitted)."""
    for path in data_dir.iterdir():
        match = FILE.match(path.name)
        if match and (match.group(2) or int(match.group(1)) != keep):
            path.unlink(missing_ok=True)


def add_vectors(index: faiss.Index, ids: list[int], vectors: np.ndarray) -> None:
    if len(ids) != len(vectors):
        raise ValueError(f"{len(ids)} ids for {len(vectors)} vectors")
    if len(ids):
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, "int64"))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
