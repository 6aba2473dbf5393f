"""python -m ingest migrate --to milvus|local: move a library's passages between index backends."""

import argparse

from ingest.library import open_library
from ingest.migrate import to_local, to_milvus
from ingest.milvus import Passages
from ingest.settings import Settings


def add_commands(commands: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:
    migrate = commands.add_parser(
        "migrate", help="copy the passages into Milvus (RAG_MILVUS_URI), or back into local index files"
    )
    migrate.add_argument("--to", choices=("milvus", "local"), required=True)
    migrate.set_defaults(run=run_migrate)
    return [migrate]


def run_migrate(args: argparse.Namespace, settings: Settings) -> int:
    store, _ = open_library(settings.model_copy(update={"index": "local"}), check_model=False)
    uri = settings.milvus_address
    with Passages.open(uri, settings.milvus_token, settings.milvus_collection, store.dim) as passages:
        if args.to == "milvus":
            held = to_milvus(
                store, passages, lambda done, total: print(f"{done}/{total} passages", flush=True)
            )
        else:
            held = to_local(store, passages)
    where = (
        f"Milvus ({uri}, collection {settings.milvus_collection})" if args.to == "milvus" else "local files"
    )
    print(f"{held} passages in {where}, as many as the library's rows: RAG_INDEX={args.to}")
    return 0
