"""What a question asks for (a number, a date, a person), and whether a sentence holds one:
the sentence that holds what is asked, with the question's terms, is the answer."""

import re

ASKS = {
    "number": re.compile(
        r"多少|几[个岁次年天位名种项家座条倍]|多[大高长重远久宽深]|百分之|比例|比率|金额|数量|人数|面积|收入|利润"
        r"|\bhow (?:many|much|long|old|far|tall|big|large|high|often)\b"
        r"|\bwhat (?:percentage|proportion|number|amount|share|size)\b|\bnumber of\b",
        re.IGNORECASE,
    ),
    "date": re.compile(
        r"何时|什么时候|哪一?年|哪一?天|几月|几号|日期|时间|年代|哪个朝代"
        r"|\bwhen\b|\b(?:what|which) (?:year|date|day|month|century|decade|period|time)\b",
        re.IGNORECASE,
    ),
    "person": re.compile(r"谁|哪位|\bwho\b|\bwhom\b|\bwhose\b", re.IGNORECASE),
}
HOLDS = {
    "number": re.compile(
        r"\d[\d,，.]*\d|\d|[一二两三四五六七八九十百千万亿]+(?:个|岁|次|年|天|位|名|种|项|家|座|条|倍|米|吨|元|人)"
    ),
    "date": re.compile(
        r"\b1\d{3}\b|\b20\d{2}\b|\d+\s*[年月日]|[〇零一二三四五六七八九十]+年|世纪|朝|"
        r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December"
        r"|century|\d{1,2}(?:st|nd|rd|th))\b"
    ),
    "person": re.compile(
        r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?: [A-Z][a-z]+)+|[\u4e00-\u9fff]{2,4}(?:先生|女士|教授|博士)|·"
    ),
}


def asked_for(question: str) -> list[str]:
    """The kinds of fact the question asks for, e.g. ["number"] for "长江有多长？"."""
    return [kind for kind, pattern in ASKS.items() if pattern.search(question)]


def holds(text: str, kinds: list[str], question: str = "") -> bool:
    """Whether `text` holds a fact of one of these kinds that the question does not already
    hold: a page header "2018 年第一季度报告" holds no answer to "2018年第一季度的营业收入是多少"
    (repeating the question's own year or name is not answering it)."""
    said = _squeeze(question)
    given = {_squeeze(m.group()) for pattern in HOLDS.values() for m in pattern.finditer(question)}
    for kind in kinds:
        for match in HOLDS[kind].finditer(text):
            fact = _squeeze(match.group())
            if fact not in given and not (kind == "person" and fact in said):
                return True
    return False


def _squeeze(text: str) -> str:
    return re.sub(r"[\s,，]+", "", text.lower())
