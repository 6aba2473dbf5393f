"""Question -> hits: dense search over the library's FAISS index."""

from dataclasses import dataclass

import numpy as np

from ingest.embed import Embedder, embed_query
from ingest.store import Store


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with where it stands: document, page span, offsets on the page."""

    chunk_id: str
    doc_id: str
    doc: str
    page: int
    page_end: int
    start: int
    end: int
    text: str
    lang: str
    score: float


def search(store: Store, embedder: Embedder, query: str, k: int = 5) -> list[Hit]:
    """The k passages most similar to `query`, best first."""
    if not query.strip():
        raise ValueError("the question is empty")
    if k <= 0:
        raise ValueError(f"k must be > 0, got {k}")
    index = store.indexes().vectors
    if index.ntotal == 0:
        return []
    vector = embed_query(embedder, query).reshape(1, -1).astype(np.float32)
    scores, ids = index.search(vector, min(k, index.ntotal))
    found = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
    chunks = store.chunks_by_id([i for i, _ in found])
    names = {d.doc_id: d.name for d in store.documents()}
    return [
        Hit(
            chunk_id=c.chunk_id,
            doc_id=c.doc_id,
            doc=names.get(c.doc_id, c.doc_id),
            page=c.page,
            page_end=c.page_end,
            start=c.start,
            end=c.end,
            text=c.text,
            lang=c.lang,
            score=score,
        )
        for c, score in ((chunks[i], s) for i, s in found if i in chunks)
    ]
