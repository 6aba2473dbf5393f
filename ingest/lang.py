"""Language per paragraph: script decides Chinese vs Latin text, langdetect names the Latin language."""

import re
from collections import Counter

from langdetect import DetectorFactory, LangDetectException, detect

DetectorFactory.seed = 0  # langdetect is random unless seeded; the same text must give the same index

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
KANA = re.compile(r"[\u3040-\u30ff]")
HANGUL = re.compile(r"[\uac00-\ud7af]")
LATIN_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")
LINE = re.compile(r"[^\n]*\n?")
SHORT_LATIN = 40  # below this many letters langdetect guesses; such text is English here


def script_of(text: str) -> str:
    """zh, ja, ko, latin, or '' when the text has no letters at all."""
    han, kana, hangul = len(HAN.findall(text)), len(KANA.findall(text)), len(HANGUL.findall(text))
    words = len(LATIN_WORD.findall(text))
    if kana and kana * 5 >= han:
        return "ja"
    if hangul > han and hangul >= words:
        return "ko"
    # A Han character carries about a word's worth of meaning: compare characters to words.
    if han and han >= words:
        return "zh"
    return "latin" if words else ""


def detect_lang(text: str) -> str:
    """The language code of `text`: zh, en, ja, ko, or what langdetect says for other Latin text."""
    script = script_of(text)
    if script != "latin":
        return script
    letters = sum(len(w) for w in LATIN_WORD.findall(text))
    if letters < SHORT_LATIN:
        return "en"
    try:
        code = detect(text)
    except LangDetectException:
        return "en"
    return "zh" if code.startswith("zh") else code


def segment_languages(text: str) -> list[tuple[int, int, str]]:
    """Cover `text` with (start, end, lang) runs of whole lines, one language each."""
    runs: list[list] = []  # [start, end, script]
    for match in LINE.finditer(text):
        if match.start() == match.end():
            continue
        script = script_of(match.group())
        if runs and (not script or runs[-1][2] in ("", script)):
            runs[-1][1] = match.end()
            runs[-1][2] = runs[-1][2] or script
        else:
            runs.append([match.start(), match.end(), script])
    return [(start, end, detect_lang(text[start:end]) if script else "") for start, end, script in runs]


def dominant(weighted: list[tuple[str, int]]) -> str:
    """The language with most characters; '' when nothing had a language."""
    totals: Counter[str] = Counter()
    for lang, weight in weighted:
        if lang:
            totals[lang] += weight
    return totals.most_common(1)[0][0] if totals else ""
