"""The search indexes of one committed generation: a small manifest naming its segments
(ingest/segments.py) and the ids removed since they were written (tombstones).

A commit writes its new segment and the next manifest under new names, before the SQLite
transaction that makes that generation current; nothing already written is rewritten. A
bounded merge compacts small segments (and drops their tombstones) as part of a commit.
Libraries written before segments (one FAISS file and one keyword file per generation) are
read as one segment and rewritten in segments by their next commit.
"""

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import faiss
import numpy as np

from ingest.atomic import write_atomic
from ingest.keywords import KeywordIndex, Keywords
from ingest.segments import FOLDER, Segment, merged
from ingest.segments import path as segment_path

# a generation's files before segments, or a temporary one (write_atomic: NAME.RANDOM.tmp)
FILE = re.compile(r"^(?:index-(\d+)\.faiss|keywords-(\d+)\.npz)((?:\.[0-9a-f]+)?\.tmp)?$")
MERGE_AT = 4  # this many segments of one size tier (sizes within a factor of 4) are merged
MERGE_MAX = 25_000  # segments this large are not merged: no commit rewrites over 4 x 25,000 rows
Loader = Callable[[str], Segment]


@dataclass(frozen=True)
class Indexes:
    """One version: segments by name (loaded when first needed), tombstones, new segments."""

    names: tuple[str, ...]
    sizes: tuple[int, ...]
    removed: np.ndarray  # int64 ids, sorted
    next_segment: int
    load: Loader
    fresh: tuple[Segment, ...] = ()  # added since read, not yet written
    _loaded: dict[str, Segment] = field(default_factory=dict, compare=False)

    @classmethod
    def empty(cls, dim: int, data_dir: Path | None = None) -> "Indexes":
        return cls((), (), np.zeros(0, np.int64), 1, _loader(data_dir))

    @classmethod
    def read(
        cls,
        data_dir: Path,
        generation: int,
        dim: int,
        load: Loader | None = None,
        langs: Callable[[], dict[int, str]] | None = None,
    ) -> "Indexes":
        """The indexes of `generation`; generation 0 is the empty library, which has no files.
        `load` reads one segment (a reader passes its cache); `langs` gives the chunk languages
        a library written before segments needs."""
        if generation == 0:
            return cls.empty(dim, data_dir)
        load = load or _loader(data_dir)
        manifest = manifest_path(data_dir, generation)
        if not manifest.is_file() and (data_dir / f"index-{generation}.faiss").is_file():
            return _legacy(data_dir, generation, langs() if langs else {})
        version = json.loads(manifest.read_text(encoding="utf-8"))
        names, sizes = zip(*version["segments"], strict=True) if version["segments"] else ((), ())
        removed = np.array(sorted(version["removed"]), dtype=np.int64)
        return cls(tuple(names), tuple(sizes), removed, int(version["next"]), load)

    def segments(self) -> list[Segment]:
        """Every segment of this version, written or not."""
        for name in self.names:
            if name not in self._loaded:
                self._loaded[name] = self.load(name)
        return [*(self._loaded[name] for name in self.names), *self.fresh]

    @property
    def count(self) -> int:
        """Rows not removed."""
        return sum(self.sizes) + sum(len(s) for s in self.fresh) - len(self.removed)

    @property
    def keywords(self) -> Keywords:
        return Keywords([s.keywords for s in self.segments()])

    def vectors_by_id(self) -> dict[int, np.ndarray]:
        """Chunk id -> its vector (a view into its segment), for the ids not removed."""
        removed = set(self.removed.tolist())
        return {
            i: s.vectors[row]
            for s in self.segments()
            for row, i in enumerate(s.ids.tolist())
            if i not in removed
        }

    def add(self, ids: list[int], vectors: np.ndarray, texts: list[str], langs: list[str]) -> "Indexes":
        if not ids:
            return self
        segment = Segment.make(segment_name(self.next_segment), ids, langs, vectors, texts)
        return replace(
            self, fresh=(*self.fresh, segment), next_segment=self.next_segment + 1, _loaded=self._loaded
        )

    def remove(self, ids: list[int]) -> "Indexes":
        removed = np.union1d(self.removed, np.asarray(ids, dtype=np.int64))
        return replace(self, removed=removed, _loaded=self._loaded)

    def flush(self, data_dir: Path) -> "Indexes":
        """This version with its new segments written (not yet listed by any manifest: a
        crash before the commit leaves files the next writer removes)."""
        for segment in self.fresh:
            segment.write(data_dir)
            self._loaded[segment.name] = segment
        names = (*self.names, *(s.name for s in self.fresh))
        sizes = (*self.sizes, *(len(s) for s in self.fresh))
        return replace(self, names=names, sizes=sizes, fresh=(), _loaded=self._loaded)

    def write(self, data_dir: Path, generation: int) -> None:
        """Write the new segments (merging small ones) and this generation's manifest."""
        version = self._merged()
        for segment in version.fresh:
            segment.write(data_dir)
        names = [*version.names, *(s.name for s in version.fresh)]
        sizes = [*version.sizes, *(len(s) for s in version.fresh)]
        manifest = {
            "segments": list(zip(names, sizes, strict=True)),
            "removed": version.removed.tolist(),
            "next": version.next_segment,
        }
        manifest_path(data_dir, generation).parent.mkdir(exist_ok=True)
        write_atomic(
            manifest_path(data_dir, generation), lambda handle: handle.write(json.dumps(manifest).encode())
        )

    def _merged(self) -> "Indexes":
        """This version with the smallest tier's segments merged, when it holds MERGE_AT of them."""
        entries = [*zip(self.names, self.sizes, strict=True), *((s.name, len(s)) for s in self.fresh)]
        tiers: dict[int, list[str]] = {}
        for name, size in entries:
            if size < MERGE_MAX:
                tiers.setdefault(int(np.log(max(size, 1)) / np.log(MERGE_AT)), []).append(name)
        chosen = next((names for _, names in sorted(tiers.items()) if len(names) >= MERGE_AT), None)
        if chosen is None:
            return self
        by_name = {s.name: s for s in self.segments()}
        parts = [by_name[name] for name in chosen]
        gone = np.concatenate([s.ids for s in parts])
        segment = merged(parts, self.removed, segment_name(self.next_segment))
        kept = [(n, size) for n, size in zip(self.names, self.sizes, strict=True) if n not in chosen]
        return replace(
            self, names=tuple(n for n, _ in kept), sizes=tuple(size for _, size in kept),
            fresh=(*(s for s in self.fresh if s.name not in chosen), segment),
            removed=np.setdiff1d(self.removed, gone), next_segment=self.next_segment + 1,
            _loaded=self._loaded,
        )  # fmt: skip

    def files(self, data_dir: Path, generation: int) -> list[Path]:
        """The files this version reads: its manifest and its written segments (or, for a
        library from before segments, its two index files)."""
        if generation == 0:
            return []
        if not manifest_path(data_dir, generation).is_file():
            return [data_dir / f"index-{generation}.faiss", data_dir / f"keywords-{generation}.npz"]
        return [manifest_path(data_dir, generation), *(segment_path(data_dir, n) for n in self.names)]


