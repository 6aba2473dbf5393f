from ingest.pdf import choose_text
from ingest.textclean import clean_page_text


def test_empty_pypdf_text_takes_pdfium_and_empty_pdfium_keeps_pypdf():
    assert choose_text("", "正文内容") == ("正文内容", "pdfium")
    assert choose_text("scanned text layer", "") == ("scanned text layer", "pypdf")


def test_lost_chinese_takes_pdfium():
    # pypdf on a non-embedded CJK font: mojibake (GBK read as Latin-1) or Hangul (read as UTF-16)
    assert choose_text("Ä¿ ¡¡ ¡¡ Â¼ ¹Ø ÓÚ ºì ¾ü ×÷ Õ½", "目录关于红军作战的原则")[1] == "pdfium"
    assert choose_text("컒쏇뚼쫇뫚쳥ퟖ", "我们都是黑体字")[1] == "pdfium"
    assert choose_text("Report 2018 \ufffd\ufffd\ufffd\ufffd", "Report 2018 年度报告")[1] == "pdfium"


def test_repeated_lines_and_much_shorter_text_take_pdfium():
    doubled = "本科\n本科\n微软\n微软\n项目描述\n项目描述\n计算机\n计算机\n"
    assert choose_text(doubled, "本科\n微软\n项目描述\n计算机")[1] == "pdfium"
    assert choose_text("short", "a much longer text from the other reader")[1] == "pdfium"


def test_equal_quality_keeps_pypdf():
    assert choose_text("Same words here.", "Same words here. ")[1] == "pypdf"


def test_clean_text_joins_spaced_cjk_and_normalizes_newlines():
    assert clean_page_text("关 于 红 军\r\n作 战 2018 年\x0c ") == "关于红军\n作战 2018 年"
