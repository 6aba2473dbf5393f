"""Where reading one file stands, as the reader child reports it: ("reading", page, pages)
while the PDF readers go through its pages, ("ocr", n, m) while OCR reads the n-th of the m
pages it was asked to read."""

from collections.abc import Callable

READING, OCR = "reading", "ocr"
ReadProgress = Callable[[str, int, int], None]  # (stage, done, total)


def ignore(stage: str, done: int, total: int) -> None:
    """A ReadProgress for callers that do not show progress."""


class PageCounter:
    """Pages read by the PDF readers: each reads every page (two passes), so a page counts as
    read when both have read it; reports (READING, done, pages)."""

    def __init__(self, report: ReadProgress, pages: int) -> None:
        self.report, self.pages, self.steps = report, pages, 0
        report(READING, 0, pages)

    def step(self) -> None:
        self.steps += 1
        if self.steps % 2 == 0:
            self.report(READING, min(self.steps // 2, self.pages), self.pages)
