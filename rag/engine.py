"""What retrieval reads from a library engine: one snapshot of one committed version.

A search takes one snapshot at its start and reads only from it, so a commit that lands
meanwhile (an upload, a removal) changes nothing the search sees: its vectors, keyword
postings, language groups, visibility filter and rows all belong to the same version.
Taking a snapshot never waits for a writer.

Chunk ids are the library's integer row ids (SQLite `chunks.id`): never reused, so a row
read by id is the same row in every version that holds it.

The local engine (rag/local.py) keeps FAISS files and BM25 postings beside SQLite; another
backend (e.g. Milvus) implements the same two protocols. What a backend must keep:

- dense: today's cross-language fairness (rag/dense.py). Passages in the question's language
  score by plain cosine; passages in another language by the cosine of the centered question
  and the centered passage (each minus its language's mean); then per passage language an
  affine calibration, so that scores are comparable across languages. An approximate backend
  searches each language group for candidates (the question vector for the same language,
  the centered question for the others) and rescores the candidates exactly, as the local
  engine does past a size (rag/probe.py).
- keyword: BM25 over `ingest.keywords.keyword_tokens`.
- translated: BM25 of groups of alternative terms (each group counts once, by its best
  alternative) over the passages of one language only.
- `visible`: None, or the ids of the documents the asking person may see; nothing outside
  them is returned by any leg.
"""

from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Protocol

import numpy as np

from ingest.records import Chunk
from rag.dense import Prototypes

Visible = frozenset[str] | None  # document ids a search may return; None: every document


class Snapshot(Protocol):
    """One committed version of the library, read by one search; close it when done."""

    version: int  # the commit's generation number

    def dense(self, query: np.ndarray, lang: str, k: int, visible: Visible) -> dict[int, float]:
        """Chunk id -> calibrated dense score of the k best passages for a `lang` question."""
        ...

    def keyword(self, query: str, k: int, visible: Visible) -> dict[int, float]:
        """Chunk id -> BM25 score of the k best passages for the question's terms."""
        ...

    def translated(self, groups: list[list[str]], lang: str, k: int, visible: Visible) -> dict[int, float]:
        """Chunk id -> BM25 score of the k best `lang` passages for groups of alternative terms."""
        ...

    def documents_in(self, collections: Iterable[str]) -> frozenset[str]:
        """The ids of the documents of these collections, in this version."""
        ...

    def langs(self, ids: Iterable[int]) -> dict[int, str]:
        """The language of each of these chunks."""
        ...

    def chunks(self, ids: Sequence[int]) -> dict[int, Chunk]:
        """The rows of these chunks."""
        ...

    def names(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """Document id -> file name, for these documents only."""
        ...

    def page_text(self, doc_id: str, page: int) -> str:
        """The text of one page (to cut a passage that spans two merged hits)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> "Snapshot": ...

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None: ...


class Engine(Protocol):
    """A library's search side: hands out snapshots of its latest committed version."""

    def snapshot(self) -> Snapshot: ...

    def prototypes(self) -> Prototypes:
        """Typical questions per language, embedded by the library's model."""
        ...
