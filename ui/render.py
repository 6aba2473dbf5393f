"""Text from documents, file names and the model, made safe to draw: it is shown as text, never
as markup, links, images or HTML (which could load things from other hosts)."""

import re

# Markdown ends a line at \r as well as \n, so "\r\r" would be a blank line that ends our HTML
# block, and what follows would be read as markdown (bare URLs become links). Every other
# line breaker becomes \n too, and the remaining control characters go.
_BREAKERS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_CONTROLS = [
    chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x1C), 0x1F, *range(0x7F, 0x85), *range(0x86, 0xA0))
]
LINE_BREAK = re.compile(f"\r\n|[{_BREAKERS}]")
CONTROL = re.compile(f"[{re.escape(''.join(_CONTROLS))}]")
# Inside our own HTML: every character HTML or markdown could read as markup becomes a character
# reference, which shows as the character itself and acts as nothing; line breakers become \n
# (drawn as <br>) and control characters go, even where a caller skipped plain().
AS_TEXT = str.maketrans(
    {ch: f"&#{ord(ch)};" for ch in "&<>\"'`*_{}[]()#+-.!|~$:@=\\/"}
    | {ch: "\n" for ch in _BREAKERS}
    | dict.fromkeys(_CONTROLS, "")
)
# In markdown (labels, messages): every character markdown and its extensions give a meaning to.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:@&=])")
# GitHub-style markdown turns bare URLs and e-mail addresses into links even after escaping,
# so a zero-width space breaks them up (invisible; the text reads the same).
BARE_LINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\\\.)|(?<=@)")


def plain(text: str) -> str:
    """Text with every line break as \n and no other control characters (tabs stay)."""
    return CONTROL.sub("", LINE_BREAK.sub("\n", text))


def text_html(text: str) -> str:
    """Text as HTML: escaped, line breaks kept."""
    return plain(text).translate(AS_TEXT).replace("\n", "<br>")


def answer_html(text: str) -> str:
    """An answer as one HTML block for st.markdown(unsafe_allow_html=True): no markdown is read
    inside it; quotes ("> ..." and the lines that continue it, as in markdown) stay quotes."""
    parts: list[str] = []
    quote: list[str] = []
    for line in plain(text).split("\n"):
        if line.startswith("> ") or (quote and line.strip()):
            quote.append(text_html(line[2:] if line.startswith("> ") else line))
            continue
        if quote:
            parts.append(f"<blockquote>{'<br>'.join(quote)}</blockquote>")
            quote = []
        parts.append(text_html(line) + "<br>")
    if quote:
        parts.append(f"<blockquote>{'<br>'.join(quote)}</blockquote>")
    return f'<div class="answer">{"".join(parts)}</div>'


def escape(text: str) -> str:
    """Text for a markdown label or message: shown as typed, no links, images, HTML or math."""
    return BARE_LINK.sub("\u200b", MARKDOWN_SPECIAL.sub(r"\\\1", plain(text)))
