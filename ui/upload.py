"""An uploaded file into the library: parsed in a child process under the limits in settings,
stored under its document id, shown under the (cleaned) name the user gave it."""

import tempfile
from collections.abc import Callable
from pathlib import Path

from ingest.limits import check_file_size
from ingest.load import check_type
from ingest.names import safe_name
from ingest.pipeline import Added, add_file
from ingest.settings import Settings
from ingest.worker import reader_from
from rag.retrieve import Retriever


def ingest_upload(
    name: str,
    data: bytes,
    settings: Settings,
    retriever: Retriever,
    password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    collection: str | None = None,
) -> Added:
    """Add one uploaded file to `collection`; raises IngestError with a message for the user."""
    check_type(name)
    check_file_size(len(data), settings.max_file_mb)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{Path(safe_name(name)).suffix.lower()}"  # the name is only shown
        path.write_bytes(data)
        return add_file(
            path, retriever.store, retriever.embedder, settings.chunk_tokens, settings.chunk_overlap,
            password=password or None, batch_size=settings.embed_batch, progress=progress,
            name=name, collection=collection or settings.default_collection, reader=reader_from(settings),
        )  # fmt: skip
