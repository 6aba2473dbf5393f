"""A running job's progress into its row: reading page n of m, OCR page n of m, embedding n of
m, storing. Each write is a SQLite transaction, so they are spaced out: at most one per
`every_s`, except a change of step and the last chunk embedded, which are written at once."""

import threading
import time

from ingest.job import EMBEDDING, OCR, READING, STORING, Stopped
from ingest.jobs import Jobs
from ingest.read_progress import OCR as READ_OCR

EVERY_S = 1.0


class JobProgress:
    """Where one worker's job stands; raises Stopped once `lost` is set (cancelled, taken over)."""

    def __init__(self, jobs: Jobs, job_id: int, owner: str, lost: threading.Event, every_s: float = EVERY_S):
        if every_s < 0:
            raise ValueError(f"every_s must be >= 0, got {every_s}")
        self.jobs, self.job_id, self.owner, self.lost, self.every_s = jobs, job_id, owner, lost, every_s
        self.state, self.written = "", 0.0

    def reading(self, stage: str, done: int, total: int) -> None:
        """The reader child's report (ingest.read_progress)."""
        self._write(OCR if stage == READ_OCR else READING, done, total)

    def embedding(self, done: int, total: int) -> None:
        """Chunks embedded; the last one means the commit comes next."""
        self._write(STORING if done >= total else EMBEDDING, done, total)

    def _write(self, state: str, done: int, total: int) -> None:
        if self.lost.is_set():
            raise Stopped(f"job {self.job_id} was cancelled or taken over")
        now = time.monotonic()
        if state == self.state and now - self.written < self.every_s:
            return
        self.jobs.progress(self.job_id, self.owner, state, done, total)
        self.state, self.written = state, now
