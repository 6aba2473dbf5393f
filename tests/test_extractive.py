"""What an extractive answer quotes: whole sentences, table rows as rows, the sentence holding
the fact asked for, across languages too."""

import numpy as np

from ingest.keywords import keyword_tokens
from rag.asks import asked_for, holds
from rag.extractive import best_sentences, extractive_text
from rag.followup import leans_on_history
from rag.retrieve import Hit
from rag.units import LONG, cells_of, flatten, header, shorten, units
from tests.fakes import FakeEmbedder

ONE_CELL_PER_LINE = "Item\n2023\n2022\nNet sales\n10,208.6\n8,630.9\nCost of sales\n6,114.2\n5,201.7"


def hit(text: str, lang: str, score: float = 1.0, n: int = 0) -> Hit:
    return Hit(f"c{n}", f"d{n}", f"doc{n}.pdf", 1, 1, 0, len(text), text, lang, score)


def test_a_table_read_one_cell_per_line_is_quoted_as_rows():
    rows = [u.shown for u in units(ONE_CELL_PER_LINE, "en") if u.row]
    assert "Net sales | 10,208.6 | 8,630.9" in rows
    assert "Cost of sales | 6,114.2 | 5,201.7" in rows
    assert cells_of("营业收入（元） 4,755,785.11 5,699,227.63 -16.55%") == [
        "营业收入（元）", "4,755,785.11", "5,699,227.63", "-16.55%",
    ]  # fmt: skip


def test_a_quoted_row_keeps_its_header_row():
    table = (
        "项目 本报告期 上年同期\n营业收入（元） 4,755,785.11 5,699,227.63\n"
        "净利润（元） -4,648,986.52 -15,563,758.44"
    )
    row = next(u for u in units(table, "zh") if u.shown.startswith("净利润"))
    top = header(table, row, "zh")
    assert top is not None and top.shown == "项目 本报告期 上年同期"


def test_a_long_sentence_is_cut_between_clauses_never_inside_a_number():
    filler = "，".join(f"第{i}项说明与问题无关的内容" for i in range(20))
    sentence = filler + "，公司营业收入为4,755,785.11元，同比下降16.55%，" + filler + "。"
    cut = shorten(sentence, set(keyword_tokens("营业收入是多少")), keyword_tokens)
    assert "4,755,785.11" in cut and cut.startswith("…") and cut.endswith("…")
    assert len(cut) <= LONG + 2 and cut.strip("…") in sentence


def test_wrapped_lines_join_as_one_sentence():
    assert flatten("保证季度报告内容的真\n实、准确、完整", "zh") == "保证季度报告内容的真实、准确、完整"
    assert flatten("The company sold\n1,200 panels", "en") == "The company sold 1,200 panels"


def test_the_sentence_holding_the_number_asked_for_is_quoted():
    text = (
        "The Yangtze is an important river for shipping and trade in China. "
        "The Yangtze river is about 6,300 km long. It flows into the East China Sea."
    )
    embedder = FakeEmbedder()
    question = "How long is the Yangtze river?"
    quotes = best_sentences(
        question, [hit(text, "en")], embedder, embedder.embed_queries([question])[0], "en"
    )
    assert "6,300 km" in quotes[0].text
    assert asked_for(question) == ["number"] and holds("6,300 km", ["number"])


def test_a_chinese_question_finds_the_english_sentence_by_dictionary_glosses():
    text = (
        "The museum opened a new wing for modern art. "
        "The company hired 450 engineers in 2021. Its headquarters are in Boston."
    )
    embedder = FakeEmbedder()
    question = "公司招聘了多少工程师？"
    quotes = best_sentences(
        question, [hit(text, "en")], embedder, embedder.embed_queries([question])[0], "zh"
    )
    assert "450 engineers" in quotes[0].text and quotes[0].coverage > 0


