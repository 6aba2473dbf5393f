"""The decline rule's parts: the question's key terms, weighed and counted once each."""

from rag.retrieve import Hit
from rag.support import Support, support
from rag.terms import coverage, key_terms, rarity, words


def hit(text: str, lang: str, score: float) -> Hit:
    return Hit("c", "d", "doc.pdf", 1, 1, 0, len(text), text, lang, score)


def test_a_chinese_word_is_one_key_term_not_its_overlapping_pieces():
    assert words("第一季度的营业收入是多少？").count("第一季度") == 1
    assert "一季" not in words("第一季度的营业收入是多少？")
    terms = key_terms("星河科技第一季度的营业收入是多少？", "zh", "zh")
    held = coverage(terms, {"星河", "科技", "第一季度", "第一", "季度"})
    assert 0.5 < held < 0.7  # 3 of 5 words, not 7 of 9 search pieces


def test_a_term_every_passage_holds_weighs_less():
    terms = key_terms("What did Luther write in 1524?", "en", "en")
    passages = [{"luther", "hymn"}, {"luther", "1524"}, {"luther", "bibl"}]
    weights = dict(zip((g[0][0] for g in terms), rarity(terms, passages), strict=True))
    assert weights["luther"] < weights["1524"]


def test_weak_evidence_is_declined_and_strong_evidence_answers():
    question = "How long is the Yangtze river?"
    answered = support(question, "en", [hit("The Yangtze river is 6,300 km long.", "en", 2.5)])
    declined = support(question, "en", [hit("Paris is the capital of France.", "en", 0.8)])
    assert answered.found and not declined.found
    assert not Support(1.0, 0.0, 0.0, 3).found and Support(3.0, 1.0, 1.0, 3).found


def test_a_sentence_matching_the_question_by_meaning_beyond_typical_questions_tips_the_balance():
    assert not Support(2.5, 0.5, 0.5, 4).found
    assert Support(2.5, 0.5, 0.5, 4, meaning=0.12).found
