"""Text shown on the page is text: checked with a markdown renderer, as the browser would get it."""

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.safety import problems
from ui.render import answer_html, escape, plain, text_html

NASTY = "![i](http://evil.example/i.png) <script>x()</script> www.evil.example a@evil.example $x$ | a |"


def test_escape_keeps_the_text_and_drops_every_meaning():
    assert problems(NASTY, False)  # the checker sees the danger in raw text
    assert problems(escape(NASTY), False) == []
    shown = re.sub(r"\\(.)", r"\1", escape(NASTY)).replace("\u200b", "")
    assert shown == NASTY


def test_answers_are_one_html_block_with_quotes_kept():
    out = answer_html("Answer:\n\n> quoted line\nstill quoted [1]\n\nafter")
    assert problems(out, True) == []
    assert "<blockquote>quoted line<br>still quoted &#91;1&#93;</blockquote>" in out
    assert (
        html.unescape(re.sub(r"<[^>]+>", " ", out)).split()
        == "Answer: quoted line still quoted [1] after".split()
    )


@settings(max_examples=300)
@given(st.text())
def test_any_text_is_drawn_as_itself(text):
    assert problems(answer_html(text), True) == []
    assert problems(escape(text), False) == []
    assert html.unescape(text_html(text).replace("<br>", "\n")) == plain(text)


def test_carriage_returns_and_control_characters_never_end_the_html_block():
    answer = "See [1].\r\r www.evil.example mail@evil.example http://evil.example/x\r\n\x0b\u2028end\x00"
    assert problems(answer_html(answer), True) == []
    assert "\r" not in answer_html(answer) and "\x00" not in text_html(answer)
    shown = html.unescape(re.sub(r"<[^>]+>", " ", answer_html(answer))).split()
    assert shown == "See [1]. www.evil.example mail@evil.example http://evil.example/x end".split()
    assert problems(escape("a\r\rwww.evil.example"), False) == []
