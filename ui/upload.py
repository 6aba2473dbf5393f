"""An uploaded file into the library: kept under its own name in a temporary folder while
it is parsed, so the library records the name the user gave it."""

import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

from ingest.errors import IngestError
from ingest.pipeline import Added, add_file
from ingest.settings import Settings
from rag.retrieve import Retriever


def safe_name(name: str) -> str:
    """The last path component, without control characters; never empty, never '..'."""
    base = name.replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base if base not in ("", ".", "..") else "upload"


def ingest_upload(
    name: str,
    data: bytes,
    settings: Settings,
    retriever: Retriever,
    password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Added:
    """Add one uploaded file; raises IngestError with a message for the user."""
    size_mb = len(data) / 1_000_000
    if size_mb > settings.max_file_mb:
        raise IngestError(f"{size_mb:.1f} MB is over the {settings.max_file_mb} MB limit per file")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / safe_name(name)
        path.write_bytes(data)
        return add_file(
            path, retriever.store, retriever.embedder, settings.chunk_tokens, settings.chunk_overlap,
            password=password or None, batch_size=settings.embed_batch, progress=progress,
        )  # fmt: skip
