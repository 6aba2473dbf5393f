"""How plausible a page's text is as written language: garbled text layers (an old OCR's
"ZOq5", "预汁负债", "111, 824. · 05") score low, so a fresh OCR of the page can replace them."""

import functools
import re
from dataclasses import dataclass

import jieba

HAN = re.compile(r"[\u4e00-\u9fff]")
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
NUMBER = re.compile(r"\d[\d,.·]*\d|\d")
# digits torn apart by stray spaces or dots: "111, 824. · 05", "3 .52" (not lists like "1, 2")
BROKEN_NUMBER = re.compile(r"\d\s*·\s*\d|\d\s+\.\s*\d|\d{1,3},\s+\d{3}\.")
WORD = re.compile(r"[A-Za-z0-9]+")
# letters and digits mixed in one word ("ZOq5", "l0ss"), or capitals run into lower case ("ZOq")
ODD_WORD = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)|[A-Z]{2,}[a-z]|[a-z][A-Z]")


@dataclass(frozen=True)
class Plausibility:
    """Shares of the text that look wrong; `score` is 1 for clean text, lower when garbled."""

    broken_numbers: float
    odd_words: float
    han_outside_words: float

    @property
    def score(self) -> float:
        return 1.0 - max(self.broken_numbers, self.odd_words, self.han_outside_words)

    def describe(self) -> str:
        return (
            f"broken numbers {self.broken_numbers:.0%}, odd words {self.odd_words:.0%}, "
            f"Chinese outside dictionary words {self.han_outside_words:.0%}"
        )


def plausibility(text: str) -> Plausibility:
    numbers = len(NUMBER.findall(text))
    broken = len(BROKEN_NUMBER.findall(text)) / numbers if numbers >= 3 else 0.0
    words = WORD.findall(text)
    odd = sum(1 for word in words if ODD_WORD.search(word)) / len(words) if len(words) >= 5 else 0.0
    return Plausibility(min(broken, 1.0), odd, han_outside_words(text))


def han_outside_words(text: str) -> float:
    """Share of Chinese characters that jieba can place in no word of two or more characters:
    in written Chinese most characters belong to dictionary words; misread ones do not."""
    runs = HAN_RUN.findall(text)
    total = sum(len(run) for run in runs)
    if total < 30:
        return 0.0
    words = _dictionary()
    inside = sum(len(w) for run in runs for w in jieba.lcut(run, HMM=False) if len(w) > 1 and w in words)
    # A sentence of ordinary Chinese still has single-character words (的, 是, 在): only a
    # share well above theirs counts, so the baseline is taken off.
    return min(1.0, max(0.0, (1 - inside / total) - SINGLE_BASELINE) / 0.4)


# On the shared Chinese PDFs up to 28% of characters stand alone on a page; a misread
# balance sheet (预汁负债, 流动资广, 应忖账款) had 39%, its correct text 2%.
SINGLE_BASELINE = 0.30


@functools.cache
def _dictionary() -> set[str]:
    jieba.initialize()
    return {w for w, freq in jieba.dt.FREQ.items() if freq > 0 and len(w) > 1}
