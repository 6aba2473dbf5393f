"""The question's key terms as a passage in either language can hold them: a Chinese question's
words by their English glosses over an English passage, and the reverse (rag/translate.py);
names and numbers as they are."""

import unicodedata
from functools import lru_cache

import jieba

from ingest.keywords import HAN_RUN, ZH_STOP, keyword_tokens, to_simplified
from rag.translate import ZH_QUESTION, chinese_terms, english_terms

Group = tuple[tuple[str, ...], ...]  # alternatives, each a tuple of tokens that must all appear
QUESTION_WORDS = ZH_QUESTION | set("多少 哪里 哪一年 是否 请问 问 many much did does do".split())


@lru_cache(maxsize=256)
def key_terms(question: str, passage_lang: str, question_lang: str, whole: bool = True) -> tuple[Group, ...]:
    """One group per key term of the question; a passage holds the term when it holds every
    token of one of its alternatives. whole=False: Chinese words as search-mode pieces, as the
    decline rule was calibrated (with whole words it declined 0.85 of cmrc2018_dev_ans, not 0.88)."""
    own = [
        t
        for t in dict.fromkeys(words(question) if whole else keyword_tokens(question))
        if t not in QUESTION_WORDS
    ]
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


def words(question: str) -> list[str]:
    """The question's words: Chinese by jieba's precise cut, one term per word (search mode's
    overlapping pieces, 第一/一季/季度/第一季/一季度/第一季度, would make one word count six times);
    passages are tokenized in search mode, which holds each precise word too."""
    text = to_simplified(unicodedata.normalize("NFKC", question).lower())
    found: list[str] = []
    position = 0
    for run in HAN_RUN.finditer(text):
        found += keyword_tokens(text[position : run.start()])
        found += [w for w in jieba.cut(run.group()) if w not in ZH_STOP]
        position = run.end()
    return found + keyword_tokens(text[position:])


def coverage(groups: tuple[Group, ...], tokens: set[str], weights: list[float] | None = None) -> float:
    """Share of the groups the tokens hold (0 when the question has no key terms), each group
    counting by its weight (1 when none are given)."""
    if not groups:
        return 0.0
    weights = weights or [1.0] * len(groups)
    held = sum(w for group, w in zip(groups, weights, strict=True) if holds_group(group, tokens))
    return held / sum(weights)


def holds_group(group: Group, tokens: set[str]) -> bool:
    return any(all(t in tokens for t in alternative) for alternative in group)


def rarity(groups: tuple[Group, ...], passages: list[set[str]]) -> list[float]:
    """A weight per group: half for a term every retrieved passage holds (the company's name in
    each page header, the article's subject), which cannot tell the sentence that answers from
    the others; 1 otherwise. Measured on xquad_en_ans and the PDF probes: any weight from 0.15
    to 0.5 does the same; an idf-like log((N + 1) / df) lost three English answers."""
    everywhere = len(passages) > 1
    return [0.5 if everywhere and all(holds_group(g, p) for p in passages) else 1.0 for g in groups]


def spread(groups: tuple[Group, ...], sentences: list[set[str]], weights: list[float]) -> list[float]:
    """The weights divided for a term more than two sentences of one passage hold (by n - 1 for
    n sentences): the passage's subject, named in many of its sentences, cannot tell the one
    that answers from the others, and the opening sentence that defines it ("椰子猫…是一种麝猫")
    would win over the one that says what is asked ("主要吃果实"). Measured on the twin sets:
    answers holding the gold answer on cmrc2018_dev_ans 0.683 -> 0.747, xquad_en_ans 0.82 both."""
    held = [sum(holds_group(g, tokens) for tokens in sentences) for g in groups]
    return [w / max(n - 1, 1) for w, n in zip(weights, held, strict=True)]
