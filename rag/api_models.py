"""The API's request and response bodies: an OpenAI-compatible chat request, search, citations."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rag.citations import Citation
from rag.retrieve import Hit, Mode

MAX_QUESTION = 8000  # characters; a longer "question" is a document, and belongs in the library
MAX_HISTORY = 20  # earlier messages kept as conversation context


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        """The message's text; OpenAI clients may send it as a list of typed parts."""
        if isinstance(self.content, list):
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    """OpenAI's chat request; parameters of theirs we do not use (temperature, ...) are accepted."""

    model_config = ConfigDict(extra="allow")
    model: str = "docqa"
    messages: list[ChatMessage] = Field(min_length=1, max_length=500)
    stream: bool = False
    # Extensions: narrow the answer to some of the caller's collections; passages to answer from.
    collections: list[str] | None = None
    k: int | None = Field(default=None, gt=0, le=50)


class SearchRequest(BaseModel):
    query: str = Field(min_length=1, max_length=MAX_QUESTION)
    k: int = Field(default=5, gt=0, le=50)
    mode: Mode = "hybrid"
    collections: list[str] | None = None


def citation_json(c: Citation) -> dict[str, Any]:
    """One source of an answer; `n` is the number of its [n] marker in the text."""
    return {
        "n": c.n, "doc_id": c.doc_id, "doc": c.doc, "page": c.page, "page_end": c.page_end,
        "place": c.place, "text": c.text, "cited": c.cited,
    }  # fmt: skip


def hit_json(h: Hit) -> dict[str, Any]:
    return {
        "doc_id": h.doc_id, "doc": h.doc, "page": h.page, "page_end": h.page_end, "place": h.place,
        "text": h.text, "score": round(h.score, 6), "lang": h.lang,
    }  # fmt: skip
