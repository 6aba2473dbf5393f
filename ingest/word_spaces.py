"""Word spaces RapidOCR's recognizer drops between Latin letters ("ORDERGRANTINGMOTION", small
print "TheClerkofCourt"), put back where its character boxes stand apart: inside a run of more
than LONGEST characters without a space, between two ASCII letters or digits whose gap is wider
than WIDTH of the characters' height and SPREAD times the line's median gap. The boxes come from
the recognizer's output columns and are coarse, so shorter runs (real words) are left alone.
Tuned on generated lines of capitals and prose at three sizes (words found whole 47 -> 92 of
117); see README."""

import re
import statistics
from collections.abc import Sequence

LONGEST = 8
WIDTH = 0.3
SPREAD = 2.0
Box = Sequence[Sequence[float]]  # four corners (x, y)


def spaced(text: str, boxes: Sequence[Box], chars: Sequence[str]) -> str:
    """`text` with spaces where its character boxes show a word gap ("" boxes: unchanged)."""
    if len(boxes) != len(chars) or "".join(chars) != text:
        return text  # the boxes do not describe this text
    runs = [m.span() for m in re.finditer(r"\S+", text) if m.end() - m.start() > LONGEST]
    if not runs:
        return text
    lefts = [min(point[0] for point in box) for box in boxes]
    rights = [max(point[0] for point in box) for box in boxes]
    height = statistics.median(max(p[1] for p in box) - min(p[1] for p in box) for box in boxes)
    gaps = [lefts[i] - rights[i - 1] for i in range(1, len(chars)) if " " not in (chars[i], chars[i - 1])]
    if not gaps or height <= 0:
        return text
    wide = max(WIDTH * height, SPREAD * statistics.median(gaps))
    cuts = {
        i for start, end in runs for i in range(start + 1, end)
        if _latin(chars[i]) and _latin(chars[i - 1]) and lefts[i] - rights[i - 1] > wide
    }  # fmt: skip
    return "".join((" " if i in cuts else "") + char for i, char in enumerate(chars))


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()
