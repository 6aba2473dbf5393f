"""An answer of a saved conversation without the words of sources the user may no longer see
(the document was removed, or the user lost its collection): each paragraph that cites such a
source gives way to the "source no longer available" note, as its source panel does."""

import re
from collections.abc import Container

from rag.answer import Answer

MARKER = re.compile(r"\[(\d{1,3})\]")  # stored answers have their markers resolved to [n]
PARAGRAPHS = re.compile(r"\n[ \t]*\n")


def withheld_text(T: dict[str, str], answer: Answer, visible_docs: Container[str]) -> str:
    """The answer's text with every paragraph citing a source not in `visible_docs` replaced:
    a quote, or a model's sentence built on it, would show what the source panel hides."""
    gone = {c.n for c in answer.citations if c.doc_id not in visible_docs}
    if not gone:
        return answer.text
    kept = []
    for paragraph in PARAGRAPHS.split(answer.text):
        hidden = sorted({int(n) for n in MARKER.findall(paragraph)} & gone)
        kept.append("\n".join(T["source_gone"].format(n=n) for n in hidden) if hidden else paragraph)
    return "\n\n".join(kept)
