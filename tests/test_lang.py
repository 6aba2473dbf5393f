from ingest.lang import detect_lang, dominant, segment_languages
from ingest.pipeline import detect_pages, document_lang
from ingest.records import Page


def test_simplified_traditional_and_english():
    assert detect_lang("长江是中国最长的河流，全长约六千三百公里。") == "zh"
    assert detect_lang("臺灣位於東亞，是一個島嶼，首都是臺北。") == "zh"
    assert detect_lang("The Yangtze is the longest river in China and Asia.") == "en"


def test_chinese_with_english_terms_is_chinese_and_the_reverse():
    assert detect_lang("我们使用 Python 和 FAISS 构建检索系统，效果很好。") == "zh"
    assert detect_lang("The retrieval system was built in Beijing (北京) with Python and FAISS.") == "en"


def test_other_latin_languages_are_named_and_detection_is_deterministic():
    german = "Der Jangtsekiang ist der längste Fluss Chinas und fließt durch viele große Städte."
    assert {detect_lang(german) for _ in range(5)} == {"de"}


def test_a_mixed_page_gets_one_run_per_language():
    text = (
        "第一段是中文，讲的是长江。\n它很长。\n"
        "The second part is English, about the river.\nIt is long.\n第三段又是中文。"
    )
    runs = segment_languages(text)
    assert [lang for _, _, lang in runs] == ["zh", "en", "zh"]
    assert "".join(text[s:e] for s, e, _ in runs) == text


def test_pages_and_documents_get_their_dominant_language():
    pages = detect_pages([
        Page(1, "这是中文页面，内容很多很多很多。", "pypdf"),
        Page(2, "This page is written in English, with several words.", "pypdf"),
        Page(3, "", "pypdf"),
    ])  # fmt: skip
    assert [p.lang for p in pages] == ["zh", "en", ""]
    assert document_lang(pages) in ("zh+en", "en+zh")
    assert document_lang(pages[:1]) == "zh"
    assert dominant([]) == ""
