"""The keyword leg: tokens for BM25 in Chinese (jieba, Traditional folded into Simplified)
and English (lowercase, stemmed), and a BM25 index kept as a sparse matrix on disk."""

import logging
import re
import unicodedata
from functools import cache

import jieba
import numpy as np
import opencc
import Stemmer
from scipy import sparse

from ingest.atomic import write_atomic

HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_OR_NUMBER = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
EN_STOP = set(
    """
    a an and are as at be but by for from has have he her his how i in is it its of on or she
    that the their them they this to was were what when where which who whom why will with you
    """.split()
)
ZH_STOP = set("的 了 是 在 和 与 及 或 也 都 就 而 之 其 这 那 有 为 以 于 中 上 下 个 吗 呢 吧 啊".split())
K1, B = 1.2, 0.75
jieba.setLogLevel(logging.WARNING)


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")  # 臺灣 and 台湾 must be the same keyword


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def keyword_tokens(text: str) -> list[str]:
    """Search terms of `text`: jieba's search-mode words for Chinese, stemmed words otherwise."""
    text = _t2s().convert(unicodedata.normalize("NFKC", text).lower())
    tokens: list[str] = []
    position = 0
    for run in HAN_RUN.finditer(text):
        tokens += _latin(text[position : run.start()])
        tokens += [w for w in jieba.cut_for_search(run.group()) if w not in ZH_STOP]
        position = run.end()
    tokens += _latin(text[position:])
    return tokens


def _latin(text: str) -> list[str]:
    words = [w for w in LATIN_OR_NUMBER.findall(text) if w not in EN_STOP]
    return _stemmer().stemWords(words) if words else []


