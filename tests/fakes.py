"""Deterministic stand-ins for the embedding model and the reader, for unit tests."""

import hashlib
import re
from pathlib import Path

import numpy as np

from ingest.load import Loaded, load_file
from ingest.read_progress import ReadProgress, ignore
from ingest.worker import Reader

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


class FakeLLM:
    """A chat model with scripted replies; records what it was sent; can fail on demand."""

    def __init__(self, replies: list[str] | None = None, error: Exception | None = None) -> None:
        self.replies, self.error = list(replies or []), error
        self.sent: list[list[dict[str, str]]] = []

    def stream(self, messages: list[dict[str, str]]):  # type: ignore[no-untyped-def]
        self.sent.append(messages)
        if self.error is not None:
            raise self.error
        reply = self.replies.pop(0) if self.replies else "[1]"
        for i in range(0, len(reply), 3):
            yield reply[i : i + 3]

    def complete(self, messages: list[dict[str, str]]) -> str:
        return "".join(self.stream(messages))


class TextReader(Reader):
    """Reads files in this process, without OCR (no child process): for unit tests of what
    follows reading."""

    def read(self, path: Path, password: str | None = None, report: ReadProgress = ignore) -> Loaded:
        return load_file(path, password, self.max_pages, None, report=report)
