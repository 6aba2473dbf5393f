"""The answer without an LLM: the sentences of the retrieved passages that best answer the
question, by meaning and by shared keywords, each with its [n] citation."""

from dataclasses import dataclass

import numpy as np

from ingest.embed import Embedder
from ingest.keywords import keyword_tokens
from ingest.sentences import sentences
from rag.retrieve import Hit

PASSAGES = 3  # sentences come from the best few passages only
CANDIDATES = 8  # sentences embedded for the semantic score
CHOSEN = 2
MAX_CHARS = 300


@dataclass(frozen=True)
class Quote:
    n: int  # the source number, 1-based
    text: str
    start: int  # offsets on the passage's page
    end: int
    score: float


def best_sentences(question: str, hits: list[Hit], embedder: Embedder, query: np.ndarray) -> list[Quote]:
    """Up to CHOSEN sentences, best first."""
    terms = set(keyword_tokens(question))
    candidates: list[tuple[float, Quote]] = []
    for n, hit in enumerate(hits[:PASSAGES], 1):
        prior = 1.0 / n  # the retrieval order already says which passage fits best
        for s, e in sentences(hit.text, 0, len(hit.text), hit.lang):
            text = hit.text[s:e]
            if len(text) < 4:
                continue
            overlap = len(terms & set(keyword_tokens(text))) / max(len(terms), 1)
            quote = Quote(n, text[:MAX_CHARS], hit.start + s, hit.start + e, 0.0)
            candidates.append((0.5 * overlap + 0.3 * prior, quote))
    candidates.sort(key=lambda pair: -pair[0])
    shortlist = candidates[:CANDIDATES]
    if not shortlist:
        return []
    vectors = embedder.embed_passages([quote.text for _, quote in shortlist])
    scored = [
        Quote(q.n, q.text, q.start, q.end, lexical + float(vector @ query))
        for (lexical, q), vector in zip(shortlist, vectors, strict=True)
    ]
    return sorted(scored, key=lambda q: -q.score)[:CHOSEN]


LABEL = {
    "zh": "【摘录式回答】未连接大模型，以下是文档中与问题最相关的原文：",
    "en": "[Extractive answer] No language model is connected; these are the passages of your "
    "documents that best match the question:",
}


def extractive_text(quotes: list[Quote], lang: str) -> str:
    label = LABEL["zh" if lang == "zh" else "en"]
    return label + "\n\n" + "\n\n".join(f"> {q.text} [{q.n}]" for q in quotes)
