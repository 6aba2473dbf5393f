"""[n] markers in an answer -> the passages they point to; markers to no source are removed."""

import re
from dataclasses import dataclass

from rag.retrieve import Hit

# [1], [1][3], [1, 2], [1-3], full-width 【1】 and ［1］, and ^[1] footnote style
MARKER = re.compile(r"\^?(?:\[|【|［)\s*(\d{1,3}(?:\s*(?:[,，、;；]|-|–|~)\s*\d{1,3})*)\s*(?:\]|】|］)")


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
        return "".join(f"[{n}]" for n in dict.fromkeys(valid))

    text = MARKER.sub(replace, answer)
    text = re.sub(r"[ \t]+([。，！？.,!?])", r"\1", text) if removed else text
    order = cited + [n for n in range(1, len(hits) + 1) if n not in cited]
    citations = [citation(n, hits[n - 1], n in cited) for n in order]
    return Cited(text.strip(), citations, removed)


def citation(n: int, hit: Hit, cited: bool) -> Citation:
    return Citation(
        n, hit.doc_id, hit.doc, hit.page, hit.page_end, hit.text, hit.start, hit.end, cited, hit.place
    )
