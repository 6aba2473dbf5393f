"""Normalize extracted text once, before anything points into it by offset."""

import re

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# PDFium spaces out some CJK fonts ("关 于 红 军"); Chinese puts no spaces between characters.
_SPACED_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0]+(?=[{_CJK}])")
_TRAILING = re.compile(r"[ \t]+\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidi marks, embeddings, overrides and isolates: invisible, and an override shows text in an
# order other than the one stored (and searched, and quoted in answers). Removed, not spaced.
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_page_text(text: str) -> str:
    """Unix newlines, no control or bidi characters, no spaces between CJK characters, no
    trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    text = _BIDI.sub("", text)
    text = _SPACED_CJK.sub("", text)
    text = _TRAILING.sub("\n", text)
    return text.strip()
