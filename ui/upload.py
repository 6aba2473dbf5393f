"""An uploaded file of the page into the library's job queue (ingest.uploads), and what tells
two uploads of one session apart."""

import hashlib

from ingest.uploads import queue_upload

__all__ = ["digest", "queue_upload"]


def digest(data: bytes) -> str:
    """What tells two uploads apart in a session (with their collection): their bytes, never
    the name and size (an edited file often keeps both)."""
    return hashlib.sha256(data).hexdigest()
