"""python -m bench ingestion DIR: ingestion speed on real PDFs, and how much of it is embedding.

Ingests every PDF under DIR into a temporary library, then embeds the same chunk texts
again on their own, in the same run, so the two are compared on the same machine state.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from ingest.errors import IngestError
from ingest.library import embedder_of
from ingest.pipeline import add_file, embed_in_batches
from ingest.settings import load_settings
from ingest.store import Store


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(prog="python -m bench ingestion", description=__doc__)
    args.add_argument("folder", type=Path)
    args.add_argument("--json", action="store_true")
    options = args.parse_args(argv)
    pdfs = sorted(options.folder.rglob("*.pdf")) if options.folder.is_dir() else []
    if not pdfs:
        print(f"no PDFs under {options.folder}: nothing to measure (the shared corpus is absent)")
        return 0
    report = measure(pdfs)
    print(json.dumps(report, ensure_ascii=False) if options.json else render(report))
    return 0


def measure(pdfs: list[Path]) -> dict[str, object]:
    settings = load_settings()
    embedder = embedder_of(settings)
    timings: dict[str, float] = {}
    failed: dict[str, str] = {}
    pages = 0
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder), embedder.name, embedder.dim)
        start = time.perf_counter()
        for pdf in pdfs:
            try:
                added = add_file(
                    pdf, store, embedder, settings.chunk_tokens, settings.chunk_overlap,
                    batch_size=settings.embed_batch, timings=timings,
                )  # fmt: skip
                pages += added.document.pages
            except IngestError as exc:
                failed[pdf.name] = str(exc)
        ingest_seconds = time.perf_counter() - start
        texts = [c.text for c in store.chunks()]
    start = time.perf_counter()
    embed_in_batches(embedder, texts, settings.embed_batch)
    raw_embed_seconds = time.perf_counter() - start
    not_embedding = ingest_seconds - timings.get("embed", 0.0)
    return {
        "files": len(pdfs),
        "failed": failed,
        "pages": pages,
        "chunks": len(texts),
        "embedder": embedder.name,
        "ingest_s": round(ingest_seconds, 3),
        "pages_per_s": round(pages / ingest_seconds, 2),
        "chunks_per_s": round(len(texts) / ingest_seconds, 2),
        "raw_embed_s": round(raw_embed_seconds, 3),
        "raw_embed_chunks_per_s": round(len(texts) / raw_embed_seconds, 2) if raw_embed_seconds else None,
        "steps_s": {step: round(seconds, 3) for step, seconds in timings.items()},
        "not_embedding_share": round(not_embedding / ingest_seconds, 4),
        "ingest_over_raw_embed": round(ingest_seconds / raw_embed_seconds, 3) if raw_embed_seconds else None,
    }


def render(report: dict[str, object]) -> str:
    lines = [
        f"ingested {report['files']} PDFs ({len(report['failed'])} failed): "  # type: ignore[arg-type]
        f"{report['pages']} pages, {report['chunks']} chunks in {report['ingest_s']} s",
        f"  ingestion: {report['pages_per_s']} pages/s, {report['chunks_per_s']} chunks/s",
        f"  raw embedding of the same chunks ({report['embedder']}): "
        f"{report['raw_embed_chunks_per_s']} chunks/s; ingestion takes "
        f"{report['ingest_over_raw_embed']}x the raw embedding time",
        f"  time per step (s): {report['steps_s']}",
        f"  not embedding (parse, detect, split, index, store): "
        f"{100 * float(report['not_embedding_share']):.1f}% of ingestion (target <= 15%)",  # type: ignore[arg-type]
    ]
    for name, reason in report["failed"].items():  # type: ignore[attr-defined]
        lines.append(f"  failed {name}: {reason}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
