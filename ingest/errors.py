"""Errors a person can act on; each message says what happened and what to do.

An IngestError carries a `code` (one of CODES) and its parameters besides its English message,
so that an interface says it in the person's language (ui/i18n_jobs.py: err_<code>)."""

# code -> the parameters its message names. The reader raises these in a child process; they
# cross to the parent as (message, code, params), and a failed job stores them.
CODES: dict[str, tuple[str, ...]] = {
    "read": ("detail",),  # a reader failed in a way without a code of its own
    "missing": (),
    "empty": (),
    "unsupported": ("suffix",),
    "too_big": ("size_mb", "limit_mb"),
    "upload_too_big": ("total_mb", "limit_mb"),
    "too_many_pages": ("pages", "limit"),
    "too_many_sections": ("sections", "limit"),
    "too_many_slides": ("limit",),
    "table_too_large": ("cells",),
    "timeout": ("seconds",),
    "index_timeout": ("seconds",),
    "crashed": ("signal", "memory_mb"),
    "memory": ("memory_mb",),
    "nested": (),
    "not_pdf": (),
    "damaged": (),
    "decrypt": ("detail",),
    "password": (),
    "wrong_password": (),
    "not_text": (),
    "not_image": ("detail",),
    "image_too_large": (),
    "csv_malformed": ("detail",),
    "web_unparsable": ("detail",),
    "not_package": ("kind",),
    "package_damaged": ("kind", "detail"),
    "package_too_large": ("kind",),
    "xml_entities": ("kind",),
    "ocr_timeout": ("seconds",),
    "ocr_failed": ("detail",),
    "embedder": (),
    "storage_full": (),
    "storage_read_only": (),
}


class IngestError(Exception):
    """A file could not be read or stored; the message is shown to the user as is (the CLI),
    `code` and `params` (CODES) let each interface say it in the person's language."""

    def __init__(self, message: str, code: str = "read", **params: object) -> None:
        wanted = CODES.get(code)
        if wanted is None:
            raise ValueError(f"unknown error code {code!r}; known: {', '.join(CODES)}")
        if code == "read" and not params:
            params = {"detail": message}
        if set(params) != set(wanted):
            raise ValueError(f"error code {code!r} takes {wanted}, got {tuple(params)}")
        super().__init__(message)
        self.code = code
        self.params = {name: str(value)[:300] for name, value in params.items()}


class PasswordRequired(IngestError):
    """The PDF is encrypted and no (code "password") or a wrong ("wrong_password") password was given."""

    def __init__(self, message: str, code: str = "password") -> None:
        if code not in ("password", "wrong_password"):
            raise ValueError(f"code must be 'password' or 'wrong_password', got {code!r}")
        super().__init__(message, code)


def error_of(message: str, code: str, params: dict[str, object]) -> IngestError:
    """The error again from its parts (as the reader child sends them)."""
    if code in ("password", "wrong_password"):
        return PasswordRequired(message, code)
    return IngestError(message, code, **params)


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
            "(the library is unchanged and searching still works)",
            f"storage_{kind}",
        )


class EmbedderUnavailable(IngestError):
    """The embedding server could not embed; nothing was stored, the file can be added again."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "embedder")
