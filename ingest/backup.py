"""python -m ingest backup DEST / restore SRC: a consistent copy of a live library.

A backup holds the library's write lock, so no ingest commits while it copies (writers wait,
searching goes on): the SQLite file through SQLite's online backup (the job queue and other
tables may still change; the copy is one snapshot), the index files of the committed
generation, the stored originals, the queued uploads, and the users file. A library whose
passages live in Milvus is backed up with them: exported into the copy's index files."""

import json
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest.migrate import to_local
from ingest.milvus_store import MilvusStore
from ingest.store import DB_NAME, Store

MANIFEST = "backup.json"
USERS = "users.json"
FOLDERS = ("files", "uploads")


@dataclass(frozen=True)
class Copied:
    """What a backup or a restore copied."""

    generation: int
    documents: int
    files: int


def backup(store: Store, users_file: Path, dest: Path) -> Copied:
    """Copy the library in `store` (and `users_file`, when it exists) into the new folder `dest`."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise ValueError(f"the backup folder must be new or empty, got {dest}")
    dest.mkdir(parents=True, exist_ok=True)
    with store.exclusive() as indexes:
        generation = store.generation()
        source = sqlite3.connect(f"{(store.data_dir / DB_NAME).as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(dest / DB_NAME)
        try:
            source.backup(target)  # all pages in one step: one snapshot
            documents = target.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            source.close()
            target.close()
        copied = indexes.files(store.data_dir, generation)
        for folder in FOLDERS:
            copied += sorted(
                p for p in (store.data_dir / folder).glob("*") if p.is_file() and not _temporary(p)
            )
        for path in copied:
            (dest / path.relative_to(store.data_dir)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest / path.relative_to(store.data_dir))
        # Milvus holds the passages (the index files are empty): they are written into the copy's
        # index files, so a backup is whole by itself; still under the lock, no removal meanwhile
        exported = _export(store, dest) if isinstance(store, MilvusStore) else None
    if users_file.is_file():
        shutil.copy2(users_file, dest / USERS)
    manifest = {"generation": generation, "documents": documents, "files": len(copied),
                "model": store.model, "made": datetime.now(UTC).isoformat(timespec="seconds")}  # fmt: skip
    if exported is not None:
        manifest["milvus"] = exported
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return Copied(generation, documents, len(copied))


def restore(src: Path, data_dir: Path, users_file: Path) -> Copied:
    """Copy the backup in `src` into `data_dir`, which must hold no library yet."""
    src, data_dir = Path(src), Path(data_dir)
    manifest = (
        json.loads((src / MANIFEST).read_text(encoding="utf-8")) if (src / MANIFEST).is_file() else None
    )
    if manifest is None or not (src / DB_NAME).is_file():
        raise ValueError(f"{src} is not a backup made by python -m ingest backup (no {MANIFEST})")
    if (data_dir / DB_NAME).exists():
        raise ValueError(f"{data_dir} already holds a library: restore into a new data directory")
    if users_file.exists():
        raise ValueError(f"{users_file} exists: move it away, or restore into another data directory")
    data_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(src.rglob("*")):
        relative = path.relative_to(src)
        if path.is_file() and relative.name not in (MANIFEST, USERS):
            (data_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, data_dir / relative)
            count += 1
    if (src / USERS).is_file():
        users_file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / USERS, users_file)
    return Copied(int(manifest["generation"]), int(manifest["documents"]), count)


def _export(store: MilvusStore, dest: Path) -> dict[str, object]:
    """The committed passages from Milvus into index files of the copy in `dest`: restored, it
    is a local library (python -m ingest migrate --to milvus puts it back into a collection)."""
    copy = Store(dest, store.model, store.dim)
    try:
        held = to_local(copy, store.passages)
    finally:
        copy.close()
    return {"collection": store.passages.name, "passages": held, "restored_as": "local"}


def _temporary(path: Path) -> bool:
    return path.name.endswith(".tmp")
