"""The library's passages in Milvus: one collection per library, one entity per chunk.

Each entity holds what a search filters on (document, collection, language, the generation
that added it) beside the chunk's vector and its keyword weights; the rows themselves
(documents, pages, chunks) stay in the library's SQLite database.

`uri` is a file path for the embedded engine (milvus-lite starts a server process of its
own: close the client to stop it) or http://host:19530 for a Milvus server or cluster.
"""

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

TEXT_BYTES = 65535  # Milvus's longest VARCHAR; a chunk of a few hundred tokens is far below
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")
FIELDS = ("id", "doc_id", "collection", "lang", "generation")
BATCH = 1000  # ids per delete or query expression
MAX_K = 16384  # Milvus's largest topk


@dataclass(frozen=True)
class Passage:
    """One chunk as Milvus keeps it: its id in the library, what filters see, its vector and
    its keyword weights (term hash -> BM25 weight of the term in this passage)."""

    chunk_id: int
    doc_id: str
    collection: str
    lang: str
    generation: int
    vector: np.ndarray
    text: str
    keywords: dict[int, float]


def is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "tcp://", "grpc://"))


def connect(uri: str, token: str = "") -> Any:
    """A MilvusClient for `uri`: a server, or the embedded engine in a file (its folder is made)."""
    from pymilvus import MilvusClient  # the optional extra: only RAG_INDEX=milvus needs it

    if not is_server(uri):
        if not uri.endswith(".db"):
            raise ValueError(f"an embedded Milvus file must end in .db, got {uri!r}")
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    return MilvusClient(uri=uri, token=token)


