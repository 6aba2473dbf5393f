"""python -m ingest check|backup|restore: keeping a data directory whole and safe."""

import argparse
from pathlib import Path

from ingest.backup import backup, restore
from ingest.check import check_library
from ingest.library import open_library
from ingest.settings import Settings


def add_commands(commands: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:
    check = commands.add_parser(
        "check", help="find orphaned originals and temporary files, check that rows and index agree"
    )
    check.add_argument(
        "--repair", action="store_true", help="remove what can be removed (under the write lock)"
    )
    check.add_argument(
        "--min-age", type=float, default=3600.0, metavar="SECONDS",
        help="temporary and upload files younger than this may belong to a write in progress: left alone",
    )  # fmt: skip
    check.set_defaults(run=run_check)
    save = commands.add_parser(
        "backup", help="copy the live library (documents, index, originals, users) to DEST"
    )
    save.add_argument("dest", type=Path)
    save.set_defaults(run=run_backup)
    load = commands.add_parser("restore", help="copy a backup into a new, empty data directory")
    load.add_argument("src", type=Path)
    load.set_defaults(run=run_restore)
    return [check, save, load]


def run_check(args: argparse.Namespace, settings: Settings) -> int:
    store, _ = open_library(settings, check_model=False)
    findings = check_library(store, repair=args.repair, min_age_s=args.min_age)
    for finding in findings:
        done = " (removed)" if args.repair and finding.repairable else ""
        print(f"{finding.kind}: {finding.detail}{done}")
    left = [f for f in findings if not (args.repair and f.repairable)]
    if not findings:
        print(f"the library in {settings.data_dir} is whole: rows, index and files agree")
    elif any(f.kind == "mismatch" for f in left):
        print("rows and index disagree: restore a backup, or rebuild the index with python -m ingest reindex")
    elif left and not args.repair:
        print("run python -m ingest check --repair to remove what is listed")
    return 1 if left else 0


def run_backup(args: argparse.Namespace, settings: Settings) -> int:
    store, _ = open_library(settings, check_model=False)
    copied = backup(store, settings.users_path, args.dest)
    what = f"{copied.documents} documents (index version {copied.generation}, {copied.files} files)"
    print(f"backed up {what} to {args.dest}")
    return 0


def run_restore(args: argparse.Namespace, settings: Settings) -> int:
    copied = restore(args.src, settings.data_dir, settings.users_path)
    print(
        f"restored {copied.documents} documents (index version {copied.generation}) into {settings.data_dir}"
    )
    store, _ = open_library(settings)
    problems = check_library(store, min_age_s=0)
    for finding in problems:
        print(f"{finding.kind}: {finding.detail}")
    return 1 if problems else 0
