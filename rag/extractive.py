"""The answer without an LLM: the sentences (or table rows) of the retrieved passages that hold
what the question asks for, by its key terms (across languages too), by meaning, and by the
kind of fact asked (a number, a date, a person), each with its [n] citation."""

import re
from dataclasses import dataclass

import numpy as np

from ingest.embed import Embedder
from ingest.keywords import keyword_tokens
from rag.asks import asked_for, holds
from rag.retrieve import Hit
from rag.terms import coverage, key_terms, rarity, spread
from rag.units import MARK as ROW_MARK
from rag.units import Unit, header, shorten, units

PASSAGES = 3  # sentences come from the best few passages only
# Another passage is quoted only when it scored nearly as well as the best (calibrated dense
# scores): measured on xquad_en_ans, citation precision 0.80 -> 0.91, answers holding the
# gold answer 0.87 -> 0.86.
NEAR_TOP = 0.25
PER_PASSAGE = 6  # sentences per passage compared by meaning
# The best passage gives a second sentence when it scores within this of its first: the answer
# often follows the sentence that matches ("…keeping essential epitopes concealed. This is called
# antigenic variation."). Measured: answers holding the gold answer 0.15 -> 0.5: xquad_en_ans
# 0.83 -> 0.87, cmrc2018_dev_ans 0.813 -> 0.833, and on twins nothing was tuned on, drcd 0.655 ->
# 0.685, xquad_zh2zh 0.75 -> 0.76, xquad_en2en 0.79 -> 0.84 (0.82 once the subject rule below was
# limited to Chinese); English answers 230 -> 281 characters.
SECOND = 0.5
KIND_BONUS = 0.3  # a sentence holding the kind of fact asked for (measured on the twin sets)
# A sentence's match by meaning (cosine) weighs this much beside its share of key terms: the
# answering sentence often names the subject only as "它"/"本鱼"/"It" and shares few words.
# Measured on the twin sets: answers holding the gold answer on cmrc2018_dev_ans 0.773 -> 0.780.
MEANING = 3.0
# What a Chinese passage opens with names what it is about ("疣鹦嘴鱼，又名…"); its later
# sentences speak of it without naming it ("本鱼…", or no subject at all), so the subject's
# words count for each of them and cannot make the opening sentence win over the one that says
# what is asked. Measured on cmrc2018_dev_ans: answers holding the gold answer 0.747 -> 0.773.
SUBJECT_END = re.compile(r"[，,（(：:；;。]")
SUBJECT_CHARS = 40
MAX_CHARS = 700  # the whole answer's quotes, so it stays short on screen


@dataclass(frozen=True)
class Quote:
    n: int  # the source number, 1-based
    text: str  # as shown: rows as "cell | cell", long sentences cut to clauses with "…"
    start: int  # offsets on the passage's page
    end: int
    score: float
    coverage: float = 0.0  # share of the question's key terms the sentence holds
    meaning: float = 0.0  # its passage's best match by meaning beyond typical questions' (rag/support.py)


