"""Size limits on what is added, checked before anything is read (RAG_MAX_FILE_MB, RAG_MAX_UPLOAD_MB)."""

from ingest.errors import IngestError


def check_file_size(size: int, limit_mb: float) -> None:
    """Refuse one file of `size` bytes over the per-file limit."""
    if size / 1_000_000 > limit_mb:
        mb = f"{size / 1_000_000:.1f}"
        raise IngestError(
            f"{mb} MB is over the {limit_mb:g} MB limit per file",
            "too_big",
            size_mb=mb,
            limit_mb=f"{limit_mb:g}",
        )


def check_upload_size(sizes: list[int], limit_mb: float) -> None:
    """Refuse files that together (one upload, one `ingest add`) exceed the per-upload limit."""
    total_mb = sum(sizes) / 1_000_000
    if total_mb > limit_mb:
        raise IngestError(
            f"{total_mb:.0f} MB in all is over the limit of {limit_mb:g} MB per upload "
            "(RAG_MAX_UPLOAD_MB): add fewer files at a time",
            "upload_too_big", total_mb=f"{total_mb:.0f}", limit_mb=f"{limit_mb:g}",
        )  # fmt: skip
