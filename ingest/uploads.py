"""An uploaded file into the library's job queue, the same way from the page and the HTTP API:
its type and size checked, its bytes stored under DATA/uploads/ and a job added, at once; a
worker indexes it (ingest/indexer.py)."""

from ingest.job import Job
from ingest.jobs import Jobs
from ingest.limits import check_file_size
from ingest.load import check_type
from ingest.pipeline import storage_errors
from ingest.settings import Settings


def queue_upload(
    name: str, data: bytes, settings: Settings, jobs: Jobs, collection: str, password: str | None = None
) -> tuple[Job, bool]:
    """Queue one uploaded file for `collection`; (job, False) when the same bytes are already
    queued or being indexed there. Raises UnsupportedType, IngestError for a file too large,
    StorageError when the data directory takes no writes."""
    check_type(name)
    check_file_size(len(data), settings.max_file_mb)
    with storage_errors(settings.data_dir):
        return jobs.add(name, data, collection, password or None)
