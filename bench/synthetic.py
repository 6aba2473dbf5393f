"""Synthetic libraries for the latency bench: real short texts, synthetic vectors.

Embedding a million passages with the real model would take days on 2 cores, so passage
vectors are drawn from a small model of an embedding space instead: each vector is a
language direction (as multilingual models have one, which the dense leg's centering and
calibration remove) plus a topic shared by both languages plus noise. Questions are real
question texts embedded by `SyntheticEmbedder` into the same space, so every step of the
search (both legs, fairness, fusion) does the work it does on a real library.
"""

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import jieba
import numpy as np

from ingest.records import Chunk, Document, Page
from ingest.store import Entry

ENGLISH = (
    "report revenue growth market company policy river city system data model energy water "
    "school health research project budget contract customer product service network design"
).split()
LANGS = ("zh", "en")
TOPICS = 64
WORDS = 24  # words per passage: short, so that tokenizing a million of them fits in minutes
PER_PAGE = 4
DIM = 384  # multilingual-e5-small's, so memory is what the product's vectors take
TOKEN = re.compile(r"[\u3400-\u9fff]|[A-Za-z]+|\d+|[^\w\s]")


class Space:
    """Language directions and topics, fixed by the seed."""

    def __init__(self, dim: int = DIM, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.dim = dim
        self.langs = {lang: unit(rng.normal(size=dim)) for lang in LANGS}
        self.topics = np.stack([unit(rng.normal(size=dim)) for _ in range(TOPICS)])

    def vectors(self, langs: list[str], rng: np.random.Generator) -> np.ndarray:
        """One unit vector per language label: 0.6 language, 0.6 topic, 0.5 noise."""
        topic = self.topics[rng.integers(0, TOPICS, len(langs))]
        noise = rng.normal(size=(len(langs), self.dim)) / np.sqrt(self.dim)
        offset = np.stack([self.langs[lang] for lang in langs])
        vectors = 0.6 * offset + 0.6 * topic + 0.5 * noise
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


class SyntheticEmbedder:
    """Texts -> vectors of a `Space`, fixed per text (its hash seeds the draw)."""

    def __init__(self, space: Space) -> None:
        self.space, self.name, self.dim = space, f"synthetic-{space.dim}", space.dim

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.concatenate([self.space.vectors([lang_of(t)], seeded(t)) for t in texts])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_passages(texts)

    def count_tokens(self, text: str) -> int:
        """One per Han character, word, number or punctuation mark (what chunking needs)."""
        return len(TOKEN.findall(text))


def lang_of(text: str) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"


def seeded(text: str) -> np.random.Generator:
    return np.random.default_rng(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little"))


def chinese_words(rng: np.random.Generator) -> list[str]:
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    lines = dictionary.read_text(encoding="utf-8").splitlines()[::40]
    return [str(w) for w in rng.choice([line.split()[0] for line in lines], 3000)]


def document(name: str, count: int, space: Space, rng: np.random.Generator, vocabulary: list[str]) -> Entry:
    """One document of `count` passages, half Chinese, half English, 4 to a page."""
    langs = [LANGS[i % 2] for i in range(count)]
    texts = [
        "".join(rng.choice(vocabulary, WORDS)) if lang == "zh" else " ".join(rng.choice(ENGLISH, WORDS))
        for lang in langs
    ]
    pages, chunks = [], []
    for first in range(0, count, PER_PAGE):
        number, offset, parts = first // PER_PAGE + 1, 0, []
        for i in range(first, min(first + PER_PAGE, count)):
            text = texts[i]
            chunks.append(
                Chunk(
                    f"{name}-{i}", name, i, number, number, offset, offset + len(text), text, langs[i], WORDS
                )
            )
            parts.append(text)
            offset += len(text) + 1
        pages.append(Page(number, "\n".join(parts), "text"))
    doc = Document(name, f"{name}.txt", len(pages), count, "zh+en", "", sum(map(len, texts)))
    return Entry(doc, pages, chunks, space.vectors(langs, rng))


def library(
    size: int, space: Space, per_doc: int = 20, batch: int = 20_000, seed: int = 0
) -> Iterator[list[Entry]]:
    """Documents of `per_doc` passages adding up to `size`, in batches of about `batch`
    passages (one commit each); the same seed gives the same library."""
    rng = np.random.default_rng(seed)
    vocabulary = chinese_words(rng)
    entries: list[Entry] = []
    for first in range(0, size, per_doc):
        entries.append(
            document(f"doc{first // per_doc:06d}", min(per_doc, size - first), space, rng, vocabulary)
        )
        if len(entries) * per_doc >= batch:
            yield entries
            entries = []
    if entries:
        yield entries


def unit(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


class HashedEmbedder:
    """Hashed character uni- and bigrams: a fast stand-in for the model where only the
    library's behaviour under load is measured (similar texts still get similar vectors)."""

    def __init__(self, dim: int = DIM) -> None:
        self.name, self.dim = f"hashed-{dim}", dim

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for gram in [*text, *(text[i : i + 2] for i in range(len(text) - 1))]:
                if gram.strip():
                    vectors[
                        row, int.from_bytes(hashlib.md5(gram.encode()).digest()[:4], "little") % self.dim
                    ] += 1
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-6)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_passages(texts)

    def count_tokens(self, text: str) -> int:
        return len(TOKEN.findall(text))
