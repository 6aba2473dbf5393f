"""Where a cited passage stands, in the interface language: "p. 3" for a PDF page, or the place
the reader gave it ("slide 3" -> "第 3 张幻灯片", "Sheet1!A2:F9", "2.1 Background")."""

import re

from ui.render import escape

SLIDE = re.compile(r"^slide (\d+)$")
ROWS = re.compile(r"^rows (\d+)–(\d+)$")


def source_label(T: dict[str, str], n: int, doc: str, page: int, page_end: int, place: str) -> str:
    """The heading of a source: number, document, and its place (HTML-escaped)."""
    if not place:
        pages = str(page) if page == page_end else f"{page}–{page_end}"
        return T["source_label"].format(n=n, doc=escape(doc), page=pages)
    shown = " – ".join(localize(T, part) for part in place.split(" – "))
    return T["source_place"].format(n=n, doc=escape(doc), place=escape(shown))


def localize(T: dict[str, str], place: str) -> str:
    if match := SLIDE.match(place):
        return T["place_slide"].format(n=match.group(1))
    if match := ROWS.match(place):
        return T["place_rows"].format(first=match.group(1), last=match.group(2))
    if place == "start":
        return T["place_start"]
    return place
