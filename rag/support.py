"""Whether the documents answer the question, judged on the evidence an extractive answer has:
how well the best passage matched by meaning (the calibrated dense score, comparable across
languages and libraries) and how many of the question's key terms the quoted sentence holds
(across languages by dictionary glosses). Thresholds measured on the answerable and
unanswerable twin sets (README, Answers)."""

from dataclasses import dataclass

from rag.extractive import Quote
from rag.retrieve import Hit

MIN_SCORE = 0.0  # calibrated: 0 is a typical question's mean passage, 1 its best matches
MIN_COVERAGE = 0.5
SURE_SCORE = 9.0  # a match this close by meaning needs no shared words


@dataclass(frozen=True)
class Support:
    score: float  # calibrated dense score of the best passage
    coverage: float  # share of the question's key terms held by the best quoted sentence

    @property
    def found(self) -> bool:
        if self.score >= SURE_SCORE:
            return True
        return self.score >= MIN_SCORE and self.coverage >= MIN_COVERAGE


def support(hits: list[Hit], quotes: list[Quote]) -> Support:
    return Support(hits[0].score if hits else float("-inf"), max((q.coverage for q in quotes), default=0.0))
