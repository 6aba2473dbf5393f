"""Bytes of a text file -> text: byte-order marks and UTF-8 first, then a charset detector
(charset-normalizer) whose guesses must look like Chinese or Western text to be taken.

Without the check, a Windows-1252 file with accents decodes "successfully" as GB18030 into
rare Chinese characters, and a short GBK text is detected as Korean (cp949)."""

import re

from charset_normalizer import from_bytes

from ingest.errors import IngestError

# The product reads Chinese and Western text: the encodings such files come in, besides UTF.
CANDIDATES = ["gb18030", "big5", "cp1252"]
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
FOREIGN_CJK = re.compile(r"[\u3040-\u30ff\uac00-\ud7af\ue000-\uf8ff]")  # kana, hangul, private use
LETTER = re.compile(r"[^\W\d_]")
LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
C1 = re.compile(r"[\x80-\x9f]")


def decode_bytes(data: bytes) -> str:
    """The text in `data`; IngestError when it is binary or in no encoding we can tell."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise IngestError("binary data, not a text file", "not_text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for match in from_bytes(data, cp_isolation=CANDIDATES):
        text = str(match)
        if plausible(text, match.encoding):
            return text
    raise IngestError(
        "not a text file in UTF-8, UTF-16, GB18030, Big5 or Windows-1252 (the encoding could not be "
        "told with confidence): save it as UTF-8 and add it again",
        "not_text",
    )


def plausible(text: str, encoding: str) -> bool:
    """Whether `text`, decoded as `encoding`, reads as that encoding's language: Chinese
    encodings give common Han characters and no kana, hangul or private-use ones; Western
    encodings give Latin letters and no C1 control characters."""
    letters = LETTER.findall(text)
    if not letters:
        return True  # digits and punctuation read the same in every candidate
    if encoding in ("gb18030", "big5"):
        han = HAN.findall(text)
        others = len(letters) - len(LATIN_LETTER.findall(text))  # letters neither Latin nor...
        if not han or len(han) < 0.8 * others or FOREIGN_CJK.search(text):  # ...mostly Han
            return False
        common = "gb2312" if encoding == "gb18030" else "big5"
        return sum(1 for ch in han if _encodes(ch, common)) >= 0.9 * len(han)
    return not C1.search(text) and len(LATIN_LETTER.findall(text)) >= 0.95 * len(letters)


def _encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
