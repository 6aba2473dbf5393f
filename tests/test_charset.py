"""Text files in the encodings Chinese and Western users save them in come out as written;
bidi controls never reach the library's text."""

import random

import pytest

from bench.hostile_texts import expected_text, huge_page_pdf, texts
from ingest.charset import decode_bytes
from ingest.errors import IngestError
from ingest.load import load_file
from ingest.textclean import clean_page_text

WESTERN = "Thérèse préférait Genève, où Agnès étudiait. Größe, Übermaß, façade, naïveté."
CHINESE = "长江是中国最长的河流，全长约6300公里。黄河是中国第二长的河流。"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (WESTERN, "cp1252"),  # decodes without error as GB18030, into rare Chinese characters
        ("Señor Muñoz visitó Málaga, Córdoba y Cádiz", "cp1252"),
        (CHINESE, "gb18030"),
        ("你好，世界", "gb18030"),  # short: a detector alone says Korean (cp949)
        ("本报告介绍了 BERT 模型在中文问答上的表现 (F1 = 88.5)。", "gb18030"),
        ("長江是中國最長的河流，全長約6300公里。", "big5"),
        (WESTERN + CHINESE, "utf-8"),
        (WESTERN + CHINESE, "utf-8-sig"),
        (WESTERN + CHINESE, "utf-16"),
    ],
)
def test_a_text_file_decodes_as_written(tmp_path, text, encoding):
    path = tmp_path / "notes.txt"
    path.write_bytes(text.encode(encoding))
    assert load_file(path).pages[0].text == text


def test_bytes_in_no_plausible_encoding_are_refused_with_what_to_do():
    noise = bytes(range(0x80, 0x100)) * 4
    with pytest.raises(IngestError, match="save it as UTF-8"):
        decode_bytes(noise)
    with pytest.raises(IngestError, match="binary"):
        decode_bytes(b"abc\x00def")


def test_bidi_controls_are_removed_from_document_text(tmp_path):
    tricky = "invoice\u202egpj.exe paid \u2066to\u2069 \u200fus\u200e and \u061cthem \u202aok\u202c"
    assert clean_page_text(tricky) == "invoicegpj.exe paid to us and them ok"
    path = tmp_path / "bidi.txt"
    path.write_text(tricky, encoding="utf-8")
    text = load_file(path).pages[0].text
    assert not any(
        ch in text for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    )


def test_the_benchs_hostile_texts_are_stored_as_written_and_its_huge_page_reads(tmp_path):
    for name, data, text in texts(random.Random(1)):
        if text is not None:
            (tmp_path / name).write_bytes(data)
            assert load_file(tmp_path / name).pages[0].text == expected_text(text), name
    (tmp_path / "huge.pdf").write_bytes(huge_page_pdf())
    pages = load_file(tmp_path / "huge.pdf").pages
    assert len(pages) == 1 and "line 1999 of a very large page" in pages[0].text
