"""python -m rag search: ask the library from the command line."""

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from ingest.errors import ModelMismatch
from ingest.library import open_library
from ingest.settings import Settings, load_settings
from rag.retrieve import search


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args, load_settings(data_dir=args.data_dir)))
    except ModelMismatch as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m rag", description=__doc__)
    commands = top.add_subparsers(required=True, metavar="COMMAND")
    find = commands.add_parser("search", help="the passages that best match a question")
    find.add_argument("query")
    find.add_argument("-k", type=int, default=5, help="how many passages (default 5)")
    find.add_argument("--json", action="store_true")
    find.set_defaults(run=run_search)
    for sub in (top, find):
        sub.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    top.set_defaults(data_dir=None)
    return top


def run_search(args: argparse.Namespace, settings: Settings) -> int:
    store, embedder = open_library(settings)
    hits = search(store, embedder, args.query, args.k)
    if args.json:
        fields = ("doc_id", "doc", "page", "text", "score", "lang", "chunk_id")
        rows = [{key: value for key, value in asdict(h).items() if key in fields} for h in hits]
        print(json.dumps({"hits": rows}, ensure_ascii=False))
        return 0
    for n, h in enumerate(hits, 1):
        print(f"[{n}] {h.doc}, p. {h.page}  ({h.score:.3f})\n    {h.text[:300]}")
    if not hits:
        print("no passages: the library is empty (python -m ingest add PATH)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