def test_rows_stay_one_per_line_in_the_answer():
    embedder = FakeEmbedder()
    question = "What were net sales in 2023?"
    quotes = best_sentences(
        question, [hit(ONE_CELL_PER_LINE, "en")], embedder, embedder.embed_queries([question])[0], "en"
    )
    text = extractive_text(quotes, "en")
    assert (
        "Net sales | 10,208.6 | 8,630.9" in text.splitlines()[2] or "\nNet sales | 10,208.6 | 8,630.9" in text
    )
    assert len(text) < 400


def test_only_questions_that_cannot_stand_alone_lean_on_history():
    assert leans_on_history("那负债呢？", "zh")
    assert leans_on_history("and in 2021?", "en")
    assert leans_on_history("When was it founded?", "en")
    assert not leans_on_history("How long did it take Luo Tianyi to become popular?", "en")
    assert not leans_on_history("What is the capital of Australia?", "en")
    assert not leans_on_history("长江有多长？", "zh")


def test_a_number_the_question_already_holds_is_no_answer():
    question = "星河科技2023年第一季度的营业收入是多少？"
    assert not holds("星河科技 2023 年第一季度报告", ["number", "date"], question)
    assert holds("营业收入 1,234.5 987.6", ["number"], question)
    assert not holds("The Islamic State was formed in Iraq", ["person"], "Who leads The Islamic State?")


def test_terms_every_passage_holds_weigh_less_than_the_rare_one_asked_about():
    top = "星河科技 第一季度报告\n"
    table = top + "项目 本报告期 上年同期\n营业收入 1,234.5 987.6\n净利润 -12.3 -45.6\n总资产 9,876.5 9,000.1"
    others = [top + "公司董事会保证报告内容真实。", top + "公司负责人签字并盖章。"]
    hits = [hit(table, "zh", 1.0, 0), *(hit(text, "zh", 0.9, n) for n, text in enumerate(others, 1))]
    embedder = FakeEmbedder()
    question = "星河科技第一季度的营业收入是多少？"  # the page header holds 3 of its 5 words
    no_meaning = np.zeros(embedder.dim, dtype=np.float32)  # the key terms alone rank the sentences
    quotes = best_sentences(question, hits, embedder, no_meaning, "zh")
    scores = {q.text: q.score for q in quotes if q.n == 1}
    assert scores["营业收入 | 1,234.5 | 987.6"] > scores.get("星河科技 第一季度报告", 0.0)


def test_a_row_is_quoted_for_the_column_its_header_names_not_the_header_itself():
    # "2023年" is in the header row only, "净利润" in the data row: the row answers, under its header
    table = "第三章 财务数据\n单位：万元\n项目 2023年 2022年\n营业收入 10,208.6 8,630.9\n净利润 1,234.5 987.6"
    question = "2023年的净利润是多少？"
    embedder = FakeEmbedder()
    query = embedder.embed_queries([question])[0]
    quotes = best_sentences(question, [hit(table, "zh")], embedder, query, "zh")
    shown = [q.text for q in quotes]
    assert "净利润 | 1,234.5 | 987.6" in shown
    assert shown.index("项目 2023年 2022年") < shown.index("净利润 | 1,234.5 | 987.6")  # its header, above it


def test_a_heading_is_not_quoted_as_the_first_words_of_the_sentence_below_it():
    text = "第二章 地理知识\n长江是中国最长的河流，全长约6300公里，流经青海、西藏、四川等省市，最后注入东海。"
    question = "长江有多长？"
    embedder = FakeEmbedder()
    query = embedder.embed_queries([question])[0]
    quotes = best_sentences(question, [hit(text, "zh")], embedder, query, "zh")
    assert quotes[0].text.startswith("长江是中国最长的河流")
    assert text[quotes[0].start :].startswith("长江是")  # the page mark starts at the sentence too
    wrapped = "The company sold. The Yangtze\nriver is about 6,300 km long and is the longest river of China."
    assert units(wrapped, "en")[-1].shown.startswith("The Yangtze river")  # a line wrapped mid-sentence
    assert len(units("Net income\n1,234.5", "en")) == 1  # a label over its figure stays one


