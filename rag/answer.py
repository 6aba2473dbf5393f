"""One question, top to bottom: rewrite -> retrieve -> messages -> LLM stream -> citations,
or, without a reachable LLM, the extractive answer. Never an empty reply."""

import re
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace

from openai import OpenAIError

from ingest.embed import embed_query
from ingest.errors import EmbedderUnavailable
from ingest.lang import detect_lang
from rag.citations import Citation, Streamed, resolve
from rag.extractive import best_sentences, extractive_text
from rag.followup import leans_on_history
from rag.llm import ChatModel, Message
from rag.prompts import DECLINE, answer_messages, prompt_lang, rewrite_messages
from rag.retrieve import Hit, Retriever
from rag.support import support

NOTES = {
    "no_llm": {
        "zh": "未配置大模型，显示摘录式回答（管理员可按 README 配置大模型）。",
        "en": "No language model is configured: showing an extractive answer "
        "(an admin can set one up: see the README).",
    },
    "llm_failed": {
        "zh": "大模型服务无法使用（{error}），显示摘录式回答。",
        "en": "The language model could not be used ({error}): showing an extractive answer.",
    },
    "embed_failed": {
        "zh": "无法检索文档：嵌入模型服务不可用（{error}）。请稍后再问。",
        "en": "The documents could not be searched: the embedding service is unavailable ({error}). "
        "Please ask again later.",
    },
    "rerank_failed": {
        "zh": "重排序服务不可用，结果按融合检索的顺序排列（{error}）。",
        "en": "The reranker was unavailable, so passages are in the fused search order ({error}).",
    },
    "nothing": {
        "zh": "文档库中没有找到与问题相关的内容。",
        "en": "Nothing relevant to the question was found in the documents.",
    },
}


@dataclass(frozen=True)
class Answer:
    """What the user sees: the text with [n] markers and the sources they point to."""

    text: str
    language: str
    mode: str  # "llm" or "extractive"
    citations: list[Citation]
    query: str  # what was searched: the question, or its standalone rewrite
    note: str = ""
    removed_markers: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    found: bool = True  # False: the answer says the documents do not hold it


def ask(
    question: str,
    retriever: Retriever,
    llm: ChatModel | None,
    history: list[Message] | None = None,
    k: int = 5,
    doc_ids: list[str] | None = None,
    collections: Collection[str] | None = None,
) -> Iterator[str | Answer]:
    """Yields pieces of the answer text as they arrive, with their markers resolved (together
    they are the final text), then the final Answer."""
    if not question.strip():
        raise ValueError("the question is empty")
    history = history or []
    lang = detect_lang(question) or "en"
    timings: dict[str, float] = {}
    start = time.perf_counter()
    query = standalone(question, lang, history, llm)
    timings["rewrite_s"] = time.perf_counter() - start
    start = time.perf_counter()
    notes: list[str] = []
    try:
        hits = retriever.search(query, k=k, doc_ids=doc_ids, collections=collections, notes=notes)
        if query != question and llm is None:  # combined without a model: kept only when it finds better
            plain = retriever.search(question, k=k, doc_ids=doc_ids, collections=collections, notes=notes)
            if plain and (not hits or plain[0].score >= hits[0].score):
                query, hits = question, plain
    except EmbedderUnavailable as exc:
        note = NOTES["embed_failed"][prompt_lang(lang)].format(error=exc)
        yield note
        yield Answer(note, lang, "llm" if llm else "extractive", [], query, note, 0, timings, False)
        return
    timings["retrieve_s"] = time.perf_counter() - start
    reranked = " ".join(NOTES["rerank_failed"][prompt_lang(lang)].format(error=n) for n in notes)
    if not hits:
        note = NOTES["nothing"][prompt_lang(lang)]
        yield note
        yield Answer(note, lang, "llm" if llm else "extractive", [], query, note, 0, timings, False)
        return
    note = NOTES["no_llm"][prompt_lang(lang)]
    if llm is not None:
        start = time.perf_counter()
        pieces: list[str] = []
        shown = Streamed(hits)  # markers resolved as they stream: the pieces add up to the answer
        try:
            for piece in llm.stream(answer_messages(question, hits, lang, history)):
                pieces.append(piece)
                if text := shown.add(piece):
                    yield text
        except (OpenAIError, OSError) as exc:
            note = NOTES["llm_failed"][prompt_lang(lang)].format(error=describe(exc))
        else:
            timings["generate_s"] = time.perf_counter() - start
            cited = resolve("".join(pieces), hits)
            if rest := shown.rest(cited.text):
                yield rest
            found = not declines(cited.text)
            citations = cited.citations if found else [replace(c, cited=False) for c in cited.citations]
            yield Answer(cited.text, lang, "llm", citations, query, reranked, cited.removed, timings, found)
            return
        if pieces:
            yield "\n\n"
    yield from extractive(
        question, query, hits, retriever, lang, " ".join(filter(None, [note, reranked])), timings
    )


def extractive(
    question: str, query: str, hits: list[Hit], retriever: Retriever, lang: str, note: str, timings: dict
) -> Iterator[str | Answer]:
    start = time.perf_counter()
    vector = embed_query(retriever.embedder, question)
    typical = retriever.engine.prototypes().questions.get(lang)
    quotes = best_sentences(question, hits, retriever.embedder, vector, lang, typical)
    meaning = max((q.meaning for q in quotes), default=0.0)
    found = bool(quotes) and support(question, lang, hits, meaning).found
    text = extractive_text(quotes, lang) if found else DECLINE[prompt_lang(lang)]
    timings["extract_s"] = time.perf_counter() - start
    cited = resolve(text, hits)
    yield cited.text
    yield Answer(cited.text, lang, "extractive", cited.citations, query, note, cited.removed, timings, found)


def standalone(question: str, lang: str, history: list[Message], llm: ChatModel | None) -> str:
    """A follow-up question made self-contained for retrieval; the question itself otherwise."""
    asked = [m["content"] for m in history if m["role"] == "user"]
    if not asked or not leans_on_history(question, lang):
        return question
    if llm is not None:
        try:
            rewritten = llm.complete(rewrite_messages(question, lang, history)).strip()
            if rewritten and len(rewritten) < 4 * len(question) + 200:
                return rewritten
        except (OpenAIError, OSError):
            pass  # retrieval still works with the earlier question added
    return f"{asked[-1]} {question}"


def declines(text: str) -> bool:
    """Whether a model's answer is the fixed phrase the prompt asks for when the sources do not
    hold the answer (in either language, punctuation and spacing aside)."""
    said = squeeze(text)
    return any(squeeze(phrase.split("。")[0].split(". ")[0]) in said for phrase in DECLINE.values())


def squeeze(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def answer(question: str, retriever: Retriever, llm: ChatModel | None, **options: object) -> Answer:
    """The final Answer, for callers that do not stream."""
    final = None
    for event in ask(question, retriever, llm, **options):  # type: ignore[arg-type]
        if isinstance(event, Answer):
            final = event
    assert final is not None
    return final


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]
