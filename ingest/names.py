"""File names as the library stores and shows them: whatever a browser or a disk hands us."""

import unicodedata
from pathlib import PurePosixPath

from ingest.refused import Refused

MAX_CHARS = 200


def safe_name(name: str) -> str:
    """The last path component in NFC, without control, format (e.g. bidi overrides) or
    unassigned characters, at most 200 characters with its suffix kept; never empty, '.' or '..'.
    Names are only shown: files are stored under their document id, never under this name."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if base.strip(".") == "":
        return "upload"
    if len(base) > MAX_CHARS:
        suffix = PurePosixPath(base).suffix[:16]
        base = base[: MAX_CHARS - len(suffix)] + suffix
    return base


def collection_name(name: str) -> str:
    """A collection's name, checked: 1-64 visible characters, no path separators."""
    cleaned = unicodedata.normalize("NFC", name).strip()
    bad = [ch for ch in cleaned if unicodedata.category(ch)[0] == "C" or ch in "/\\,"]
    if not cleaned or len(cleaned) > 64 or bad:
        raise Refused(
            "collection_name",
            f"a collection name needs 1-64 characters, no control characters or / \\ , : got {name!r}",
            name=name,
        )
    return cleaned
