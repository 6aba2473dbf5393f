"""[n] markers in an answer -> the passages they point to; markers to no source are removed."""

import re
from dataclasses import dataclass

from rag.retrieve import Hit

# [1], [1][3], [1, 2], [1-3], full-width 【1】 and ［1］, and ^[1] footnote style
MARKER = re.compile(r"\^?(?:\[|【|［)\s*(\d{1,3}(?:\s*(?:[,，、;；]|-|–|~)\s*\d{1,3})*)\s*(?:\]|】|］)")
# The end of a text that a later piece could still make part of a marker: spaces, a "^", an
# opening bracket followed only by what a marker holds.
UNFINISHED = re.compile(r"\s*\^?(?:[\[【［][\d\s,，、;；\-–~]*)?$")


@dataclass(frozen=True)
class Citation:
    """A numbered source: the passage, where it stands, and whether the answer cites it."""

    n: int
    doc_id: str
    doc: str
    page: int
    page_end: int
    text: str
    start: int
    end: int
    cited: bool
    place: str = ""  # shown instead of the page where the format has none ("slide 3")


@dataclass(frozen=True)
class Cited:
    text: str
    citations: list[Citation]
    removed: int


def numbers(group: str) -> list[int]:
    """'1, 3' -> [1, 3]; '2-4' -> [2, 3, 4]."""
    found: list[int] = []
    for part in re.split(r"\s*[,，、;；]\s*", group):
        bounds = [int(x) for x in re.split(r"\s*[-–~]\s*", part) if x]
        if len(bounds) == 2 and 0 < bounds[1] - bounds[0] <= 20:
            found.extend(range(bounds[0], bounds[1] + 1))
        else:
            found.extend(bounds)
    return found


def resolve(answer: str, hits: list[Hit]) -> Cited:
    """Markers rewritten as [n] for valid n, dropped otherwise; cited sources listed first."""
    cited: list[int] = []
    removed = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal removed
        valid = []
        for n in numbers(match.group(1)):
            if 1 <= n <= len(hits):
                valid.append(n)
            else:
                removed += 1
        for n in valid:
            if n not in cited:
                cited.append(n)
        return "".join(f"[{n}]" for n in dict.fromkeys(valid)) or "\x00"  # marks a dropped marker

    text = MARKER.sub(replace, answer.replace("\x00", ""))
    # where a marker was dropped whole, the space before it goes too ("Fact [9]." -> "Fact."),
    # there only: what streams out before the rest of the answer arrives must stay as it is
    text = re.sub(r"[ \t]+\x00(?=[。，！？.,!?])", "", text).replace("\x00", "")
    order = cited + [n for n in range(1, len(hits) + 1) if n not in cited]
    citations = [citation(n, hits[n - 1], n in cited) for n in order]
    return Cited(text.strip(), citations, removed)


def citation(n: int, hit: Hit, cited: bool) -> Citation:
    return Citation(
        n, hit.doc_id, hit.doc, hit.page, hit.page_end, hit.text, hit.start, hit.end, cited, hit.place
    )


class Streamed:
    """A model's answer resolved as it streams: raw pieces in, resolved text out, holding back
    only an end that a later piece could still change (an unclosed marker, spaces), so that
    the pieces given out add up to resolve(whole answer).text."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits, self.raw, self.sent = hits, "", ""

    def add(self, piece: str) -> str:
        """The resolved text that `piece` completes ('' while it may still change)."""
        self.raw += piece
        settled = self.raw[: UNFINISHED.search(self.raw).start()]  # type: ignore[union-attr]
        return self._after(resolve(settled, self.hits).text)

    def rest(self, final: str) -> str:
        """What is left of `final`, the whole answer resolved, after the pieces given out."""
        return self._after(final)

    def _after(self, text: str) -> str:
        if not text.startswith(self.sent):  # cannot happen with resolve() as it is: never repeat
            return ""
        new, self.sent = text[len(self.sent) :], text
        return new
