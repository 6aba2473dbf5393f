"""Text cut into pages at headings, each page's place the path of headings above it."""

import re
from dataclasses import dataclass, field

from ingest.records import Page
from ingest.textclean import clean_page_text

NUMBERED = re.compile(r"^\d+(?:\.\d+)*\.?\s")  # "2.1 Background" locates itself
START = "start"  # the place of the text before the first heading
MAX_PLACE = 120


@dataclass
class Sections:
    """Collects paragraphs under the current heading path; `pages()` gives one page per section."""

    source: str
    path: list[tuple[int, str]] = field(default_factory=list)
    done: list[tuple[str, list[str]]] = field(default_factory=list)
    current: list[str] = field(default_factory=list)

    def heading(self, level: int, text: str) -> None:
        self._close()
        self.path = [(lvl, t) for lvl, t in self.path if lvl < level] + [(level, " ".join(text.split()))]
        self.current = [text.strip()]

    def add(self, text: str) -> None:
        self.current.append(text)

    def pages(self) -> list[Page]:
        self._close()
        return [
            Page(page=n, text=clean_page_text("\n\n".join(parts)), source=self.source, place=place)
            for n, (place, parts) in enumerate(self.done, 1)
        ]

    def _close(self) -> None:
        if any(part.strip() for part in self.current):
            self.done.append((self.place(), self.current))
        self.current = []

    def place(self) -> str:
        """The heading path, or only the last heading when it carries its own number."""
        if not self.path:
            return START
        last = self.path[-1][1]
        place = last if NUMBERED.match(last) else " > ".join(t for _, t in self.path)
        return place if len(place) <= MAX_PLACE else "…" + place[-MAX_PLACE:]
