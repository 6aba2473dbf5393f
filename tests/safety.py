"""What the page would draw from a markdown string: tags and attributes, as a browser gets them."""

import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from ui.quoted import STYLE

# Tags that only lay text out; everything else (img, a, script, iframe, style, svg, ...) could
# run code or load something from elsewhere.
LAYOUT = {"p", "div", "mark", "br", "strong", "em", "blockquote", "pre", "code", "hr", "ul", "ol", "li"}
ALLOWED = LAYOUT | {f"h{level}" for level in range(1, 7)}
# What GitHub-style markdown would turn into a link in text, after resolving escapes.
BARE_LINK = re.compile(r"(?i)(?:https?|ftp)://|www\.|[\w.+-]@[\w-]+\.")
ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
# A blank line ends an HTML block; markdown ends lines at \r\n, \r and \n alike.
BLANK_LINE = re.compile(r"(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def problems(markdown: str, allow_html: bool) -> list[str]:
    """Why `markdown` is unsafe to show (empty when it is safe): a tag we don't make, an
    attribute other than class, markdown read inside our HTML, or a bare URL or e-mail address
    that markdown would turn into a link."""
    if markdown == STYLE:  # the page's own constant style sheet, drawn alone: no text of anyone's
        return []
    rendered = MarkdownIt("commonmark", {"html": allow_html}).enable(["table", "strikethrough"])
    parser = _Tags()
    parser.feed(rendered.render(markdown))
    found = [f"<{tag}>" for tag, _ in parser.found if tag not in ALLOWED]
    found += [f"{tag} {name}=" for tag, attrs in parser.found for name, _ in attrs if name != "class"]
    if allow_html and (not markdown.startswith("<div") or BLANK_LINE.search(markdown)):
        found.append("HTML that is not one block: markdown would be read inside it")
    if not allow_html and BARE_LINK.search(ESCAPED.sub(r"\1", markdown)):
        found.append("a bare link")
    return found
