"""The question's key terms as a passage in either language can hold them: a Chinese question's
words by their English glosses over an English passage, and the reverse (rag/translate.py);
names and numbers as they are."""

from functools import lru_cache

from ingest.keywords import keyword_tokens
from rag.translate import ZH_QUESTION, chinese_terms, english_terms

Group = tuple[tuple[str, ...], ...]  # alternatives, each a tuple of tokens that must all appear
QUESTION_WORDS = ZH_QUESTION | set("多少 哪里 哪一年 是否 请问 问 many much did does do".split())


@lru_cache(maxsize=256)
def key_terms(question: str, passage_lang: str, question_lang: str) -> tuple[Group, ...]:
    """One group per key term of the question; a passage holds the term when it holds every
    token of one of its alternatives."""
    own = [t for t in dict.fromkeys(keyword_tokens(question)) if t not in QUESTION_WORDS]
    if passage_lang == question_lang or passage_lang not in ("zh", "en") or question_lang not in ("zh", "en"):
        return tuple(((t,),) for t in own)
    # across languages only names and numbers match as they are; the rest goes by dictionary
    # (the Latin words of a Chinese question are names; an English question's words are not)
    groups: list[Group] = [
        ((t,),) for t in own if t.isascii() and (question_lang == "zh" or any(c.isdigit() for c in t))
    ]
    translated = english_terms(question) if passage_lang == "en" else chinese_terms(question)
    for alternatives in translated:
        group = tuple(tuple(keyword_tokens(a)) for a in alternatives)
        group = tuple(a for a in group if a)
        if group:
            groups.append(group)
    return tuple(groups)


def coverage(groups: tuple[Group, ...], tokens: set[str]) -> float:
    """Share of the groups the tokens hold (0 when the question has no key terms)."""
    if not groups:
        return 0.0
    held = sum(any(all(t in tokens for t in alternative) for alternative in group) for group in groups)
    return held / len(groups)