class Passages:
    """One library's collection in Milvus; a client is a connection: close it when done."""

    def __init__(self, client: Any, name: str, dim: int) -> None:
        if not NAME.match(name):
            raise ValueError(f"a Milvus collection name is letters, digits and _, got {name!r}")
        if dim <= 0:
            raise ValueError(f"dim must be > 0, got {dim}")
        self.client, self.name, self.dim = client, name, dim
        if not client.has_collection(name):
            self._create()
        self._check_dim()
        client.load_collection(name)

    @classmethod
    def open(cls, uri: str, token: str, name: str, dim: int) -> "Passages":
        client = connect(uri, token)
        try:
            return cls(client, name, dim)
        except BaseException:
            client.close()
            raise

    def _create(self) -> None:
        from pymilvus import DataType, Function, FunctionType

        schema = self.client.create_schema(auto_id=False)
        schema.add_field("id", DataType.INT64, is_primary=True)  # the chunk's id in SQLite
        # Plain scalar fields: the embedded engine rejects filters on a partition key.
        schema.add_field("doc_id", DataType.VARCHAR, max_length=64)
        schema.add_field("collection", DataType.VARCHAR, max_length=256)
        schema.add_field("lang", DataType.VARCHAR, max_length=16)
        schema.add_field("generation", DataType.INT64)  # searches see generations up to the committed one
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.dim)
        # Milvus's own BM25 (jieba inside Milvus) over the text, beside the product's weights
        chinese = {"type": "chinese"}
        schema.add_field(
            "text", DataType.VARCHAR, max_length=TEXT_BYTES, enable_analyzer=True, analyzer_params=chinese
        )
        schema.add_field("bm25", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field("keywords", DataType.SPARSE_FLOAT_VECTOR)
        bm25 = Function(
            name="text_bm25", function_type=FunctionType.BM25, input_field_names=["text"],
            output_field_names=["bm25"],
        )  # fmt: skip
        schema.add_function(bm25)
        index = self.client.prepare_index_params()
        index.add_index("vector", index_type="FLAT", metric_type="IP")  # normalized: IP is cosine
        index.add_index("bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        index.add_index("keywords", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
        self.client.create_collection(self.name, schema=schema, index_params=index)

    def _check_dim(self) -> None:
        fields = self.client.describe_collection(self.name)["fields"]
        dims = [int(f.get("params", {}).get("dim", 0)) for f in fields if f["name"] == "vector"]
        if dims != [self.dim]:
            raise ValueError(f"Milvus collection {self.name} holds vectors of {dims} dims, not {self.dim}")

    # -- writing ---------------------------------------------------------------------------
    def insert(self, passages: Sequence[Passage]) -> None:
        """Add (or replace, by chunk id) these passages."""
        rows = []
        for p in passages:
            if len(p.vector) != self.dim:
                raise ValueError(f"chunk {p.chunk_id}: a vector of {len(p.vector)} dims, not {self.dim}")
            size = len(p.text.encode())
            if size > TEXT_BYTES:
                raise ValueError(f"chunk {p.chunk_id}: {size} bytes of text, Milvus keeps {TEXT_BYTES}")
            rows.append(
                {
                    "id": p.chunk_id, "doc_id": p.doc_id, "collection": p.collection, "lang": p.lang,
                    "generation": p.generation, "vector": np.asarray(p.vector, dtype=np.float32).tolist(),
                    "text": p.text, "keywords": p.keywords or {0: 0.0},
                }
            )  # fmt: skip
        if rows:
            self.client.upsert(self.name, rows)

    def delete(self, ids: Iterable[int]) -> None:
        chosen = [int(i) for i in ids]
        for first in range(0, len(chosen), BATCH):
            self.client.delete(self.name, ids=chosen[first : first + BATCH])

    def delete_after(self, generation: int) -> None:
        """Drop what an interrupted commit added past the committed `generation`."""
        self.client.delete(self.name, filter=f"generation > {int(generation)}")

    def drop(self) -> None:
        self.client.drop_collection(self.name)

    # -- reading ---------------------------------------------------------------------------
    def count(self, generation: int | None = None) -> int:
        where = "" if generation is None else f"generation <= {int(generation)}"
        rows = self.client.query(self.name, filter=where, output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def walk(self, where: str = "", fields: Sequence[str] = ("id",)) -> Iterator[list[dict[str, Any]]]:
        """Every entity under `where`, a page at a time: a walk over a large library."""
        pages = self.client.query_iterator(
            self.name, batch_size=BATCH, filter=where, output_fields=list(fields)
        )
        try:
            while page := pages.next():
                yield page
        finally:
            pages.close()

    def fetch(self, ids: Sequence[int], fields: Sequence[str] = FIELDS) -> dict[int, dict[str, Any]]:
        """Chosen fields of these entities by chunk id (missing ids are left out)."""
        found: dict[int, dict[str, Any]] = {}
        chosen = [int(i) for i in ids]
        for first in range(0, len(chosen), BATCH):
            batch = chosen[first : first + BATCH]
            rows = self.client.query(self.name, filter=f"id in {batch}", output_fields=list({"id", *fields}))
            found.update((int(r["id"]), r) for r in rows)
        return found

    def search(
        self, field: str, queries: list[Any], k: int, where: str, fields: Sequence[str] = ("doc_id", "lang")
    ) -> list[list[tuple[int, float, dict[str, Any]]]]:
        """For each query: (chunk id, score, chosen fields) of the k best entities under `where`,
        best first. `field` is vector (inner product), keywords (sparse inner product) or bm25
        (Milvus's BM25, the query being text)."""
        if k <= 0 or not queries:
            return [[] for _ in queries]
        metric = {"vector": "IP", "keywords": "IP", "bm25": "BM25"}[field]
        found = self.client.search(
            self.name, data=queries, anns_field=field, limit=min(k, MAX_K), filter=where,
            output_fields=list(fields), search_params={"metric_type": metric},
        )  # fmt: skip
        return [[(int(h["id"]), float(h["distance"]), h["entity"]) for h in hits] for hits in found]

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Passages":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def quoted(values: Iterable[str]) -> str:
    """A Milvus list literal of strings: ["a", "b"] (JSON escaping is Milvus's escaping)."""
    return json.dumps(sorted(set(values)), ensure_ascii=False)
