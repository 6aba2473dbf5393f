"""python -m bench NAME: the product measured. Retrieval, answers and answer probes, search
latency (the library's figures); ingestion, formats, OCR engines, hostile inputs, a served
embedder and the in-process one per torch device (the reader's and embedder's figures). Every
bench prints a table, or JSON with --json.
`python -m rag bench NAME` is the same command."""

import argparse
import json
import sys
from pathlib import Path

from bench import answers as answers_bench
from bench import devices, formats, hostile, ingestion, latency, load, ocr, wire
from bench import filings as filings_bench
from bench import probes as probes_bench
from bench import retrieval as retrieval_bench
from bench.embed_cache import CachedEmbedder
from bench.synthetic import HashedEmbedder
from ingest.embed import Embedder
from ingest.exit import exit_code
from ingest.library import embedder_of
from ingest.settings import Settings, load_settings
from rag.llm import LLM, make_llm, reachable
from rag.retrieve import MODES

CACHE = Path.home() / ".cache" / "docqa" / "bench-embeddings.sqlite"
# benches with their own command line, run as they are
OWN_PARSER = {
    "ingestion": ingestion.main,
    "formats": formats.main,
    "ocr": ocr.main,
    "hostile": hostile.main,
    "wire": wire.main,
    "devices": devices.main,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] and argv[0] in OWN_PARSER:
        return int(OWN_PARSER[argv[0]](argv[1:]) or 0)
    args = parser().parse_args(argv)
    return exit_code(lambda: args.run(args, load_settings()))


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    measure = top.add_subparsers(required=True, metavar="BENCH")
    for name in OWN_PARSER:
        measure.add_parser(name, help=f"see python -m bench {name} --help")
    retrieval = measure.add_parser("retrieval", help="hit@k, MRR, nDCG and latency on BEIR-style sets")
    retrieval.add_argument("dirs", nargs="+", type=Path, metavar="DIR")
    retrieval.add_argument("--mode", choices=(*retrieval_bench.BENCH_MODES, "all"), default="all")
    retrieval.add_argument("--distractors", nargs="*", type=Path, default=[], metavar="DIR")
    retrieval.add_argument("--limit", type=int, help="only the first N queries of each set")
    retrieval.add_argument("--cache", type=Path, default=CACHE, help="passage embedding cache (sqlite)")
    retrieval.add_argument("--no-cache", action="store_true", help="embed everything afresh")
    retrieval.add_argument("--json", action="store_true")
    retrieval.set_defaults(run=run_bench_retrieval)
    answers = measure.add_parser("answers", help="gold answers, citation precision, language")
    answers.add_argument("dirs", nargs="+", type=Path, metavar="DIR")
    answers.add_argument("--limit", type=int, help="only the first N queries of each set")
    answers.add_argument("--cache", type=Path, default=CACHE, help="passage embedding cache (sqlite)")
    answers.add_argument("--no-cache", action="store_true")
    answers.add_argument("--json", action="store_true")
    answers.set_defaults(run=run_bench_answers)
    probes = measure.add_parser("probes", help="answers on real PDFs: the fact, its page, declines")
    probes.add_argument("folder", type=Path, metavar="DIR", help="the PDFs the probes name (../shared/pdfs)")
    probes.add_argument("--cache", type=Path, default=CACHE, help="passage embedding cache (sqlite)")
    probes.add_argument("--no-cache", action="store_true")
    probes.add_argument("--json", action="store_true")
    probes.set_defaults(run=run_bench_probes)
    filings = measure.add_parser("filings", help="statement-line questions over filing-like PDFs: page-hit@5")
    filings.add_argument(
        "folder", type=Path, metavar="DIR", help="PDFs and questions.jsonl (python -m tests.filings DIR)"
    )
    filings.add_argument("--mode", choices=MODES, default="hybrid")
    filings.add_argument("--cache", type=Path, default=CACHE, help="passage embedding cache (sqlite)")
    filings.add_argument("--no-cache", action="store_true")
    filings.add_argument("--json", action="store_true")
    filings.set_defaults(run=run_bench_filings)
    speed = measure.add_parser(
        "latency", help="search, commit, first question, recall, memory by library size"
    )
    speed.add_argument("--sizes", default="1000,100000", help="comma-separated passage counts")
    speed.add_argument("--queries", type=int, default=60)
    speed.add_argument("--json", action="store_true")
    speed.set_defaults(run=run_bench_latency)
    busy = measure.add_parser("load", help="askers and uploaders on one library, in one process")
    busy.add_argument("--users", type=int, default=20)
    busy.add_argument("--seconds", type=float, default=60)
    busy.add_argument("--uploads", type=int, default=4, help="uploader threads")
    busy.add_argument(
        "--seeds", type=int, default=load.SEED_DOCUMENTS, help="documents before the clock starts"
    )
    busy.add_argument("--fast-embedder", action="store_true", help="hashed vectors instead of the model")
    busy.add_argument("--json", action="store_true")
    busy.set_defaults(run=run_bench_load)
    return top