class KeywordIndex:
    """BM25 over term counts: rows are chunks (by id), columns are terms."""

    def __init__(self, ids: np.ndarray, counts: sparse.csr_matrix, vocab: list[str]) -> None:
        self.ids, self.counts, self.vocab = ids, counts, vocab
        self.terms = {term: i for i, term in enumerate(vocab)}
        self._by_term: sparse.csc_matrix | None = None
        self._lengths: np.ndarray | None = None

    @classmethod
    def empty(cls) -> "KeywordIndex":
        return cls(np.zeros(0, dtype=np.int64), sparse.csr_matrix((0, 0), dtype=np.float32), [])

    @classmethod
    def read(cls, path: str) -> "KeywordIndex":
        with np.load(path, allow_pickle=False) as data:
            shape = tuple(data["shape"])
            counts = sparse.csr_matrix((data["data"], data["indices"], data["indptr"]), shape=shape)
            return cls(data["ids"], counts, data["vocab"].tolist())

    def write(self, path: str) -> None:
        counts = self.counts
        write_atomic(
            path,
            lambda handle: np.savez(
                handle, ids=self.ids, data=counts.data, indices=counts.indices, indptr=counts.indptr,
                shape=np.array(counts.shape), vocab=np.array(self.vocab, dtype=str),
            ),
        )  # fmt: skip

    def add(self, ids: list[int], token_lists: list[list[str]]) -> "KeywordIndex":
        """A new index with these rows appended; the vocabulary grows as needed."""
        vocab, terms = list(self.vocab), dict(self.terms)
        rows, cols, vals = [], [], []
        for row, tokens in enumerate(token_lists):
            tally: dict[int, int] = {}
            for token in tokens:
                column = terms.setdefault(token, len(terms))
                if column == len(vocab):
                    vocab.append(token)
                tally[column] = tally.get(column, 0) + 1
            for column, count in tally.items():
                rows.append(row)
                cols.append(column)
                vals.append(count)
        new = sparse.csr_matrix((vals, (rows, cols)), shape=(len(token_lists), len(vocab)), dtype=np.float32)
        old = self.counts.copy()
        old.resize((old.shape[0], len(vocab)))
        counts = sparse.vstack([old, new], format="csr")
        return KeywordIndex(np.concatenate([self.ids, np.asarray(ids, dtype=np.int64)]), counts, vocab)

    def remove(self, ids: list[int]) -> "KeywordIndex":
        keep = ~np.isin(self.ids, np.asarray(ids, dtype=np.int64))
        return KeywordIndex(self.ids[keep], self.counts[keep], self.vocab)

    def extend(self, other: "KeywordIndex") -> "KeywordIndex":
        """A new index with the rows of `other` appended (its terms mapped into this vocabulary)."""
        vocab, terms = list(self.vocab), dict(self.terms)
        for term in other.vocab:
            if term not in terms:
                terms[term] = len(vocab)
                vocab.append(term)
        mapping = np.array([terms[t] for t in other.vocab], dtype=np.int64)
        theirs = other.counts.tocoo()
        new = sparse.csr_matrix(
            (theirs.data, (theirs.row, mapping[theirs.col])),
            shape=(len(other.ids), len(vocab)),
            dtype=np.float32,
        )
        old = self.counts.copy()
        old.resize((old.shape[0], len(vocab)))
        return KeywordIndex(
            np.concatenate([self.ids, other.ids]), sparse.vstack([old, new], format="csr"), vocab
        )

    def lengths(self) -> np.ndarray:
        """Each row's number of terms."""
        if self._lengths is None:
            self._lengths = np.asarray(self.counts.sum(axis=1)).ravel()
        return self._lengths

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, counts) of one term."""
        column = self.terms.get(term)
        if column is None:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        if self._by_term is None:
            self._by_term = self.counts.tocsc()
        start, end = self._by_term.indptr[column], self._by_term.indptr[column + 1]
        return self._by_term.indices[start:end], self._by_term.data[start:end]

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The k best (chunk id, BM25 score) for the query's terms; `allowed` masks rows."""
        return Keywords([self]).search(query, k, allowed)

    def search_any(
        self, groups: list[list[str]], k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """See Keywords.search_any."""
        return Keywords([self]).search_any(groups, k, allowed)


class Keywords:
    """BM25 over several keyword indexes (a version's segments) as if they were one: row
    count, mean length and document frequencies are those of all of them together."""

    def __init__(self, parts: list[KeywordIndex]) -> None:
        self.parts = parts
        self.ids = np.concatenate([p.ids for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        total = sum(float(p.lengths().sum()) for p in parts)
        self._mean = max(total / max(len(self.ids), 1), 1e-9)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The k best (chunk id, BM25 score) for the query's terms; `allowed` masks rows."""
        return self._top(self._scores(keyword_tokens(query)), k, allowed)

    def search_any(
        self, groups: list[list[str]], k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """BM25 where each group of alternative phrasings (e.g. the translations of one word)
        counts once, by the alternative that matches the passage best."""
        total = np.zeros(len(self.ids), dtype=np.float32)
        for alternatives in groups:
            best = np.zeros(len(self.ids), dtype=np.float32)
            for alternative in alternatives:
                np.maximum(best, self._scores(keyword_tokens(alternative)), out=best)
            total += best
        return self._top(total, k, allowed)

    def _scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 of every row for these terms (each term once)."""
        n = len(self.ids)
        scores = np.zeros(n, dtype=np.float32)
        if n == 0:
            return scores
        for term in dict.fromkeys(tokens):
            found = [p.postings(term) for p in self.parts]
            df = sum(len(rows) for rows, _ in found)
            if df == 0:
                continue
            idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
            offset = 0
            for part, (rows, tf) in zip(self.parts, found, strict=True):
                if len(rows):
                    norm = K1 * (1 - B + B * part.lengths()[rows] / self._mean)
                    scores[offset + rows] += idf * tf * (K1 + 1) / (tf + norm)
                offset += len(part.ids)
        return scores

    def _top(self, scores: np.ndarray, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        n = len(scores)
        if n == 0:
            return []
        if allowed is not None:
            scores[~allowed] = 0
        top = np.argpartition(-scores, min(k, n) - 1)[:k] if k < n else np.arange(n)
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.ids[i]), float(scores[i])) for i in top if scores[i] > 0]
