"""python -m ingest add|worker|jobs|list|remove|extract|reindex|users|check|backup|restore: the library
from the command line."""

import argparse
import getpass
import json
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ingest.exit import exit_code
from ingest.jobs_cli import add_commands
from ingest.library import open_library
from ingest.maintenance_cli import add_commands as add_maintenance
from ingest.migrate_cli import add_commands as add_migrate
from ingest.pipeline import detect_pages, embed_in_batches
from ingest.settings import Settings, load_settings
from ingest.tokens import Tokens
from ingest.worker import reader_from
from team.users import Users, collections_of


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return exit_code(lambda: args.run(args, load_settings(data_dir=args.data_dir)))


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    top.add_argument("--data-dir", type=Path, help="the library's folder (RAG_DATA_DIR)")
    top.set_defaults(data_dir=None)
    commands = top.add_subparsers(required=True, metavar="COMMAND")
    queue = add_commands(commands)
    maintenance = add_maintenance(commands)
    migrate = add_migrate(commands)
    listing = commands.add_parser("list", help="the documents in the library")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--user", help="only what this user may see")
    listing.set_defaults(run=run_list)
    remove = commands.add_parser("remove", help="remove a document by its id")
    remove.add_argument("doc_id")
    remove.set_defaults(run=run_remove)
    extract = commands.add_parser("extract", help="show a file's extracted pages, store nothing")
    extract.add_argument("file", type=Path)
    extract.add_argument("--password")
    extract.add_argument("--json", action="store_true")
    extract.set_defaults(run=run_extract)
    reindex = commands.add_parser("reindex", help="re-embed every chunk with the configured model")
    reindex.set_defaults(run=run_reindex)
    users = commands.add_parser("users", help="logins and the collections each user sees")
    users.add_argument("action", choices=["list", "add", "remove", "password", "grant", "revoke", "token"])
    users.add_argument("name", nargs="?", help="the user (for OIDC logins: their e-mail)")
    users.add_argument("collections", nargs="*", help="collections to grant or revoke; * means all")
    users.add_argument("--oidc", action="store_true", help="add without a password: logs in by OIDC")
    users.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    users.add_argument("--admin", action="store_true", help="add as an administrator (the admin page)")
    users.add_argument("--list", action="store_true", help="token: list the user's API tokens")
    users.add_argument("--revoke", metavar="ID", help="token: revoke the API token with this id")
    users.set_defaults(run=run_users)
    for sub in (*queue, *maintenance, *migrate, listing, remove, extract, reindex, users):
        sub.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    return top


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    store, _ = open_library(settings)
    documents = store.documents(visible_to(args.user, settings))
    if args.json:
        print(json.dumps({"documents": [asdict(d) for d in documents]}, ensure_ascii=False))
        return 0
    for d in documents:
        print(
            f"{d.doc_id}  {d.name}  {d.pages} pages  {d.chunks} chunks  {d.lang}  "
            f"{d.collection}  {d.added_at}"
        )
    if not documents:
        print("the library is empty: add files with python -m ingest add PATH")
    return 0


def run_remove(args: argparse.Namespace, settings: Settings) -> int:
    store, _ = open_library(settings)
    doc = store.document(args.doc_id)
    if doc is None or not store.remove(args.doc_id):
        print(f"error: no document with id {args.doc_id} (see python -m ingest list)", file=sys.stderr)
        return 1
    print(f"removed {doc.name} ({doc.doc_id})")
    return 0


def run_extract(args: argparse.Namespace, settings: Settings) -> int:
    loaded = reader_from(settings).read(args.file, args.password)
    pages = detect_pages(loaded.pages)
    for warning in loaded.warnings:
        print(f"warning: {warning.message}", file=sys.stderr)
    if args.json:
        rows = [
            {
                "page": p.page,
                "place": p.place,
                "text": p.text,
                "lang": p.lang,
                "source": p.source,
                "why": p.why,
                "has_text": p.has_text,
            }
            for p in pages
        ]
        warnings = [asdict(w) for w in loaded.warnings]
        print(json.dumps({"pages": rows, "warnings": warnings}, ensure_ascii=False))
        return 0
    for p in pages:
        where = f"page {p.page}" + (f", {p.place}" if p.place else "")
        why = f": {p.why}" if p.why else ""
        print(f"--- {where} ({p.source}{why}, {p.lang or 'no text'}) ---\n{p.text}")
    return 0


def run_reindex(args: argparse.Namespace, settings: Settings) -> int:
    store, embedder = open_library(settings, check_model=False)
    bar = tqdm(total=len(store.chunk_ids()), unit="chunk", file=sys.stderr)

    def embed(ids: list[int], texts: list[str]) -> np.ndarray:
        vectors = embed_in_batches(embedder, texts, settings.embed_batch)
        bar.update(len(texts))
        return vectors

    done = store.reembed(embed)
    bar.close()
    print(f"re-embedded {done} chunks with {embedder.name}")
    return 0


def visible_to(user: str | None, settings: Settings) -> list[str] | None:
    """The collections `user` may see (None: all; no user given means the operator)."""
    if user is None:
        return None
    found = Users(settings.users_path).get(user)
    if found is None:
        raise ValueError(f"no user named {user!r} (see: python -m ingest users list)")
    return collections_of(found)


def run_users(args: argparse.Namespace, settings: Settings) -> int:
    users = Users(settings.users_path)
    if args.action == "list":
        for user in users.all().values():
            login = ("password" if user.password_hash else "oidc") + (" admin" if user.admin else "")
            print(f"{user.name}  {login}  {', '.join(user.collections) or '(no collections)'}")
        return 0
    if not args.name:
        raise ValueError(f"users {args.action} needs a user name")
    if args.action == "token":
        return run_token(args, settings)
    if args.action == "add":
        password = None if args.oidc else read_password(args.password_stdin)
        user = users.add(args.name, password, args.collections, admin=args.admin)
        role = " (admin)" if user.admin else ""
        print(f"added {user.name}{role}: {', '.join(user.collections) or 'no collections yet'}")
    elif args.action == "remove":
        users.remove(args.name)
        Tokens(settings.data_dir).revoke_all(args.name)
        print(f"removed {args.name}")
    elif args.action == "password":
        users.set_password(args.name, read_password(args.password_stdin))
        print(f"changed the password of {args.name}")
    else:
        change = users.grant if args.action == "grant" else users.revoke
        for collection in args.collections:
            change(args.name, collection)
        print(f"{args.name}: {', '.join(users.get(args.name).collections) or 'no collections'}")  # type: ignore[union-attr]
    return 0


def run_token(args: argparse.Namespace, settings: Settings) -> int:
    """Make a token (printed alone on the last line, shown this once), list or revoke them."""
    tokens = Tokens(settings.data_dir)
    if args.list:
        for token in tokens.of(args.name):
            state = f"revoked {token.revoked_at}" if token.revoked_at else "live"
            print(f"{token.token_id}  created {token.created_at}  {state}")
        return 0
    if args.revoke:
        tokens.revoke(args.name, args.revoke)
        print(f"revoked token {args.revoke} of {args.name}")
        return 0
    if Users(settings.users_path).get(args.name) is None and not (
        args.name == "local" and settings.auth == "off"
    ):
        raise ValueError(f"no user named {args.name!r} (see: python -m ingest users list)")
    token, secret = tokens.create(args.name)
    print(f"API token {token.token_id} for {args.name}; it is shown only now, keep it secret:")
    print(secret)
    return 0


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise ValueError("the two passwords differ")
    return first


if __name__ == "__main__":
    sys.exit(main())
