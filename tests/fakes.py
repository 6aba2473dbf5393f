"""Deterministic stand-ins for the embedding model, for unit tests."""

import hashlib
import re

import numpy as np

TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[A-Za-z]+|\d+|[^\w\s]")


def count_tokens(text: str) -> int:
    """A tokenizer-like count: one per Han character, word, number or punctuation mark."""
    return len(TOKEN.findall(text))


class FakeEmbedder:
    """Hashed character uni- and bigrams: similar texts get similar vectors, in any language."""

    def __init__(self, name: str = "fake", dim: int = 64) -> None:
        self.name, self.dim = name, dim

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        grams = list(text) + [text[i : i + 2] for i in range(len(text) - 1)]
        for gram in grams:
            if gram.strip():
                slot = int.from_bytes(hashlib.md5(gram.encode()).digest()[:4], "little")
                vector[slot % self.dim] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.array([self._vector(t) for t in texts], dtype=np.float32).reshape(-1, self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_passages(texts)

    def count_tokens(self, text: str) -> int:
        return count_tokens(text)
