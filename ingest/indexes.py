"""The search indexes of one committed generation: FAISS vectors and BM25 keywords, one
file each, written under new names before the commit that makes them current."""

import re
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from ingest.atomic import write_atomic
from ingest.keywords import KeywordIndex, keyword_tokens

# a generation's files, or a temporary one (write_atomic: NAME.RANDOM.tmp) a writer left
FILE = re.compile(r"^(?:index-(\d+)\.faiss|keywords-(\d+)\.npz)((?:\.[0-9a-f]+)?\.tmp)?$")


@dataclass(frozen=True)
class Indexes:
    """Dense and keyword indexes over the same chunk ids."""

    vectors: faiss.Index
    keywords: KeywordIndex

    @classmethod
    def empty(cls, dim: int) -> "Indexes":
        # exact inner product over ids we choose; vectors are normalized, so IP is cosine
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dim)), KeywordIndex.empty())

    @classmethod
    def read(cls, data_dir: Path, generation: int, dim: int) -> "Indexes":
        """The indexes of `generation`; generation 0 is the empty library, which has no files."""
        if generation == 0:
            return cls.empty(dim)
        vectors, keywords = paths(data_dir, generation)
        return cls(faiss.read_index(str(vectors)), KeywordIndex.read(str(keywords)))

    def write(self, data_dir: Path, generation: int) -> None:
        vectors, keywords = paths(data_dir, generation)
        write_atomic(vectors, lambda handle: handle.write(faiss.serialize_index(self.vectors).tobytes()))
        self.keywords.write(str(keywords))

    def add(self, ids: list[int], vectors: np.ndarray, texts: list[str]) -> "Indexes":
        if not len(ids) == len(vectors) == len(texts):
            raise ValueError(f"{len(ids)} ids for {len(vectors)} vectors and {len(texts)} texts")
        if ids:
            self.vectors.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype="int64")
            )
        return Indexes(self.vectors, self.keywords.add(ids, [keyword_tokens(t) for t in texts]))

    def remove(self, ids: list[int]) -> "Indexes":
        self.vectors.remove_ids(np.asarray(ids, dtype="int64"))  # type: ignore[arg-type]
        return Indexes(self.vectors, self.keywords.remove(ids))


def paths(data_dir: Path, generation: int) -> tuple[Path, Path]:
    return data_dir / f"index-{generation}.faiss", data_dir / f"keywords-{generation}.npz"


def remove_stale(data_dir: Path, keep: int) -> None:
    """Delete index files of other generations (older ones, or ones a crash left uncommitted)."""
    for path in data_dir.iterdir():
        match = FILE.match(path.name)
        if match and (match.group(3) or int(match.group(1) or match.group(2)) != keep):
            path.unlink(missing_ok=True)
