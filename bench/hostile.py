"""python -m bench hostile DIR: ingestion over real PDFs and a generated corpus of damaged
ones (truncated, bit-flipped, random, a decompression bomb) and hostile texts (a megabyte without
sentence ends, legacy encodings, bidi overrides, a page of the largest size), with the
product's limits.

Reports files ingested, files rejected with a clear error, crashes (an exception that is not a
clear error; target 0), hangs (a file that took longer than the time limits; target 0), texts
not stored as written (target 0), the slowest step of any file, and the peak memory of the
ingesting process and of the largest reader child."""

import argparse
import json
import random
import resource
import sys
import tempfile
import time
import zlib
from pathlib import Path

from bench.embed_cache import CachedEmbedder
from bench.hostile_texts import expected_text, huge_page_pdf, pdf_of, texts
from ingest.errors import IngestError
from ingest.library import embedder_of
from ingest.pipeline import add_file
from ingest.settings import load_settings
from ingest.store import Store
from ingest.worker import reader_from

CACHE = Path.home() / ".cache" / "docqa" / "bench-embeddings.sqlite"


def mutants(seeds: list[bytes], per_seed: int, rng: random.Random) -> list[tuple[str, bytes]]:
    """Damaged copies of `seeds` (truncated, bit-flipped) and random files, named by how made."""
    made: list[tuple[str, bytes]] = []
    for s, seed in enumerate(seeds):
        for i in range(per_seed):
            data = bytearray(seed)
            if i % 2 == 0 and len(data) > 2:
                data = data[: rng.randrange(1, len(data))]
                kind = f"cut{len(data)}"
            else:
                flips = rng.choice((1, 8, 64, 512))
                for _ in range(flips):
                    data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
                kind = f"flip{flips}"
            made.append((f"seed{s}-{kind}-{i}", bytes(data)))
    for i in range(max(2, per_seed)):
        made.append((f"random-pdf{i}", b"%PDF-1.7\n" + rng.randbytes(rng.randrange(10, 100_000))))
        made.append((f"random{i}", rng.randbytes(rng.randrange(1, 10_000))))
    return made


def bomb(megabytes: int) -> bytes:
    """A one-page PDF whose content stream inflates to `megabytes` MB: a decompression bomb."""
    squeeze = zlib.compressobj(9)
    block = b"BT /F1 12 Tf 72 712 Td (A) Tj ET\n" * 30000
    stream = b"".join(squeeze.compress(block) for _ in range(megabytes * 1_000_000 // len(block)))
    stream += squeeze.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_of(objects)


def measure(real: list[Path], per_seed: int, seed: int, cache: Path | None) -> dict[str, object]:
    settings = load_settings()
    embedder = embedder_of(settings)
    if cache is not None:
        embedder = CachedEmbedder(embedder, cache)
    reader = reader_from(settings)
    outcomes: dict[str, dict[str, str]] = {"ingested": {}, "rejected": {}, "crashed": {}, "hung": {}}
    slowest, step = 0.0, (0.0, "", "")
    misdecoded: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        damaged = Path(folder) / "damaged"
        damaged.mkdir()
        corpus = [(damaged / f"{name}.pdf", data) for name, data in mutants(
            [p.read_bytes() for p in real], per_seed, random.Random(seed))]  # fmt: skip
        corpus.append((damaged / "bomb-1000MB.pdf", bomb(1000)))
        corpus.append((damaged / "huge-page-14400pt.pdf", huge_page_pdf()))
        written = {}
        for name, data, text in texts(random.Random(seed)):
            corpus.append((damaged / name, data))
            if text is not None:
                written[name] = expected_text(text)
        for path, data in corpus:
            path.write_bytes(data)
        store = Store(Path(folder) / "lib", embedder.name, embedder.dim)
        start = time.perf_counter()
        for path in [*real, *(p for p, _ in corpus)]:
            began, clock = time.perf_counter(), {}  # type: ignore[var-annotated]
            try:
                added = add_file(
                    path, store, embedder, settings.chunk_tokens, settings.chunk_overlap,
                    batch_size=settings.embed_batch, reader=reader, timings=clock,
                )  # fmt: skip
                outcome, detail = "ingested", f"{added.document.pages} pages, {added.document.chunks} chunks"
                stored = "\n".join(p.text for p in store.pages(added.document.doc_id))
                if path.name in written and stored != written[path.name]:
                    misdecoded[path.name] = stored[:80]
            except IngestError as exc:
                outcome, detail = "rejected", str(exc)
            except Exception as exc:  # what the target counts: anything that is not a clear error
                outcome, detail = "crashed", f"{type(exc).__name__}: {exc}"
            took = time.perf_counter() - began
            slowest = max(slowest, took)
            for name, seconds in clock.items():
                step = max(step, (seconds, name, path.name))
            if took > settings.parse_timeout_s + settings.index_timeout_s + 60:  # both limits, and slack
                outcome = "hung"
            outcomes[outcome][path.name] = detail[:200]
        total = time.perf_counter() - start
    return {
        "real_files": len(real),
        "damaged_files": len(corpus),
        **{key: len(value) for key, value in outcomes.items()},
        "seconds": round(total, 1),
        "slowest_file_s": round(slowest, 1),
        "slowest_step": {"seconds": round(step[0], 1), "step": step[1], "file": step[2]},
        "misdecoded": misdecoded,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_reader_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "limits": {
            "timeout_s": reader.timeout_s,
            "memory_mb": reader.memory_mb,
            "max_pages": reader.max_pages,
            "index_timeout_s": reader.index_timeout_s,
        },
        "details": outcomes,
    }


def render(report: dict) -> str:
    lines = [
        f"hostile ingestion: {report['real_files']} real PDFs + {report['damaged_files']} damaged or "
        f"generated, {report['seconds']} s (slowest file {report['slowest_file_s']} s)",
        f"  slowest step of any file: {report['slowest_step']['step']} of {report['slowest_step']['file']}, "
        f"{report['slowest_step']['seconds']} s; texts not stored as written {len(report['misdecoded'])} "
        "(target 0)",
        f"  ingested {report['ingested']}, rejected with a clear error {report['rejected']}, "
        f"crashes {report['crashed']} (target 0), hangs {report['hung']} (target 0)",
        f"  peak memory: ingesting process {report['peak_rss_mb']} MB, largest reader child "
        f"{report['peak_reader_rss_mb']} MB (limit {report['limits']['memory_mb']} MB)",
    ]
    for kind in ("crashed", "hung", "rejected"):
        for name, detail in report["details"][kind].items():
            lines.append(f"  {kind} {name}: {detail}")
    for name, start in report["misdecoded"].items():
        lines.append(f"  misdecoded {name}: {start!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(prog="python -m bench hostile", description=__doc__)
    args.add_argument("folder", type=Path)
    args.add_argument("--per-seed", type=int, default=3, help="damaged copies of each real PDF")
    args.add_argument("--seed", type=int, default=1)
    args.add_argument("--no-cache", action="store_true", help="embed everything afresh")
    args.add_argument("--json", action="store_true")
    options = args.parse_args(argv)
    real = sorted(options.folder.rglob("*.pdf")) if options.folder.is_dir() else []
    if not real:
        print(f"no PDFs under {options.folder}: generated files only (the shared corpus is absent)")
    report = measure(real, options.per_seed, options.seed, None if options.no_cache else CACHE)
    print(json.dumps(report, ensure_ascii=False) if options.json else render(report))
    return 1 if report["crashed"] or report["hung"] or report["misdecoded"] else 0


if __name__ == "__main__":
    sys.exit(main())