def test_the_passage_subject_named_in_many_sentences_does_not_choose_the_sentence():
    # every sentence but the answer names the civet: its name cannot tell them apart
    text = (
        "The palm civet is a small mammal of South Asia. The palm civet is active at night. "
        "The palm civet lives in forests and gardens. The palm civet has a long tail. "
        "It mainly feeds on ripe fruit such as mangoes."
    )
    question = "What does the palm civet mainly feed on?"
    embedder = FakeEmbedder()
    vector = embedder.embed_queries([question])[0]
    quotes = best_sentences(question, [hit(text, "en")], embedder, vector, "en")
    assert max(quotes, key=lambda q: q.score).text == "It mainly feeds on ripe fruit such as mangoes."


def test_rows_the_reader_marked_stay_rows_among_lines_of_prose():
    # a small table under its caption, with no full stop: too few figures to read the span as a table
    text = (
        "公司是否需追溯调整或重述以前年度会计数据\n□ 是 √ 否\n本报告期 | 上年同期 | 增减\n"
        "营业收入（元） | 4,755,785.11 | 5,699,227.63 | -16.55%\n非经常性损益项目和金额\n√ 适用 □ 不适用\n"
        "单位：元\n说明"
    )
    found = units(text, "zh")
    rows = [u.shown for u in found if u.row]
    assert rows == ["本报告期 | 上年同期 | 增减", "营业收入（元） | 4,755,785.11 | 5,699,227.63 | -16.55%"]
    assert all(text[u.start : u.end] == u.shown for u in found if u.row)  # the page mark covers the row


def test_the_sentence_saying_what_is_asked_beats_the_opening_that_names_the_subject():
    # the opening names the fish (three of the question's four words); the answer says "本鱼"
    text = "疣鹦嘴鱼，又名瘤绿鹦嘴鱼，为鹦哥鱼科的其中一种。本鱼体深蓝绿色。啃食珊瑚，以珊瑚共生藻为食。"
    embedder = FakeEmbedder()
    no_meaning = np.zeros(embedder.dim, dtype=np.float32)  # the key terms alone rank the sentences
    quotes = best_sentences("疣鹦嘴鱼以什么为食？", [hit(text, "zh")], embedder, no_meaning, "zh")
    assert max(quotes, key=lambda q: q.score).text == "啃食珊瑚，以珊瑚共生藻为食。"


def test_the_sentence_after_the_match_is_quoted_when_it_scores_nearly_as_well():
    text = (
        "The pathogen rapidly changes its epitopes. This change is called antigenic variation. "
        "HIV mutates quickly."
    )
    embedder = FakeEmbedder()
    no_meaning = np.zeros(embedder.dim, dtype=np.float32)
    quotes = best_sentences(
        "What is the rapid change of epitopes called?", [hit(text, "en")], embedder, no_meaning, "en"
    )
    assert [q.text for q in quotes] == [
        "The pathogen rapidly changes its epitopes.", "This change is called antigenic variation.",
    ]  # fmt: skip


def test_a_quotes_meaning_is_its_match_beyond_what_typical_questions_get():
    text = "The Yangtze river is about 6,300 km long. It flows into the East China Sea."
    embedder = FakeEmbedder()
    question = "How long is the Yangtze river?"
    vector = embedder.embed_queries([question])[0]
    like_it = best_sentences(question, [hit(text, "en")], embedder, vector, "en", vector[None, :])
    unlike = best_sentences(question, [hit(text, "en")], embedder, vector, "en", -vector[None, :])
    assert abs(like_it[0].meaning) < 1e-5  # typical questions matching as well: nothing beyond
    assert unlike[0].meaning > 0.5
