"""The answer without an LLM: the sentences of the retrieved passages that best answer the
question, by meaning and by shared keywords, each with its [n] citation."""

from dataclasses import dataclass

import numpy as np

from ingest.embed import Embedder
from ingest.keywords import keyword_tokens
from ingest.sentences import sentences
from rag.retrieve import Hit

PASSAGES = 3  # sentences come from the best few passages only
NEAR_TOP = 0.8  # another passage is quoted only when it scored nearly as well as the best
PER_PASSAGE = 4  # sentences per passage compared by meaning
SECOND = 0.15  # the best passage gives a second sentence when it scores within this of its first
MAX_CHARS = 300


@dataclass(frozen=True)
class Quote:
    n: int  # the source number, 1-based
    text: str
    start: int  # offsets on the passage's page
    end: int
    score: float


def best_sentences(question: str, hits: list[Hit], embedder: Embedder, query: np.ndarray) -> list[Quote]:
    """The best sentence of the best passage, and of each other passage that scored nearly as
    well; in a passage, sentences are ranked by shared keywords and by meaning."""
    terms = set(keyword_tokens(question))
    quotes = []
    for n, hit in enumerate(hits[:PASSAGES], 1):
        if n > 1 and not (hits[0].score > 0 and hit.score >= NEAR_TOP * hits[0].score):
            continue
        candidates = []
        for s, e in sentences(hit.text, 0, len(hit.text), hit.lang):
            text = hit.text[s:e]
            overlap = len(terms & set(keyword_tokens(text))) / max(len(terms), 1)
            candidates.append((overlap, Quote(n, text[:MAX_CHARS], hit.start + s, hit.start + e, 0.0)))
        candidates = sorted(candidates, key=lambda pair: -pair[0])[:PER_PASSAGE]
        if not candidates:
            continue
        vectors = embedder.embed_passages([quote.text for _, quote in candidates])
        # one passage is one language, so plain cosine compares its sentences fairly
        scored = [
            (lexical + float(v @ query), q) for (lexical, q), v in zip(candidates, vectors, strict=True)
        ]
        scored.sort(key=lambda pair: -pair[0])
        chosen = [
            pair
            for i, pair in enumerate(scored[:2])
            if i == 0 or (n == 1 and pair[0] >= scored[0][0] - SECOND)
        ]
        chosen.sort(key=lambda pair: pair[1].start)  # in reading order
        quotes += [Quote(q.n, q.text, q.start, q.end, score) for score, q in chosen]
    return quotes


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
    paragraphs = [f"> {' '.join(q.text for q in group)} [{group[0].n}]" for group in groups]
    return label + "\n\n" + "\n\n".join(paragraphs)
