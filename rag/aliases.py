"""Other names filers give a financial statement line, for the keyword leg: a question asks for
"capital expenditure", the cash flow statement says "Purchases of property and equipment"
(or "购建固定资产、无形资产和其他长期资产支付的现金"); the question's words are kept and the
line's other names added, so the row's own words can match."""

import re

ALIASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bcapital expenditures?\b|\bcapex\b", re.IGNORECASE),
     "purchases of property and equipment; payments for acquisition of property, plant and equipment"),
    (re.compile(r"资本性支出|资本开支|资本支出"), "购建固定资产、无形资产和其他长期资产支付的现金"),
    (re.compile(r"\bEPS\b"), "earnings per share"),
]  # fmt: skip


def with_aliases(query: str) -> str:
    """The query and, after it, the other names of the statement lines it names."""
    added = [names for pattern, names in ALIASES if pattern.search(query)]
    return "\n".join([query, *added])
