"""Why a job failed, as the code and parameters its error was raised with (ingest.errors), so
that each interface says it in the person's language; the English message is kept for the CLI."""

from ingest.errors import IngestError


def reason(exc: BaseException) -> dict:
    """{"code", "params", "message"} for a failed job: the error's own code, or "internal" for
    a bug or an infrastructure fault (no IngestError)."""
    if isinstance(exc, IngestError):
        return {"code": exc.code, "params": exc.params, "message": str(exc)}
    detail = f"{type(exc).__name__}: {exc}"[:300]
    return {"code": "internal", "params": {"detail": detail}, "message": detail}
