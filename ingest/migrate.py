"""python -m ingest migrate --to milvus|local: copy a library's passages into Milvus, or back.

Runs under the library's write lock (no commit meanwhile), in batches; a copy that stopped
part way resumes where Milvus already holds the passages. The language sums and term
frequencies searches need are written to the library's database in one transaction at the
end, and the copy is verified by counts before it is reported done.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

from ingest import milvus_stats
from ingest.keywords import keyword_tokens
from ingest.milvus import Passage, Passages
from ingest.store import Store

BATCH = 500


def present(passages: Passages, generation: int) -> dict[int, str]:
    """Chunk id -> collection of what Milvus holds up to `generation` (walked in pages)."""
    return {
        int(r["id"]): r["collection"]
        for page in passages.walk(f"generation <= {int(generation)}", ("collection",))
        for r in page
    }


def to_milvus(store: Store, passages: Passages, progress: Callable[[int, int], Any] | None = None) -> int:
    """Copy every chunk of `store` into `passages`; returns how many Milvus holds after."""
    with store.exclusive() as indexes:
        generation = store.generation()
        passages.delete_after(generation)  # what an interrupted commit left
        ids = store.chunk_ids()
        there = present(passages, generation)
        passages.delete(set(there) - set(ids))  # passages of documents removed since an earlier copy
        collection_of = {d.doc_id: d.collection for d in store.documents()}
        vectors_of = indexes.vectors_by_id()
        langs: list[str] = []
        terms: list[dict[int, float]] = []
        matrix = np.zeros((len(ids), store.dim), dtype=np.float32)
        for first in range(0, len(ids), BATCH):
            batch = ids[first : first + BATCH]
            chunks = store.chunks_by_id(batch)
            rows = []
            for position, chunk_id in enumerate(batch, start=first):
                chunk = chunks[chunk_id]
                vector = np.asarray(vectors_of[chunk_id])
                counts = milvus_stats.term_counts(keyword_tokens(chunk.text))
                matrix[position], counts_lang = vector, chunk.lang
                langs.append(counts_lang)
                terms.append(counts)
                collection = collection_of.get(chunk.doc_id, "")
                if there.get(chunk_id) != collection:  # not copied yet, or its collection renamed since
                    rows.append(
                        Passage(
                            chunk_id,
                            chunk.doc_id,
                            collection,
                            chunk.lang,
                            generation,
                            vector,
                            chunk.text,
                            counts,
                        )
                    )
            passages.insert(rows)
            if progress:
                progress(min(first + BATCH, len(ids)), len(ids))
        db = store._db
        milvus_stats.create(db)
        db.execute("DELETE FROM milvus_langs")
        db.execute("DELETE FROM milvus_terms")
        db.execute("DELETE FROM milvus_meta")
        milvus_stats.update(db, matrix, langs, terms, 1)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('index', 'milvus')")
        db.commit()
        held = passages.count(generation)
        if held != len(ids):
            raise RuntimeError(
                f"Milvus holds {held} passages of generation <= {generation}, the library {len(ids)}"
            )
        return held


def to_local(store: Store, passages: Passages) -> int:
    """Rebuild the local index files from the vectors Milvus holds (one commit); returns how
    many passages the new files hold."""
    generation = store.generation()
    ids = store.chunk_ids()
    vectors: dict[int, np.ndarray] = {}
    for page in passages.walk(f"generation <= {int(generation)}", ("vector",)):
        vectors.update((int(r["id"]), np.asarray(r["vector"], dtype=np.float32)) for r in page)
    missing = [i for i in ids if i not in vectors]
    if missing:
        raise RuntimeError(
            f"Milvus lacks {len(missing)} of the library's {len(ids)} passages, e.g. {missing[:5]}"
        )
    store.reembed(lambda batch, _texts: np.stack([vectors[i] for i in batch]))
    with store.exclusive():
        store._db.execute("INSERT OR REPLACE INTO meta VALUES ('index', 'local')")
        store._db.commit()
    held = store.indexes().count
    if held != len(ids):
        raise RuntimeError(f"the local index holds {held} passages, the library {len(ids)}")
    return held
