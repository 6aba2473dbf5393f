"""Errors a person can act on; each message says what happened and what to do."""


class IngestError(Exception):
    """A file could not be read or stored; the message is shown to the user as is."""


class PasswordRequired(IngestError):
    """The PDF is encrypted and no (or a wrong) password was given."""


class ModelMismatch(Exception):
    """The library on disk was built with another embedding model."""


class StorageError(IngestError):
    """The data directory takes no writes: its disk is full (`kind` "full") or it is read-only
    ("read_only"). Nothing was changed; searching the library still works."""

    def __init__(self, kind: str, data_dir: object) -> None:
        if kind not in ("full", "read_only"):
            raise ValueError(f"kind must be 'full' or 'read_only', got {kind!r}")
        self.kind = kind
        what = "is full: free space on its disk" if kind == "full" else "is read-only: make it writable"
        super().__init__(
            f"the data directory {data_dir} {what}, then add the file again "
            "(the library is unchanged and searching still works)"
        )


class EmbedderUnavailable(IngestError):
    """The embedding server could not embed; nothing was stored, the file can be added again."""
