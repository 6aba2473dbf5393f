"""Question -> hits: dense search over the library's FAISS index."""

from dataclasses import dataclass

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
    names = {d.doc_id: d.name for d in store.documents()}
    return [
        Hit(
            chunk_id=chunk.chunk_id,
            doc_id=chunk.doc_id,
            doc=names.get(chunk.doc_id, chunk.doc_id),
            page=chunk.page,
            page_end=chunk.page_end,
            start=chunk.start,
            end=chunk.end,
            text=chunk.text,
            lang=chunk.lang,
            score=score,
        )
        for chunk, score in store.search(embed_query(embedder, query), k)
    ]
