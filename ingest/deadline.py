"""A time limit on the steps of one ingest that run in this process (language detection,
splitting, embedding); reading has its own, enforced by killing the reader child."""

import time
from dataclasses import dataclass

from ingest.errors import IngestError


@dataclass(frozen=True)
class Deadline:
    """time.monotonic() after which `check` raises; `seconds` is the limit, for the message."""

    at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> "Deadline":
        if seconds <= 0:
            raise ValueError(f"a time limit must be positive, got {seconds}")
        return cls(time.monotonic() + seconds, seconds)

    def check(self, step: str) -> None:
        """Raise IngestError, naming `step`, once the time is up; cheap enough to call often."""
        if time.monotonic() > self.at:
            raise IngestError(
                f"{step} took longer than {self.seconds:.0f} s and was stopped (RAG_INDEX_TIMEOUT_S): "
                "the file may be too large to index here; split it into smaller files",
                "index_timeout", seconds=f"{self.seconds:.0f}",
            )  # fmt: skip
