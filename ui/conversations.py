"""The conversation sidebar: past conversations of the signed-in user (newest first), new,
rename, delete; each answer saved as it is given, with its feedback. The open conversation's
id is in the page address (?c=...), so a reload reopens it."""

import sqlite3
from dataclasses import asdict
from typing import Literal

import streamlit as st

from rag.answer import Answer
from rag.citations import Citation
from team.conversations import Conversations, Turn
from team.users import User
from ui.render import escape

SHOWN = 50  # conversations listed in the sidebar


def new_button(T: dict[str, str]) -> None:
    st.button(T["new_chat"], key="new_chat", on_click=close)


def sidebar(T: dict[str, str], conversations: Conversations, user: User) -> None:
    """The list to reopen from, and rename/delete for the open one. Drawn after the chat, so a
    conversation started by this run's question is listed; the buttons act through callbacks,
    which run before the next run draws the chat."""
    st.markdown(f"**{T['conversations']}**")
    try:
        mine = conversations.of(user.name)
    except sqlite3.Error:  # a read-only library made before conversations were kept
        mine = []
    if not mine:
        st.caption(T["no_conversations"])
    current = st.session_state.get("conversation")
    for conversation in mine[:SHOWN]:
        cid = conversation.conversation_id
        kind: Literal["primary", "secondary"] = "primary" if cid == current else "secondary"
        st.button(
            conversation.title, key=f"conv-{cid}", type=kind, on_click=load, args=(conversations, user, cid)
        )
    if current and conversations.get(user.name, current):
        manage(T, conversations, user, current)


def manage(T: dict[str, str], conversations: Conversations, user: User, current: str) -> None:
    name_key = f"conv-name-{current}"

    def rename() -> None:
        if st.session_state.get(name_key, "").strip():
            conversations.rename(user.name, current, st.session_state[name_key])

    def delete() -> None:
        conversations.delete(user.name, current)
        close()

    with st.expander(T["conv_manage"]):
        st.text_input(T["conv_name"], key=name_key)
        st.button(T["conv_rename"], key="conv_rename", on_click=rename)
        if st.button(T["conv_delete"], key="conv_delete"):
            st.session_state["conv_confirm"] = current
        if st.session_state.get("conv_confirm") == current:
            st.warning(T["conv_confirm_delete"])
            st.button(T["yes_delete"], key="conv_yes_delete", on_click=delete)


def close() -> None:
    """Start afresh: no open conversation, nothing on the page."""
    st.session_state["messages"] = []
    st.session_state.pop("conversation", None)
    st.session_state.pop("conv_confirm", None)
    st.query_params.pop("c", None)


def reopen_from_address(conversations: Conversations, user: User) -> None:
    """After a reload the session is empty but the address still names the conversation."""
    wanted = st.query_params.get("c")
    if wanted and wanted != st.session_state.get("conversation"):
        if conversations.get(user.name, wanted) is None:  # another user's, or deleted
            st.query_params.pop("c", None)
            return
        load(conversations, user, wanted)


def load(conversations: Conversations, user: User, conversation_id: str) -> None:
    """Put a stored conversation on the page, as it was answered."""
    messages: list[dict] = []
    for turn in conversations.turns(user.name, conversation_id):
        messages.append({"role": "user", "content": turn.question})
        messages.append(
            {"role": "assistant", "content": turn.answer, "answer": answer_of(turn), "turn_id": turn.turn_id}
        )
        if turn.rating is not None:  # the feedback given before shows as given
            st.session_state[f"fb-{turn.turn_id}"] = turn.rating
            st.session_state[f"fb-{turn.turn_id}-comment"] = turn.comment
    st.session_state["messages"] = messages
    st.session_state["conversation"] = conversation_id
    st.session_state.pop("conv_confirm", None)
    st.query_params["c"] = conversation_id
    current = conversations.get(user.name, conversation_id)
    st.session_state[f"conv-name-{conversation_id}"] = current.title if current else ""


def answer_of(turn: Turn) -> Answer:
    citations = [Citation(**c) for c in turn.citations]
    return Answer(turn.answer, turn.language, turn.mode, citations, turn.question, turn.note)


def remember(conversations: Conversations, user: User, question: str, final: Answer) -> int:
    """Save an answered question in the open conversation (starting one first): its turn id."""
    current = st.session_state.get("conversation")
    if not current or conversations.get(user.name, current) is None:
        started = conversations.start(user.name, question)
        current = started.conversation_id
        st.session_state["conversation"] = current
        st.session_state[f"conv-name-{current}"] = started.title
        st.query_params["c"] = current
    citations = [asdict(c) for c in final.citations]
    turn = Turn(0, question, final.text, citations, final.note, final.language, final.mode)
    return conversations.add_turn(user.name, current, turn).turn_id


def try_remember(
    T: dict[str, str], conversations: Conversations, user: User, question: str, final: Answer
) -> int:
    """remember(), or 0 with a note when the library takes no writes (full or read-only disk):
    the answer is shown all the same."""
    try:
        return remember(conversations, user, question, final)
    except (sqlite3.Error, OSError):
        st.caption(T["conv_not_saved"])
        return 0


def feedback(T: dict[str, str], conversations: Conversations, user: User, turn_id: int) -> None:
    """Helpful or not, and an optional comment, stored with the answer."""
    key = f"fb-{turn_id}"

    def save() -> None:
        rating = st.session_state.get(key)
        comment = st.session_state.get(f"{key}-comment", "")
        conversations.rate(user.name, turn_id, None if rating is None else bool(rating), comment)
        st.toast(T["fb_saved"])

    st.feedback("thumbs", key=key, on_change=save)
    if st.session_state.get(key) is not None:
        st.text_input(T["fb_comment"], key=f"{key}-comment", on_change=save)


def unavailable(T: dict[str, str], c: Citation) -> None:
    st.markdown(escape(T["source_gone"].format(n=c.n)))
