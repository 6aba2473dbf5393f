"""Optional cross-encoder reranking (e.g. BAAI/bge-reranker-v2-m3), off unless named in settings."""


class CrossEncoderReranker:
    """Scores (question, passage) pairs with a sentence-transformers CrossEncoder."""

    def __init__(self, model: str) -> None:
        if not model.strip():
            raise ValueError("rerank_model must name a model, got an empty string")
        from sentence_transformers import CrossEncoder

        self.name = model
        self.model = CrossEncoder(model, device="cpu")

    def rerank(self, query: str, texts: list[str]) -> list[float]:
        """One relevance score per text, higher is better."""
        if not texts:
            return []
        scores = self.model.predict([(query, text) for text in texts], show_progress_bar=False)
        return [float(s) for s in scores]
