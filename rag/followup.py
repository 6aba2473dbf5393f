"""Whether a question can stand alone, or leans on the previous turn ("那负债呢？", "and in
2021?", "when was it founded?" with nothing for "it" to point to)."""

import re

from ingest.keywords import keyword_tokens
from rag.terms import QUESTION_WORDS

ELLIPTICAL = re.compile(
    r"^(?:and|what about|how about|then|also|same for)\b|^(?:那|那么|还有|另外|那个|那些)|呢[？?]?$",
    re.IGNORECASE,
)
PRONOUN = re.compile(
    r"\b(?:they|them|their|it|its|this|that|these|those|he|him|his|she|her)\b"
    r"|他们|她们|它们|这个|那个|这些|那些|该|其|它|他|她",
    re.IGNORECASE,
)
# A name, a number, a title or a quoted term: something the pronoun may point to in the question.
NAMED = re.compile(
    r"(?<!^)(?<![.?!]\s)\b[A-Z][A-Za-z]+|\d|《[^》]+》|“[^”]+”|\"[^\"]+\"|[A-Za-z]{2,}.*[\u4e00-\u9fff]"
)
SHORT = {"zh": 12, "en": 6}  # characters / words: an elliptical question is short
OWN_TERMS = 3  # a question with this many key terms of its own carries its topic


def leans_on_history(question: str, lang: str) -> bool:
    """True when the question cannot be searched on its own."""
    text = question.strip()
    size = len(text) if lang == "zh" else len(text.split())
    if ELLIPTICAL.search(text) and size <= SHORT.get(lang, 6):
        return True
    if not PRONOUN.search(text) or NAMED.search(text):
        return False
    pronouns = {t for t in keyword_tokens(" ".join(PRONOUN.findall(text)))}
    own = [t for t in keyword_tokens(text) if t not in QUESTION_WORDS and t not in pronouns]
    return len(set(own)) < OWN_TERMS
