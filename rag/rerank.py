"""Optional cross-encoder reranking (e.g. BAAI/bge-reranker-v2-m3), off unless named in settings:
in-process with sentence-transformers, or served by vLLM (/v1/rerank)."""

from openai import OpenAI, OpenAIError

from ingest.settings import Settings


class RerankerUnavailable(Exception):
    """The rerank server could not score the passages; the message names it."""


class CrossEncoderReranker:
    """Scores (question, passage) pairs with a sentence-transformers CrossEncoder."""

    def __init__(self, model: str, device: str = "") -> None:
        if not model.strip():
            raise ValueError("rerank_model must name a model, got an empty string")
        from sentence_transformers import CrossEncoder  # optional: the `local` extra

        self.name = model
        self.model = CrossEncoder(model, device=device or None)  # None: a GPU when there is one

    def rerank(self, query: str, texts: list[str]) -> list[float]:
        """One relevance score per text, higher is better."""
        if not texts:
            return []
        scores = self.model.predict([(query, text) for text in texts], show_progress_bar=False)
        return [float(s) for s in scores]


class RemoteReranker:
    """A cross-encoder served at `base_url` (vLLM's /v1/rerank), through the openai client's
    plain POST; the client retries 5xx replies, timeouts and refused connections once."""

    def __init__(self, base_url: str, model: str, api_key: str = "EMPTY", timeout: float = 30.0) -> None:
        if not base_url.strip() or not model.strip():
            raise ValueError(f"a remote reranker needs a URL and a model, got {base_url!r} and {model!r}")
        self.base_url, self.name = base_url.rstrip("/"), model
        # One retry: a failed rerank keeps the fused order, better than a long wait.
        self.client = OpenAI(base_url=self.base_url, api_key=api_key, timeout=timeout, max_retries=1)

    def rerank(self, query: str, texts: list[str]) -> list[float]:
        """One relevance score per text, higher is better; RerankerUnavailable when the server fails."""
        if not texts:
            return []
        body = {"model": self.name, "query": query, "documents": texts, "top_n": len(texts)}
        try:
            reply = self.client.post("/rerank", body=body, cast_to=object)
        except OpenAIError as exc:
            reason = f"{type(exc).__name__}: {exc}"
            raise RerankerUnavailable(f"the rerank server at {self.base_url} failed ({reason})") from exc
        return self._scores(reply, len(texts))

    def _scores(self, reply: object, count: int) -> list[float]:
        results = reply.get("results", []) if isinstance(reply, dict) else []
        scores = {int(r["index"]): float(r["relevance_score"]) for r in results}
        if sorted(scores) != list(range(count)):
            raise RerankerUnavailable(f"the rerank server at {self.base_url} scored {len(scores)} of {count}")
        return [scores[i] for i in range(count)]


def reranker_of(settings: Settings) -> CrossEncoderReranker | RemoteReranker | None:
    """The reranker settings name: served, in-process, or none."""
    if not settings.rerank_model:
        return None
    if settings.rerank_base_url:
        return RemoteReranker(
            settings.rerank_base_url, settings.rerank_model, settings.embed_api_key, settings.rerank_timeout
        )
    return CrossEncoderReranker(settings.rerank_model, settings.device)