def run_bench_retrieval(args: argparse.Namespace, settings: Settings) -> int:
    embedder = cached_embedder(args, settings)
    modes = list(retrieval_bench.BENCH_MODES) if args.mode == "all" else [args.mode]
    results = retrieval_bench.run(args.dirs, args.distractors, modes, settings, embedder, args.limit)
    if args.json:
        print(json.dumps({"results": results}, ensure_ascii=False))
    else:
        print(retrieval_bench.render(results))
    return 0


def run_bench_answers(args: argparse.Namespace, settings: Settings) -> int:
    embedder, llm = cached_embedder(args, settings), served_llm(settings)
    results = answers_bench.run(args.dirs, settings, embedder, llm, args.limit)
    print(
        json.dumps({"results": results}, ensure_ascii=False) if args.json else answers_bench.render(results)
    )
    return 0


def run_bench_probes(args: argparse.Namespace, settings: Settings) -> int:
    if not args.folder.is_dir():
        print(f"no PDFs at {args.folder}: skipping the answer probes")
        return 0
    embedder, llm = cached_embedder(args, settings), served_llm(settings)
    report = probes_bench.run(args.folder, settings, embedder, llm)
    print(json.dumps(report, ensure_ascii=False) if args.json else probes_bench.render(report))
    return 0


def run_bench_filings(args: argparse.Namespace, settings: Settings) -> int:
    report = filings_bench.run(args.folder, settings, cached_embedder(args, settings), args.mode)
    print(json.dumps(report, ensure_ascii=False) if args.json else filings_bench.render(report))
    return 0


def run_bench_latency(args: argparse.Namespace, settings: Settings) -> int:
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not sizes or min(sizes) <= 0:
        raise ValueError(f"--sizes must be positive chunk counts, got {args.sizes!r}")
    if args.queries < 2:
        raise ValueError(f"--queries must be at least 2, got {args.queries}")
    rows = latency.measure(sizes, args.queries)
    report = {"results": rows, "vectors": latency.VECTORS, "questions": latency.QUESTION_VECTORS}
    print(json.dumps(report) if args.json else latency.render(rows))
    return 0


def run_bench_load(args: argparse.Namespace, settings: Settings) -> int:
    embedder = HashedEmbedder() if args.fast_embedder else embedder_of(settings)
    report = load.run(embedder, args.users, args.seconds, args.uploads, args.seeds)
    print(json.dumps(report) if args.json else load.render(report))
    failed = report["errors"] + report["upload_errors"] + report["documents_lost"]
    return 0 if failed == 0 else 1  # the targets: no error, nothing lost


def cached_embedder(args: argparse.Namespace, settings: Settings) -> Embedder:
    """The library's embedder, with passage vectors cached across runs unless --no-cache."""
    embedder = embedder_of(settings)
    return embedder if args.no_cache else CachedEmbedder(embedder, args.cache)


def served_llm(settings: Settings) -> LLM | None:
    """The configured LLM where it answers; None (extractive answers) otherwise."""
    llm = make_llm(settings)
    if llm is not None and not reachable(llm):
        print(f"no LLM answers at {settings.llm_base_url}: measuring extractive answers", file=sys.stderr)
        llm = None
    return llm


if __name__ == "__main__":
    sys.exit(main())
