"""How the command-line tools (python -m ingest, rag, bench) end on a failure a person can act
on: one line on stderr and an exit code, not a traceback."""

import sys
from collections.abc import Callable

from ingest.errors import IngestError, ModelMismatch

WRONG_MODEL, BAD_INPUT = 2, 1


def exit_code(command: Callable[[], int | None]) -> int:
    """Run `command`; its own exit code, or WRONG_MODEL / BAD_INPUT with the reason printed."""
    try:
        return int(command() or 0)
    except ModelMismatch as exc:
        print(f"error: {exc}", file=sys.stderr)
        return WRONG_MODEL
    except (IngestError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BAD_INPUT
