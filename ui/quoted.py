"""Which parts of a cited passage the answer relies on, which page each stands on, and the
passage drawn compactly (table rows as rows, scrolled), with only those parts marked."""

import re

from ingest.keywords import keyword_tokens
from ingest.records import Page
from rag.units import Unit, units
from ui.render import AS_TEXT

SQUEEZE = re.compile(r"[\s|…]+")
STYLE = "<style>.passage{max-height:22em;overflow-y:auto}</style>"  # a tall table scrolls


def squeeze(text: str) -> str:
    """Text without spaces, cell bars and cut marks, to find a quote in the page it came from."""
    return SQUEEZE.sub("", text)


def marked_units(passage: str, lang: str, answer: str, n: int) -> list[Unit]:
    """The passage's sentences or rows quoted in the answer's parts that carry [n]; for an
    answer in other words (an LLM's), those sharing the most keywords with those parts."""
    claims = [c for c in answer.replace("\n", " ").split(f"[{n}]")[:-1]]
    if not claims:
        return []
    pieces = units(passage, lang)
    said = squeeze(" ".join(claims))
    quoted = [u for u in pieces if len(squeeze(u.shown)) >= 4 and _quoted(squeeze(u.shown), said)]
    if quoted:
        return quoted
    terms: set[str] = set()
    for claim in claims:
        terms |= set(keyword_tokens(claim[-200:]))
    scored = [(len(terms & set(keyword_tokens(u.shown))), u) for u in pieces]
    best = max((score for score, _ in scored), default=0)
    return [u for score, u in scored if best and score >= max(1, best // 2)]


def _quoted(unit: str, said: str) -> bool:
    """A unit is quoted when it stands in the answer whole, or its clauses do (a long sentence
    is quoted by the clauses around its match)."""
    if unit in said:
        return True
    clauses = [c for c in re.split(r"[，、；,;：:]", unit) if len(c) >= 6]
    return bool(clauses) and sum(c in said for c in clauses) >= max(1, len(clauses) // 2)


def pages_of(marks: list[str], pages: list[Page], first: int, last: int) -> dict[int, list[str]]:
    """The page (between `first` and `last`) each marked text stands on, page -> texts; a text
    found on none goes to the first page."""
    squeezed = {p.page: squeeze(p.text) for p in pages if first <= p.page <= last}
    found: dict[int, list[str]] = {}
    for text in marks:
        key = squeeze(text)[:60]
        page = next((number for number, body in squeezed.items() if key and key in body), first)
        found.setdefault(page, []).append(text)
    return found or {first: []}


def passage_html(passage: str, lang: str, marked: list[Unit]) -> str:
    """The passage as one HTML block: sentences run on, table rows one per line ("a | b"), the
    marked ones in <mark>; tall passages scroll. The document's text is never markup."""
    keys = {(u.start, u.end) for u in marked}
    lines: list[str] = []
    for unit in units(passage, lang):
        shown = unit.shown.translate(AS_TEXT)
        if (unit.start, unit.end) in keys:
            shown = f"<mark>{shown}</mark>"
        if lines and not unit.row and not lines[-1].startswith("\0"):
            lines[-1] += " " + shown
        else:
            lines.append(("\0" if unit.row else "") + shown)
    body = "<br>".join(line.lstrip("\0") for line in lines)
    return f'<div class="passage">{body}</div>'
