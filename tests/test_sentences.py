from ingest.sentences import clauses, paragraphs, sentences, words


def texts(text: str, lang: str) -> list[str]:
    return [text[s:e] for s, e in sentences(text, 0, len(text), lang)]


def test_chinese_sentences_end_at_full_and_half_width_marks_with_closing_quotes():
    text = "他说：“今天下雨了。”我们回家吧！真的吗?是的;好……走吧。"
    assert texts(text, "zh") == ["他说：“今天下雨了。”", "我们回家吧！", "真的吗?", "是的;", "好……", "走吧。"]


def test_chinese_decimal_and_line_wrap_do_not_end_a_sentence():
    text = "长江全长约6.3千\n公里，是中国最长的河流。黄河第二。"
    assert texts(text, "zh") == ["长江全长约6.3千\n公里，是中国最长的河流。", "黄河第二。"]


def test_english_abbreviations_initials_and_decimals_are_not_ends():
    text = "Dr. Smith paid $3.50 to J. Doe at 5 p.m. yesterday. Was it fair? Yes! See Fig. 2 for e.g. data."
    assert texts(text, "en") == [
        "Dr. Smith paid $3.50 to J. Doe at 5 p.m. yesterday.",
        "Was it fair?",
        "Yes!",
        "See Fig. 2 for e.g. data.",
    ]


def test_english_quote_stays_with_its_sentence_and_semicolon_is_no_end():
    text = 'He said "stop." Then he left; she stayed.'
    assert texts(text, "en") == ['He said "stop."', "Then he left; she stayed."]


def test_mixed_language_line():
    text = "模型在测试集上表现良好。The accuracy is 91.5%. 我们将继续改进。"
    assert texts(text, "zh") == ["模型在测试集上表现良好。", "The accuracy is 91.5%.", "我们将继续改进。"]


def test_spans_are_trimmed_offsets_into_the_text():
    text = "  第一句。  \n 第二句！ "
    spans = sentences(text, 0, len(text), "zh")
    assert [text[s:e] for s, e in spans] == ["第一句。", "第二句！"]


def test_paragraphs_split_at_blank_lines_only():
    text = "line one\nline two\n\n  \nnext paragraph"
    assert [text[s:e] for s, e in paragraphs(text, 0, len(text))] == [
        "line one\nline two",
        "next paragraph",
    ]


def test_clauses_and_words():
    text = "北京是中国的首都，上海是最大的城市、也是金融中心"
    assert [text[s:e] for s, e in clauses(text, 0, len(text))] == [
        "北京是中国的首都，",
        "上海是最大的城市、",
        "也是金融中心",
    ]
    pieces = [text[s:e] for s, e in words(text, 0, len(text), "zh")]
    assert "".join(pieces) == text and "北京" in pieces and "首都" in pieces
    english = "split only  at spaces"
    assert [english[s:e] for s, e in words(english, 0, len(english), "en")] == [
        "split", "only", "at", "spaces",
    ]  # fmt: skip
