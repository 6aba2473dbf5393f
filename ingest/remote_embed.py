"""An embedding model served elsewhere (vLLM's OpenAI-style /v1/embeddings), batch first."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from huggingface_hub import hf_hub_download
from openai import NotFoundError, OpenAI, OpenAIError
from tokenizers import Tokenizer

from ingest.errors import EmbedderUnavailable

# What each family was trained to see before a query or a passage; the server adds nothing.
WEB_SEARCH = "Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery:"
BGE_ZH = "为这个句子生成表示以用于检索相关文章："
BGE_EN = "Represent this sentence for searching relevant passages: "


def prefixes(model: str) -> tuple[str, str]:
    """(query prefix, passage prefix) for the model family `model` belongs to."""
    name = Path(model).name.lower()
    if "e5" in name and "instruct" in name:
        return WEB_SEARCH + " ", ""
    if "e5" in name:
        return "query: ", "passage: "
    if "qwen3-embedding" in name or "gte-qwen" in name:
        return WEB_SEARCH, ""
    if name.startswith("bge-") and "v1.5" in name:
        return (BGE_ZH if "-zh" in name else BGE_EN), ""
    return "", ""  # bge-m3, MiniLM and most others: no prefix


def load_tokenizer(model: str) -> Tokenizer:
    """The served model's tokenizer (a local folder, or the hub id it is served under), so
    chunks are measured in the model's own tokens without torch."""
    folder = Path(model)
    # From the hub cache the model server filled (compose shares it); HF_HUB_OFFLINE is honoured.
    path = folder / "tokenizer.json" if folder.is_dir() else hf_hub_download(model, "tokenizer.json")
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()  # a count, not an input: the server truncates what it embeds
    tokenizer.no_padding()
    return tokenizer


class RemoteEmbedder:
    """`model` as served at `base_url`; the library records that name like any other model's.
    A call is cut into requests of at most `request_size` texts, `in_flight` of them at once;
    the openai client retries 5xx replies, timeouts and refused connections with backoff."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "EMPTY",
        timeout: float = 60.0,
        in_flight: int = 4,
        retries: int = 3,
        request_size: int = 64,
    ) -> None:
        if not base_url.strip() or not model.strip():
            raise ValueError(f"a remote embedder needs a URL and a model, got {base_url!r} and {model!r}")
        if in_flight <= 0 or request_size <= 0:
            raise ValueError(f"in_flight and request_size must be > 0, got {in_flight} and {request_size}")
        self.base_url, self.name = base_url.rstrip("/"), model
        self.in_flight, self.request_size = in_flight, request_size
        self.client = OpenAI(base_url=self.base_url, api_key=api_key, timeout=timeout, max_retries=retries)
        self._pool = ThreadPoolExecutor(in_flight, thread_name_prefix="embed")
        self._query_prefix, self._passage_prefix = prefixes(model)
        self._tokenizer = load_tokenizer(model)
        self.dim = 0
        self.dim = int(self._request(["dimension probe"]).shape[1])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed([self._passage_prefix + t for t in texts])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed([self._query_prefix + t for t in texts])

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def _embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        size = min(self.request_size, -(-len(texts) // self.in_flight))  # spread over the requests
        parts = [texts[i : i + size] for i in range(0, len(texts), size)]
        return np.concatenate(list(self._pool.map(self._request, parts)))

    def _request(self, texts: list[str]) -> np.ndarray:
        try:
            reply = self.client.embeddings.create(
                model=self.name,
                input=texts,
                encoding_format="float",
                # Past the model's length the server keeps the start, as sentence-transformers does.
                extra_body={"truncate_prompt_tokens": -1, "truncation_side": "right"},
            )
        except NotFoundError as exc:
            raise EmbedderUnavailable(
                f"the embedding server at {self.base_url} does not serve the model '{self.name}' "
                f"({exc.message}); set RAG_EMBED_MODEL to the name it serves"
            ) from exc
        except OpenAIError as exc:
            raise EmbedderUnavailable(
                f"the embedding server at {self.base_url} could not embed ({type(exc).__name__}: {exc}); "
                "check that it is running, then try again"
            ) from exc
        rows = sorted(reply.data, key=lambda row: row.index)
        vectors = np.array([row.embedding for row in rows], dtype=np.float32).reshape(len(texts), -1)
        if self.dim and vectors.shape[1] != self.dim:
            raise EmbedderUnavailable(
                f"the embedding server at {self.base_url} answered with {vectors.shape[1]} dimensions, "
                f"not {self.dim}: the model it serves as '{self.name}' changed"
            )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)  # normalized, so inner product is cosine