def segment_name(number: int) -> str:
    # a random part too: a rebuild (ingest reindex) starts numbering again, and a reader that
    # cached a segment by its name must never be handed other vectors under it
    return f"segment-{number}-{secrets.token_hex(4)}"


def manifest_path(data_dir: Path, generation: int) -> Path:
    return Path(data_dir) / FOLDER / f"version-{generation}.json"


def _loader(data_dir: Path | None) -> Loader:
    def load(name: str) -> Segment:
        if data_dir is None:
            raise FileNotFoundError(f"segment {name} of an index kept in memory only")
        return Segment.read(data_dir, name)

    return load


def _legacy(data_dir: Path, generation: int, langs: dict[int, str]) -> Indexes:
    """A generation written before segments, as one segment kept in memory until rewritten."""
    index = faiss.read_index(str(data_dir / f"index-{generation}.faiss"))
    keywords = KeywordIndex.read(str(data_dir / f"keywords-{generation}.npz"))
    n, mapped = index.ntotal, index
    ids = faiss.vector_to_array(mapped.id_map).astype(np.int64) if n else np.zeros(0, np.int64)  # type: ignore[attr-defined]
    vectors = np.vstack([index.reconstruct(int(i)) for i in ids]) if n else np.zeros((0, index.d), np.float32)
    order = {int(i): row for row, i in enumerate(keywords.ids.tolist())}
    keywords = KeywordIndex(ids, keywords.counts[[order[int(i)] for i in ids]], keywords.vocab)
    segment = Segment(
        segment_name(0),
        ids,
        np.array([langs.get(int(i), "") for i in ids], dtype=str),
        vectors.astype(np.float32),
        keywords,
    )
    return Indexes((), (), np.zeros(0, np.int64), 1, _loader(data_dir), fresh=(segment,))


def index_files(data_dir: Path, generation: int) -> set[Path]:
    """The index files generation `generation` reads."""
    manifest = manifest_path(data_dir, generation)
    if generation == 0:
        return set()
    if not manifest.is_file():  # a library from before segments
        return {Path(data_dir) / f"index-{generation}.faiss", Path(data_dir) / f"keywords-{generation}.npz"}
    version = json.loads(manifest.read_text(encoding="utf-8"))
    return {manifest, *(segment_path(data_dir, name) for name, _ in version["segments"])}


def is_index_file(data_dir: Path, path: Path) -> bool:
    return path.parent == Path(data_dir) / FOLDER or bool(FILE.match(path.name))


def remove_stale(data_dir: Path, keep: int) -> None:
    """Delete index files generation `keep` does not read: older manifests and segments,
    what a crash left uncommitted, temporary files, files from before segments."""
    wanted = index_files(data_dir, keep)
    folder = Path(data_dir) / FOLDER
    for path in [*Path(data_dir).iterdir(), *(folder.iterdir() if folder.is_dir() else ())]:
        if path.is_file() and is_index_file(data_dir, path) and path not in wanted:
            path.unlink(missing_ok=True)
