"""python -m rag search|ask|api|bench: ask the library from the command line, serve the HTTP API,
or measure (bench: the same as python -m bench)."""

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from ingest.__main__ import visible_to
from ingest.exit import exit_code
from ingest.settings import Settings, load_settings
from rag.answer import Answer, ask
from rag.llm import make_llm
from rag.retrieve import MODES, open_retriever


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # the benchmarks live in their own package
        from bench.__main__ import main as bench_main

        return bench_main(argv[1:])
    args = parser().parse_args(argv)
    return exit_code(lambda: args.run(args, load_settings(data_dir=args.data_dir)))


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m rag", description=__doc__)
    commands = top.add_subparsers(required=True, metavar="COMMAND")
    find = commands.add_parser("search", help="the passages that best match a question")
    find.add_argument("query")
    find.add_argument("-k", type=int, default=5, help="how many passages (default 5)")
    find.add_argument("--mode", choices=MODES, default="hybrid", help="a single leg, for comparison")
    find.add_argument("--json", action="store_true")
    find.add_argument("--user", help="search only the collections this user may see")
    find.set_defaults(run=run_search)
    ask = commands.add_parser("ask", help="answer a question with citations")
    ask.add_argument("question")
    ask.add_argument("-k", type=int, help="passages to answer from (RAG_TOP_K, default 5)")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--user", help="answer only from the collections this user may see")
    ask.set_defaults(run=run_ask)
    serve = commands.add_parser("api", help="serve the HTTP API (OpenAI-compatible chat, search, documents)")
    serve.add_argument("--port", type=int, help="the port (RAG_API_PORT, default 8502)")
    serve.add_argument("--host", help="the address to listen on (RAG_API_HOST, default 0.0.0.0)")
    serve.set_defaults(run=run_api)
    commands.add_parser("bench", help="benchmarks (python -m bench --help)", add_help=False)
    for sub in (top, find, serve, ask):
        sub.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    top.set_defaults(data_dir=None)
    return top


def run_search(args: argparse.Namespace, settings: Settings) -> int:
    collections = visible_to(args.user, settings)
    hits = open_retriever(settings).search(args.query, args.k, args.mode, collections=collections)
    if args.json:
        fields = ("doc_id", "doc", "page", "place", "text", "score", "lang", "chunk_id")
        rows = [{key: value for key, value in asdict(h).items() if key in fields} for h in hits]
        print(json.dumps({"hits": rows}, ensure_ascii=False))
        return 0
    for n, h in enumerate(hits, 1):
        print(f"[{n}] {h.doc}, {h.place or f'p. {h.page}'}  ({h.score:.3f})\n    {h.text[:300]}")
    if not hits:
        print("no passages: the library is empty (python -m ingest add PATH)")
    return 0


def run_ask(args: argparse.Namespace, settings: Settings) -> int:
    collections = visible_to(args.user, settings)
    retriever, llm = open_retriever(settings), make_llm(settings)
    final = None
    for event in ask(args.question, retriever, llm, k=args.k or settings.top_k, collections=collections):
        if isinstance(event, Answer):
            final = event
        elif not args.json:
            print(event, end="", flush=True)
    assert final is not None
    if args.json:
        fields = ("n", "doc_id", "doc", "page", "place", "text", "start", "end", "cited")
        citations = [{key: getattr(c, key) for key in fields} for c in final.citations]
        out = {
            "answer": final.text, "found": final.found, "language": final.language, "mode": final.mode,
            "citations": citations,
            "query": final.query, "note": final.note, "removed_markers": final.removed_markers,
            "timings": {key: round(value, 3) for key, value in final.timings.items()},
        }  # fmt: skip
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print()
    if final.note:
        print(f"\n({final.note})")
    for c in final.citations:
        if c.cited or not final.found:  # a decline still lists the closest passages
            print(f"[{c.n}] {c.doc}, {c.place or f'p. {c.page}'}: {c.text[:160]}")
    return 0


def run_api(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn  # only the server needs it

    from ingest.indexer import start_worker_process
    from rag.api import make_app

    app = make_app(settings, open_retriever(settings), make_llm(settings))
    # uploads are queued: a worker of this server indexes them (RAG_APP_WORKER=false: others do)
    stop = start_worker_process(settings.data_dir) if settings.app_worker else None
    try:
        uvicorn.run(app, host=args.host or settings.api_host, port=args.port or settings.api_port)
    finally:
        if stop is not None:
            stop.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
