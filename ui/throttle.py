"""Guessing passwords made slow: after a few failures a user name or an address is locked
out for a while, longer after each further failure."""

import threading
import time
from collections.abc import Callable, Iterable

FREE_FAILURES = 5  # typos are free
FIRST_LOCK_S = 30.0
LONGEST_LOCK_S = 3600.0
FORGET_S = 24 * 3600.0  # failures this old no longer count
MAX_KEYS = 100_000  # bounded memory, whatever names and addresses are tried


class Throttle:
    """Failed attempts per key ("user:NAME", "address:IP"), in this server process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, float]] = {}  # key -> (count, time of the last)

    def wait(self, keys: Iterable[str]) -> float:
        """Seconds until any of `keys` may try again (0: now)."""
        now = self._clock()
        with self._lock:
            return max((self._locked_until(key, now) - now for key in keys), default=0.0)

    def failed(self, keys: Iterable[str]) -> int:
        """Count a failure for each key; the highest count."""
        now = self._clock()
        with self._lock:
            if len(self._failures) > MAX_KEYS:
                self._failures = {k: v for k, v in self._failures.items() if now - v[1] < FORGET_S}
            counts = []
            for key in keys:
                count, last = self._failures.get(key, (0, now))
                count = 0 if now - last >= FORGET_S else count
                self._failures[key] = (count + 1, now)
                counts.append(count + 1)
            return max(counts, default=0)

    def succeeded(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _locked_until(self, key: str, now: float) -> float:
        count, last = self._failures.get(key, (0, now))
        if count < FREE_FAILURES or now - last >= FORGET_S:
            return now
        return last + lock_seconds(count)


def lock_seconds(failures: int) -> float:
    """How long `failures` failures in a row lock a key: 30 s, 60 s, 2 min, ... up to an hour."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(LONGEST_LOCK_S, FIRST_LOCK_S * 2 ** (failures - FREE_FAILURES))
