"""English questions reach Chinese passages by keywords too, through CC-CEDICT translations."""

from rag.translate import chinese_terms, english_terms, english_to_chinese


def test_terms_and_phrases_become_chinese_candidates():
    assert len(english_to_chinese()) > 50_000
    groups = chinese_terms("When was the University of Chicago founded?")
    assert next(g for g in groups if "芝加哥大学" in g)[0] == "芝加哥大学"  # the phrase, not two words
    assert any("建立" in g or "创立" in g or "成立" in g for g in groups)
    assert not any("大学" in g for g in groups if "芝加哥大学" not in g)  # its words are used up
    assert all(len(g) <= 3 for g in groups)


def test_question_words_and_unknown_words_give_nothing():
    assert chinese_terms("What is it?") == []
    assert chinese_terms("Xyzzyplugh qwertzuiop") == []
    assert chinese_terms("长江有多长？") == []


def test_chinese_questions_get_english_terms():
    groups = english_terms("芝加哥大学是哪一年成立的？")
    assert ["university of chicago"] in groups
    assert any("establish" in g for g in groups)
    assert english_terms("臺灣的首都是哪裡？") == [["taiwan"], ["capital"]]  # Traditional works too
    assert english_terms("什么时候？") == []  # question words carry no topic
