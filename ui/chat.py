"""The chat: the conversation, each answer streamed with its sources, and the evidence pages."""

import re
from pathlib import Path

import streamlit as st

from ingest.jobs import Jobs
from ingest.settings import Settings
from rag.answer import Answer, ask
from rag.citations import Citation
from rag.llm import ChatModel
from rag.retrieve import Retriever
from team.conversations import Conversations
from team.users import User, collections_of
from ui import conversations as saved
from ui.drawing import draw_page
from ui.places import source_label
from ui.plural import counted
from ui.quoted import STYLE, marked_units, pages_of, passage_html
from ui.render import answer_html, escape
from ui.withheld import withheld_text


@st.cache_data(max_entries=64, show_spinner=False)
def evidence_image(
    path: str, page: int, marks: tuple[str, ...], timeout_s: float, memory_mb: int
) -> bytes | None:
    """The page drawn in a limited child process: a huge page can't swell the server."""
    return draw_page(Path(path), page, list(marks), timeout_s, memory_mb)


def page_label(T: dict[str, str], c: Citation) -> str:
    return source_label(T, c.n, c.doc, c.page, c.page_end, c.place)


def sources(
    answer: Answer, T: dict[str, str], settings: Settings, retriever: Retriever, lang_of: dict[str, str]
) -> None:
    """The cited passages with their quoted units marked and their pages drawn; the rest folded."""
    if answer.note and answer.note != answer.text:
        st.info(escape(answer.note))
    cited = [c for c in answer.citations if c.cited]
    st.markdown(STYLE, unsafe_allow_html=True)
    if cited:
        st.markdown(f"**{T['sources']}**")
    for i, c in enumerate(cited):
        if c.doc_id not in lang_of:  # removed, or its collection is no longer the user's
            saved.unavailable(T, c)
            continue
        with st.expander(page_label(T, c), expanded=i == 0):
            lang = lang_of.get(c.doc_id, "")
            marked = marked_units(c.text, lang, answer.text, c.n)
            st.markdown(passage_html(c.text, lang, marked), unsafe_allow_html=True)
            original = retriever.store.original(c.doc_id)
            if original is not None and original.suffix == ".pdf":
                # the page holding the quoted sentences, each page of a cross-page passage
                texts = [c.text[u.start : u.end] for u in marked] or [c.text]
                pages = retriever.store.pages(c.doc_id) if c.page != c.page_end else []
                for page, marks in pages_of(texts, pages, c.page, c.page_end).items():
                    image = evidence_image(
                        str(original),
                        page,
                        tuple(marks),
                        settings.render_timeout_s,
                        settings.render_memory_mb,
                    )
                    if image:
                        caption = source_label(T, c.n, c.doc, page, page, c.place)
                        st.image(image, caption=caption, width=720)
    uncited = [c for c in answer.citations if not c.cited and c.doc_id in lang_of]
    if uncited:
        with st.expander(T["other_sources"] if answer.found else T["closest"], expanded=False):
            for c in uncited:
                st.markdown(f"**{page_label(T, c)}**")
                st.markdown(passage_html(c.text, lang_of.get(c.doc_id, ""), []), unsafe_allow_html=True)


def chat_section(
    T: dict[str, str],
    settings: Settings,
    retriever: Retriever,
    llm: ChatModel | None,
    doc_ids: list[str] | None,
    user: User,
    jobs: Jobs,
    question: str | None,
) -> None:
    """The conversation so far, then the new question's streamed answer, kept before its sources."""
    visible = collections_of(user)
    kept = Conversations(settings.data_dir)
    messages: list[dict] = st.session_state.setdefault("messages", [])
    lang_of = {d.doc_id: d.lang.split("+")[0] for d in retriever.store.documents(visible)}
    # a source the user may no longer see is not quoted either, nor sent along with a follow-up
    shown = [withheld_text(T, m["answer"], lang_of) if m.get("answer") else m["content"] for m in messages]
    for message, text in zip(messages, shown, strict=True):
        with st.chat_message(message["role"]):
            st.markdown(answer_html(text), unsafe_allow_html=True)
            if message.get("answer"):
                sources(message["answer"], T, settings, retriever, lang_of)
            if message.get("indexing"):
                st.caption(counted(T, "still_indexing", message["indexing"]))
            if message.get("turn_id"):
                saved.feedback(T, kept, user, message["turn_id"])
    if not question:
        return
    roles = [m["role"] for m in messages]
    history = [{"role": r, "content": re.sub(r"\[\d+\]", "", t)} for r, t in zip(roles, shown, strict=True)]
    messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(answer_html(question), unsafe_allow_html=True)
    with st.chat_message("assistant"):
        placeholder, streamed, final = st.empty(), "", None
        chosen = {"k": settings.top_k, "doc_ids": doc_ids, "collections": visible}
        for event in ask(question, retriever, llm, history=history, **chosen):  # type: ignore[arg-type]
            if isinstance(event, Answer):
                final = event
            else:
                streamed += event
                placeholder.markdown(answer_html(streamed + " ▌"), unsafe_allow_html=True)
        assert final is not None
        placeholder.markdown(answer_html(final.text), unsafe_allow_html=True)
        indexing = jobs.pending(visible)  # answered from the library as it stands now
        # Kept before the sources are drawn (page images take a moment): a question asked
        # meanwhile ends this run, and the answer must not be lost with it.
        turn_id = saved.try_remember(T, kept, user, question, final)
        messages.append(
            {
                "role": "assistant",
                "content": final.text,
                "answer": final,
                "turn_id": turn_id,
                "indexing": indexing,
            }
        )
        sources(final, T, settings, retriever, lang_of)
        if indexing:
            st.caption(counted(T, "still_indexing", indexing))
        if turn_id:
            saved.feedback(T, kept, user, turn_id)
