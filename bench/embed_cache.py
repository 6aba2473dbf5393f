"""An embedder that remembers passage vectors on disk, so benchmark reruns skip re-embedding."""

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

from ingest.embed import Embedder


class CachedEmbedder:
    """Wraps an embedder; passage vectors are cached by model and text, queries never are."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        self.hits = self.misses = 0

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.name}\0{text}".encode()).hexdigest()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        marks = ",".join("?" * len(keys))
        found = dict(self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", keys))
        missing = [i for i, key in enumerate(keys) if key not in found]
        if missing:
            vectors = self.inner.embed_passages([texts[i] for i in missing])
            rows = [(keys[i], v.astype(np.float32).tobytes()) for i, v in zip(missing, vectors, strict=True)]
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            self._db.commit()
            found.update(rows)
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        out = [np.frombuffer(found[key], dtype=np.float32) for key in keys]
        return np.array(out, dtype=np.float32).reshape(-1, self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)
