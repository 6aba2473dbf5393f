"""Whether the documents answer the question, from the evidence the best passages give: how
well the best passage matched by meaning (the calibrated dense score: 0 is a typical
question's average passage, 1 its best matches, in any language and library) and how many
of the question's key terms the best passages hold, as a whole and in one sentence (across
languages by dictionary glosses). The weights and the threshold were measured on twin sets
whose answers were removed from the library (README, Answers)."""

from dataclasses import dataclass

from ingest.keywords import keyword_tokens
from rag.retrieve import Hit
from rag.terms import coverage, key_terms
from rag.units import units

PASSAGES = 3
SENTENCE_WEIGHT = 2.0
PASSAGE_WEIGHT = 4.0
THRESHOLD = 8.8
# How much better the question matches the best sentence of the quoted passages by meaning
# than typical questions do (their mean cosine with that sentence subtracted, so a sentence
# that every question matches says little). Measured with the default embedder on the twin
# sets, fitted with the threshold (README, Answers): found on cmrc2018_dev_ans 0.877 -> 0.923
# at 0.137 -> 0.147 on its unanswerable twin; on twins built from drcd_dev, xquad_zh2zh and
# xquad_en2en that nothing was tuned on, found 0.73 -> 0.755, 0.89 -> 0.87, 0.87 -> 0.92 with
# 0.07, 0.07, 0.06 -> 0.075, 0.07, 0.08 answered without the answer.
MEANING_WEIGHT = 30.0
# A passage holding two thirds of the key terms (two or more), half of them in one sentence,
# answers whatever the dense score says: in a library of a few passages the calibration has
# little to go on. One unanswerable xquad twin question in 100 had such a passage.
WHOLE = 2
MOST = 0.66
# Across languages the key terms count only through dictionary translations, which miss many:
# a best passage in another language needs half of them and a good match by meaning.
ACROSS_COVERAGE, ACROSS_SCORE = 0.5, 1.5  # not tuned on a set yet: see README, Answers


@dataclass(frozen=True)
class Support:
    score: float  # calibrated dense score of the best passage
    sentence: float  # the largest share of the question's key terms one sentence holds
    passage: float  # the largest share one passage holds
    terms: int = 0  # the question's key terms
    across: bool = False  # the best passage is in another language than the question
    meaning: float = 0.0  # the best quote's match by meaning beyond typical questions' (rag/extractive.py)

    @property
    def margin(self) -> float:
        return (
            self.score
            + SENTENCE_WEIGHT * self.sentence
            + PASSAGE_WEIGHT * self.passage
            + MEANING_WEIGHT * self.meaning
            - THRESHOLD
        )

    @property
    def found(self) -> bool:
        if self.across and self.passage >= ACROSS_COVERAGE and self.score >= ACROSS_SCORE:
            return True
        return self.margin >= 0 or (self.passage >= MOST and self.sentence >= 0.5 and self.terms >= WHOLE)


def support(question: str, lang: str, hits: list[Hit], meaning: float = 0.0) -> Support:
    """The evidence of the best few passages for the question; `meaning`: how much better the
    question matches the best quoted sentence than typical questions do."""
    sentence = passage = 0.0
    terms = len(key_terms(question, lang, lang, whole=False))
    for hit in hits[:PASSAGES]:
        # A passage's language is its majority by characters: a Chinese slide with an English
        # note may be labelled English and still hold the question's own words, so those count too.
        langs = {hit.lang, lang} if lang else {hit.lang}
        for groups in (
            key_terms(question, passage_lang, lang or hit.lang, whole=False) for passage_lang in langs
        ):
            passage = max(passage, coverage(groups, set(keyword_tokens(hit.text))))
            for unit in units(hit.text, hit.lang):
                sentence = max(sentence, coverage(groups, set(keyword_tokens(unit.shown))))
    across = bool(hits) and bool(lang) and hits[0].lang != lang
    return Support(hits[0].score if hits else float("-inf"), sentence, passage, terms, across, meaning)