def best_sentences(
    question: str,
    hits: list[Hit],
    embedder: Embedder,
    query: np.ndarray,
    lang: str = "",
    typical: np.ndarray | None = None,
) -> list[Quote]:
    """The best sentence of the best passage, and of each other passage that scored nearly as
    well; in a passage, sentences are ranked by key terms held, by meaning and by the kind of
    fact asked for. `typical`: vectors of typical questions in the question's language, that
    a quote's `meaning` is measured against."""
    kinds = asked_for(question)
    quotes: list[Quote] = []
    passages = [set(keyword_tokens(h.text)) for h in hits]
    for n, hit in enumerate(hits[:PASSAGES], 1):
        if n > 1 and hit.score < hits[0].score - NEAR_TOP:
            continue
        # A passage's language is its majority by characters: a bilingual form labelled Chinese
        # still holds an English question's own words, so both readings of the terms count.
        groupings = [
            key_terms(question, side, lang or hit.lang)
            for side in dict.fromkeys([hit.lang, lang or hit.lang])
        ]
        weighings = [rarity(groups, passages) for groups in groupings]
        found = units(hit.text, hit.lang)
        subject = set(keyword_tokens(_subject(found[0], hit.lang))) if found else set()
        held_by = [
            set(keyword_tokens(unit.shown + _above(hit.text, unit, hit.lang))) | subject for unit in found
        ]
        weighings = [spread(g, held_by, w) for g, w in zip(groupings, weighings, strict=True)]
        candidates = []
        data_rows = [u for u in found if u.row and ROW_MARK in u.shown]
        for unit, tokens in zip(found, held_by, strict=True):
            if data_rows and unit.row and ROW_MARK not in unit.shown:
                continue  # a header or caption line answers nothing: its terms count for the rows below
            held = max(coverage(groups, tokens) for groups in groupings)
            weighted = max(coverage(g, tokens, w) for g, w in zip(groupings, weighings, strict=True))
            bonus = KIND_BONUS * weighted if kinds and holds(unit.shown, kinds, question) else 0.0
            candidates.append((weighted + bonus, held, unit))
        candidates = sorted(candidates, key=lambda c: -c[0])[:PER_PASSAGE]
        if not candidates:
            continue
        vectors = embedder.embed_passages([unit.shown for _, _, unit in candidates])
        cosines = vectors @ query
        beyond = (
            cosines - (vectors @ typical.T).mean(axis=1)
            if typical is not None and len(typical)
            else np.zeros_like(cosines)
        )
        scored = sorted(
            (
                (lexical + MEANING * float(cosine), held, unit)
                for (lexical, held, unit), cosine in zip(candidates, cosines, strict=True)
            ),
            key=lambda c: -c[0],
        )
        chosen = [c for i, c in enumerate(scored[:2]) if i == 0 or (n == 1 and c[0] >= scored[0][0] - SECOND)]
        terms = {t for groups in groupings for group in groups for alternative in group for t in alternative}
        for score, held, unit in sorted(chosen, key=lambda c: c[2].start):  # in reading order
            quotes += _quote(n, hit, unit, score, held, terms, float(beyond.max()))
    return _bounded(quotes)


def _subject(opening: Unit, lang: str) -> str:
    """The words a Chinese passage opens with, up to the first clause mark: its subject. A
    table row names no subject; English sentences name theirs ("It", "The museum"), and on
    xquad_en_ans counting the opening's words for them changed nothing."""
    return "" if opening.row or lang != "zh" else SUBJECT_END.split(opening.shown, 1)[0][:SUBJECT_CHARS]


def _above(text: str, unit: Unit, lang: str) -> str:
    """What the line above says of a unit, that a question may name: a row's header line
    ("项目 2023年 2022年": its columns), a sentence's heading."""
    top = header(text, unit, lang) if unit.row else None
    return " " + (top.shown if top else unit.under)


def _quote(
    n: int, hit: Hit, unit: Unit, score: float, held: float, terms: set[str], meaning: float
) -> list[Quote]:
    """A sentence (cut to its clauses when long), or a row with its table's header row."""
    start, end = hit.start + unit.start, hit.start + unit.end
    if not unit.row:
        return [Quote(n, shorten(unit.shown, terms, keyword_tokens), start, end, score, held, meaning)]
    top = header(hit.text, unit, hit.lang)
    rows = (
        [Quote(n, top.shown, hit.start + top.start, hit.start + top.end, score, held, meaning)] if top else []
    )
    return [*rows, Quote(n, unit.shown, start, end, score, held, meaning)]


def _bounded(quotes: list[Quote]) -> list[Quote]:
    kept: list[Quote] = []
    total = 0
    for quote in quotes:
        if any(k.n == quote.n and k.start == quote.start for k in kept):
            continue  # one header row over two quoted rows
        if kept and total + len(quote.text) > MAX_CHARS:
            break
        kept.append(quote)
        total += len(quote.text)
    return kept


LABEL = {
    "zh": "【摘录式回答】以下是文档中与问题最相关的原文：",
    "en": "[Extractive answer] The sentences of your documents that best match the question:",
}


def extractive_text(quotes: list[Quote], lang: str) -> str:
    label = LABEL["zh" if lang == "zh" else "en"]
    groups: list[list[Quote]] = []
    for q in quotes:  # consecutive sentences of one source form one quoted paragraph
        if groups and groups[-1][0].n == q.n:
            groups[-1].append(q)
        else:
            groups.append([q])
    paragraphs = [_paragraph(group) for group in groups]
    return label + "\n\n" + "\n\n".join(paragraphs)


def _paragraph(group: list[Quote]) -> str:
    """Sentences run on; table rows (text with " | ") stay one per line."""
    lines: list[str] = []
    for q in group:
        if lines and ROW_MARK not in q.text and ROW_MARK not in lines[-1]:
            lines[-1] += " " + q.text
        else:
            lines.append(q.text)
    return "> " + "\n".join(lines) + f" [{group[0].n}]"
