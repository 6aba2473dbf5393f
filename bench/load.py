"""python -m bench load: askers and uploaders on one library, in one process.

`users` threads ask real questions through the product's search and extractive answer
(rag.answer.answer, one Retriever shared as the page shares it) while `uploads` threads add
small text files through the product's add path (ingest.pipeline.add_file: a reader
process, chunking, embedding, one commit each). At the end every document whose add
reported success must be in the library and found by a keyword search for its own code;
those that are not are lost. Every exception is an error, printed with its type and message.
"""

import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.metrics import percentile
from ingest.embed import Embedder
from ingest.pipeline import add_file
from ingest.store import Store
from ingest.worker import Reader
from rag.answer import answer
from rag.retrieve import Retriever

SEED_DOCUMENTS = 8
CHUNK_TOKENS, CHUNK_OVERLAP = 320, 48  # the product's defaults (ingest/settings.py)


def fact_text(n: int) -> str:
    """A small bilingual document about one made-up product, XRn."""
    return (
        f"产品手册 XR{n}\n\n型号 XR{n} 的电池容量为 {3000 + n} 毫安时，重量为 {200 + n % 97} 克。"
        f"该型号于 {2000 + n % 25} 年在杭州发布。\n\n"
        f"Product sheet XR{n}\n\nThe XR{n} charger delivers {10 + n % 90} watts and its cable "
        f"is {1 + n % 3} metres long. It was designed in Shenzhen.\n"
    )


def questions(n: int) -> list[str]:
    return [f"型号 XR{n} 的电池容量是多少？", f"How many watts does the XR{n} charger deliver?"]


@dataclass
class Tally:
    """What the threads report, under one lock."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    upload_errors: int = 0
    added: list[tuple[str, int]] = field(default_factory=list)  # (doc_id, n)
    known: list[int] = field(default_factory=list)  # products the askers may ask about
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, who: str, exc: BaseException, upload: bool = False) -> None:
        print(f"{who}: {type(exc).__name__}: {exc}", file=sys.stderr)
        traceback.print_exc(limit=-3, file=sys.stderr)
        with self.lock:
            if upload:
                self.upload_errors += 1
            else:
                self.errors += 1


def run(
    embedder: Embedder, users: int, seconds: float, uploads: int, seeds: int = SEED_DOCUMENTS
) -> dict[str, Any]:
    """Ask and upload for `seconds` on a library of `seeds` documents; counts and latencies of
    the questions, documents added and lost."""
    if users < 1 or seconds <= 0 or uploads < 0 or seeds < 1:
        raise ValueError(
            f"need users, seeds >= 1, seconds > 0, uploads >= 0, got {users}, {seeds}, {seconds}, {uploads}"
        )
    with tempfile.TemporaryDirectory(prefix="docqa-load-") as scratch:
        data = Path(scratch) / "library"
        files = Path(scratch) / "files"
        files.mkdir()
        store = Store(data, embedder.name, embedder.dim)
        reader = Reader(ocr=None)  # text files: nothing to recognise
        tally = Tally()
        for n in range(seeds):
            upload(store, embedder, reader, files, n, tally)
        retriever = Retriever(store, embedder)
        for question in questions(0):  # jieba, the dictionary of translations: loaded once, untimed
            answer(question, retriever, None)
        deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=ask, args=(retriever, tally, u, deadline)) for u in range(users)]
        threads += [
            threading.Thread(
                target=keep_uploading, args=(store, embedder, reader, files, u, uploads, tally, deadline)
            )
            for u in range(uploads)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        uploaded = tally.added[seeds:]
        lost = [doc_id for doc_id, n in uploaded if not findable(Retriever(store, embedder), doc_id, n)]
        for doc_id in lost:
            print(f"lost: {doc_id} was added but is not found", file=sys.stderr)
        store.close()
    return {
        "questions": len(tally.latencies), "errors": tally.errors,
        "p50_ms": round(percentile(tally.latencies, 50), 1) if tally.latencies else None,
        "p95_ms": round(percentile(tally.latencies, 95), 1) if tally.latencies else None,
        "documents_added": len(uploaded), "documents_lost": len(lost), "upload_errors": tally.upload_errors,
        "users": users, "uploaders": uploads, "seconds": seconds, "embedder": embedder.name,
    }  # fmt: skip


def ask(retriever: Retriever, tally: Tally, user: int, deadline: float) -> None:
    turn = 0
    while time.monotonic() < deadline:
        with tally.lock:
            n = tally.known[(user * 7 + turn) % len(tally.known)]
        question = questions(n)[(user + turn) % 2]
        turn += 1
        start = time.perf_counter()
        try:
            answer(question, retriever, None)
        except Exception as exc:  # every failure is a finding: count it, say what it was
            tally.error(f"asker {user}", exc)
            continue
        with tally.lock:
            tally.latencies.append(1000 * (time.perf_counter() - start))


def keep_uploading(
    store: Store, embedder: Embedder, reader: Reader, files: Path, first: int, uploads: int,
    tally: Tally, deadline: float,
) -> None:  # fmt: skip
    """Documents first, first + uploads, ... until the deadline."""
    n = first
    while time.monotonic() < deadline:
        try:
            upload(store, embedder, reader, files, n, tally)
        except Exception as exc:  # counted apart from the askers' errors, and printed
            tally.error(f"uploader of XR{n}", exc, upload=True)
        n += uploads


def upload(store: Store, embedder: Embedder, reader: Reader, files: Path, n: int, tally: Tally) -> None:
    path = files / f"xr-{n}.txt"
    path.write_text(fact_text(n), encoding="utf-8")
    added = add_file(path, store, embedder, CHUNK_TOKENS, CHUNK_OVERLAP, reader=reader)
    if added.new:
        with tally.lock:
            tally.added.append((added.document.doc_id, n))
            tally.known.append(n)


def findable(retriever: Retriever, doc_id: str, n: int) -> bool:
    """Stored, and the first keyword hit for its own product code."""
    if retriever.store.document(doc_id) is None:
        return False
    hits = retriever.search(f"XR{n}", k=3, mode="keyword")
    return any(h.doc_id == doc_id for h in hits)


def render(report: dict[str, Any]) -> str:
    return "\n".join(f"{key:>16} {value}" for key, value in report.items())
