"""English texts with a count say "1 document", not "1 documents"; Chinese has one form."""

import re

from ui.i18n import STRINGS
from ui.plural import counted

PLURAL_AFTER_ONE = re.compile(r"\b1 (?:more finished )?(?:documents|files|jobs|passages|pages)\b")


def test_every_counted_english_text_is_singular_for_one():
    counted_keys = [
        key for key, text in STRINGS["en"].items() if "{count}" in text and not key.endswith("_one")
    ]
    assert len(counted_keys) >= 7  # documents, deletion, indexing notes, jobs, collection deletion...
    for key in counted_keys:
        one = counted(STRINGS["en"], key, 1, name="hr", user="u")
        assert not PLURAL_AFTER_ONE.search(one), (key, one)
        assert "2" in counted(STRINGS["en"], key, 2, name="hr", user="u")


def test_chinese_has_one_form():
    assert counted(STRINGS["zh"], "documents", 1) == STRINGS["zh"]["documents"].format(count=1)
