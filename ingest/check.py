"""python -m ingest check [--repair]: what a crash, a kill or a full disk may have left in a
data directory, and whether the library's rows and its search index agree.

Repairs run under the library's write lock, so no ingest commits meanwhile: stored originals
without a document row (they are written by the commit that lists them, so only a killed
process leaves one), temporary files older than `min_age_s`, index files of other
generations, and queued-upload files no job refers to (DATA/uploads/, per the jobs table).
A disagreement between rows and index (the index files, or Milvus: ingest/milvus_check.py) is
reported, never guessed at."""

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from ingest import milvus_check
from ingest.atomic import TMP_SUFFIX
from ingest.indexes import Indexes, index_files, is_index_file, remove_stale
from ingest.milvus_store import MilvusStore
from ingest.store import DB_NAME, Store

UPLOADS = "uploads"  # the job queue's folder (ingest/jobs.py)


@dataclass(frozen=True)
class Finding:
    """One problem: what it is, where, and whether --repair removes it."""

    kind: str  # orphan_original, temporary_file, stale_index, orphan_upload, missing_original, mismatch
    detail: str
    path: Path | None = None

    @property
    def repairable(self) -> bool:
        return self.path is not None


def check_library(store: Store, repair: bool = False, min_age_s: float = 3600.0) -> list[Finding]:
    """The problems found; with `repair`, the repairable ones are removed as they are found."""
    if not repair:
        return _findings(store, None, min_age_s)
    with store.exclusive() as indexes:
        findings = _findings(store, indexes, min_age_s)
        for finding in findings:
            if finding.path is not None:
                finding.path.unlink(missing_ok=True)
        remove_stale(store.data_dir, keep=store.generation())
    return findings


def _findings(store: Store, indexes: Indexes | None, min_age_s: float) -> list[Finding]:
    db = sqlite3.connect(f"{(store.data_dir / DB_NAME).as_uri()}?mode=ro", uri=True)
    milvus: list[str] = []
    try:
        db.execute("BEGIN")  # every read below of one version
        documents = {row[0]: row[1:] for row in db.execute("SELECT doc_id, chunks, pages FROM documents")}
        chunk_ids = {row[0] for row in db.execute("SELECT id FROM chunks")}
        per_doc = dict(db.execute("SELECT doc_id, COUNT(*) FROM chunks GROUP BY doc_id").fetchall())
        pages = dict(db.execute("SELECT doc_id, COUNT(*) FROM pages GROUP BY doc_id").fetchall())
        generation = int((db.execute("SELECT value FROM meta WHERE key='generation'").fetchone() or [0])[0])
        kept_uploads = _kept_uploads(db)
        if isinstance(store, MilvusStore):  # its passages are in Milvus, its index files empty
            milvus = milvus_check.disagreements(db, store.passages, generation)
    finally:
        db.close()
    findings = _files(store.data_dir, set(documents), generation, kept_uploads, min_age_s)
    for doc_id, (chunks, page_count) in sorted(documents.items()):
        if per_doc.get(doc_id, 0) != chunks or pages.get(doc_id, 0) != page_count:
            held = (per_doc.get(doc_id, 0), pages.get(doc_id, 0))
            said = f"document {doc_id} lists {chunks} chunks and {page_count} pages"
            findings.append(Finding("mismatch", f"{said}, the rows hold {held[0]} and {held[1]}"))
        if not list((store.data_dir / "files").glob(f"{doc_id}.*")):
            findings.append(Finding("missing_original", f"document {doc_id} has no stored original"))
    if isinstance(store, MilvusStore):
        return [*findings, *(Finding("mismatch", problem) for problem in milvus)]
    try:
        current = indexes or Indexes.read(store.data_dir, generation, store.dim, langs=store.chunk_langs)
        segments = current.segments()
    except (RuntimeError, OSError, ValueError, KeyError) as exc:
        return [*findings, Finding("mismatch", f"the index of generation {generation} cannot be read: {exc}")]
    removed = set(current.removed.tolist())
    vector_ids = {i for s in segments for i in s.ids.tolist()} - removed
    keyword_ids = {i for s in segments for i in s.keywords.ids.tolist()} - removed
    for name, ids in (("vector", vector_ids), ("keyword", keyword_ids)):
        if ids != chunk_ids:
            findings.append(Finding("mismatch", f"the {name} index holds {len(ids)} ids, the rows "
                                    f"{len(chunk_ids)} chunks; {len(ids ^ chunk_ids)} differ"))  # fmt: skip
    return findings


def _kept_uploads(db: sqlite3.Connection) -> set[str] | None:
    """Upload files a job still needs; None when the library has no jobs table (leave uploads be)."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='jobs'").fetchone():
        return None
    return {row[0] for row in db.execute("SELECT upload FROM jobs WHERE state NOT IN ('done', 'cancelled')")}


def _files(
    data_dir: Path, doc_ids: set[str], generation: int, kept_uploads: set[str] | None, min_age_s: float
) -> list[Finding]:
    old = time.time() - min_age_s  # a younger file may belong to a write in progress
    current = index_files(data_dir, generation)
    findings = []
    for path in sorted(data_dir.rglob("*")):
        if not path.is_file():
            continue
        where = path.relative_to(data_dir)
        if path.name.endswith(TMP_SUFFIX) and path.stat().st_mtime < old:
            findings.append(Finding("temporary_file", f"temporary file {where}", path))
        elif path.name.endswith(TMP_SUFFIX):
            continue
        elif where.parts[0] == "files" and len(where.parts) == 2 and path.name.split(".")[0] not in doc_ids:
            findings.append(Finding("orphan_original", f"stored original {where} has no document", path))
        elif is_index_file(data_dir, path) and path not in current:
            findings.append(Finding("stale_index", f"index file {where} of another generation", path))
        elif (
            where.parts[0] == UPLOADS and kept_uploads is not None
            and path.name not in kept_uploads and path.stat().st_mtime < old
        ):  # fmt: skip
            findings.append(Finding("orphan_upload", f"upload {where} has no open job", path))
    return findings
