"""python -m ingest add|worker|jobs: queue files, index the queue, see and steer its jobs."""

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from ingest.indexer import indexing_from, start_worker, work
from ingest.job import DONE, FAILED, OPEN, Job, job_json
from ingest.jobs import Jobs
from ingest.library import open_library
from ingest.limits import check_upload_size
from ingest.load import SUPPORTED
from ingest.names import collection_name
from ingest.notice import message_of
from ingest.records import Document
from ingest.settings import Settings
from ingest.worker import die_with_parent


def expand(paths: list[Path]) -> list[Path]:
    """Files as given, and the supported files inside the folders given (recursively), in a
    stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
        else:
            files.append(path)
    return files


def run_add(args: argparse.Namespace, settings: Settings) -> int:
    """Queue each file; unless --no-wait, index the queue here until they are all done."""
    collection = collection_name(args.collection or settings.default_collection)
    files = expand(args.paths)
    check_upload_size([p.stat().st_size for p in files if p.is_file()], settings.max_upload_mb)
    store, embedder = open_library(settings)
    jobs = Jobs(settings.data_dir, settings.job_lease_s)
    queued: list[tuple[Path, Job]] = []
    failed = 0
    for path in files:
        try:
            job, _ = jobs.add(path.name, path, collection, args.password)
        except OSError as exc:  # missing or unreadable: one bad path must not stop the others
            failed += 1
            print(f"failed {path}: {exc.strerror or exc}", file=sys.stderr)
            continue
        queued.append((path, job))
        if args.no_wait:
            print(f"queued {path.name} (job {job.id}, collection {collection})")
    if args.no_wait:
        return 1 if failed else 0
    stop = start_worker(jobs, store, embedder, indexing_from(settings))
    try:
        for path, job in queued:
            failed += not watch(jobs, store.document, path, job)
    finally:
        stop.set()
    return 1 if failed else 0


def watch(jobs: Jobs, document: Callable[[str], Document | None], path: Path, job: Job) -> bool:
    """Show one job's progress until it ends (whichever worker runs it); True when done."""
    bar = tqdm(total=1, desc=path.name[-40:], unit="chunk", file=sys.stderr, disable=None, leave=False)
    while (now := jobs.get(job.id)) is not None and now.state in OPEN:
        bar.total = max(now.total, 1)
        bar.n = now.done
        bar.set_postfix_str(now.state)
        time.sleep(0.2)
    bar.close()
    if now is None or now.state != DONE or now.doc_id is None:
        why = "cancelled" if now is None or now.state != FAILED else (now.error or {}).get("message", "?")
        print(f"failed {path}: {why}", file=sys.stderr)
        return False
    stored = document(now.doc_id)
    if stored is None:  # removed in the meantime
        print(f"failed {path}: removed while it was indexed", file=sys.stderr)
        return False
    print(describe(stored, bool(now.note.get("new", True))), flush=True)
    for warning in now.note.get("warnings", []):
        print(f"warning {path}: {message_of(warning)}", file=sys.stderr)
    return True


def describe(doc: Document, new: bool) -> str:
    verb = "added" if new else "unchanged (already in the library)"
    line = f"{verb} {doc.name}: {doc.pages} pages, {doc.chunks} chunks, {doc.lang or '?'}, id {doc.doc_id}"
    line += f", collection {doc.collection}"
    if doc.pages_without_text:
        pages = ", ".join(map(str, doc.pages_without_text))
        line += f"; pages without text (not searchable until OCR): {pages}"
    return line


def run_worker(args: argparse.Namespace, settings: Settings) -> int:
    """Index queued jobs until SIGTERM or Ctrl-C (or until the process given by --parent ends)."""
    if args.parent:
        die_with_parent(args.parent)
    store, embedder = open_library(settings)
    jobs = Jobs(settings.data_dir, settings.job_lease_s)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(f"indexing jobs in {settings.data_dir} (stop with Ctrl-C)", file=sys.stderr, flush=True)
    work(jobs, store, embedder, indexing_from(settings), stop, keep_days=settings.job_keep_days)
    return 0


def run_jobs(args: argparse.Namespace, settings: Settings) -> int:
    jobs = Jobs(settings.data_dir, settings.job_lease_s)
    if args.action:
        if args.id is None:
            raise ValueError(f"jobs {args.action} needs a job id (see python -m ingest jobs)")
        act = {"cancel": jobs.cancel, "retry": jobs.retry, "remove": jobs.remove}[args.action]
        if not act(args.id):
            job = jobs.get(args.id)
            state = f"it is {job.state}" if job else "there is no such job"
            print(f"error: cannot {args.action} job {args.id}: {state}", file=sys.stderr)
            return 1
        print(f"{args.action}: job {args.id}")
        return 0
    listed = jobs.list()
    if args.json:
        print(json.dumps({"jobs": [job_json(job) for job in listed]}, ensure_ascii=False))
        return 0
    for job in listed:
        where = f"{job.done}/{job.total}" if job.total else ""
        why = (job.error or {}).get("message", "")
        print(f"{job.id}  {job.state} {where}  {job.file}  {job.collection}  {job.created}  {why}".rstrip())
    if not listed:
        print("no jobs")
    return 0


def add_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> list[argparse.ArgumentParser]:
    """The add, worker and jobs commands, for the top-level parser."""
    add = commands.add_parser(
        "add",
        help="add files (PDF, Word, PowerPoint, Excel, CSV, web pages, pictures, text), or folders",
    )
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    add.add_argument("--password", help="password for encrypted PDFs")
    add.add_argument("--collection", help="the collection to add to (RAG_DEFAULT_COLLECTION)")
    add.add_argument("--no-wait", action="store_true", help="only queue the files: a worker indexes them")
    add.set_defaults(run=run_add)
    worker = commands.add_parser("worker", help="index queued files until stopped")
    worker.add_argument("--parent", type=int, help=argparse.SUPPRESS)  # the app server that started it
    worker.set_defaults(run=run_worker)
    listing = commands.add_parser("jobs", help="indexing jobs; cancel, retry or remove one")
    listing.add_argument("action", nargs="?", choices=["cancel", "retry", "remove"])
    listing.add_argument("id", nargs="?", type=int)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=run_jobs)
    return [add, worker, listing]
