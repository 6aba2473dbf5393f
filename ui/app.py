"""文档问答 web app: upload, library, and chat with checkable citations.
The page only lays out and calls the library (ingest/, rag/)."""

import threading
from pathlib import Path

import pandas as pd
import streamlit as st

from ingest.errors import EmbedderUnavailable, IngestError, ModelMismatch, StorageError
from ingest.indexer import start_worker_process
from ingest.jobs import Jobs
from ingest.limits import check_upload_size
from ingest.load import SUPPORTED, UnsupportedType
from ingest.records import Document
from ingest.settings import Settings, load_settings
from rag.llm import LLM, ChatModel, make_llm, reachable
from rag.retrieve import Retriever, open_retriever
from team import audit
from team.conversations import Conversations
from team.users import collections_of
from ui import conversations as saved
from ui.admin import admin_page, is_admin
from ui.api_tokens import tokens_section
from ui.auth import sign_out, signed_in
from ui.chat import chat_section
from ui.i18n import STRINGS, default_language
from ui.jobs_view import jobs_panel
from ui.labels import doc_labels, size_text
from ui.plural import counted
from ui.render import escape
from ui.upload import digest, queue_upload
from ui.widget_texts import translate_widgets


@st.cache_resource
def resources() -> tuple[Settings, Retriever, ChatModel | None]:
    """One library, retriever and LLM client per server process, shared by all browser sessions."""
    settings = load_settings()
    return settings, open_retriever(settings), make_llm(settings)


@st.cache_resource(on_release=lambda queue: queue[1].set())
def job_queue() -> tuple[Jobs, threading.Event]:
    """The library's job queue, and one indexing worker per server process: a child process
    that outlives every browser session (RAG_APP_WORKER=false when `python -m ingest worker`
    runs apart)."""
    settings = resources()[0]
    jobs = Jobs(settings.data_dir, settings.job_lease_s)
    if not settings.app_worker:
        return jobs, threading.Event()
    return jobs, start_worker_process(settings.data_dir)


@st.cache_data(ttl=30, show_spinner=False)
def llm_reachable(base_url: str) -> bool:
    llm = resources()[2]
    return isinstance(llm, LLM) and reachable(llm)


def choose_collection(T: dict[str, str], settings: Settings, visible: list[str] | None) -> str | None:
    """The collection uploads go to: any name for a user who sees all, else one of theirs."""
    if visible is None:
        return st.text_input(T["collection"], value=settings.default_collection, key="collection").strip()
    if not visible:
        st.info(T["no_collection"])
        return None
    return st.selectbox(T["collection"], sorted(visible), key="collection")


def upload_section(T: dict[str, str], settings: Settings, jobs: Jobs, visible: list[str] | None) -> None:
    limit = T["limit"].format(
        mb=f"{settings.max_file_mb:g}", total=f"{settings.max_upload_mb:g}", pages=settings.max_pages
    )
    collection = choose_collection(T, settings, visible)
    if not collection:
        return
    files = st.file_uploader(  # a new key after a deletion empties the box and its results
        T["upload"], type=None, accept_multiple_files=True, help=limit,  # types: checked by queue_upload
        key=f"uploader-{st.session_state.get('upload_round', 0)}",
    )  # fmt: skip
    st.caption(limit)
    results: dict[str, tuple[str, str]] = st.session_state.setdefault("uploads", {})
    digests: dict[str, str] = st.session_state.setdefault("upload_digests", {})  # each file hashed once
    for u in files or []:
        if u.file_id not in digests:
            digests[u.file_id] = digest(u.getvalue())
    keyed = [(f"{collection}:{digests[u.file_id]}", u) for u in files or []]
    fresh = [(key, u) for key, u in keyed if key not in results]
    try:
        check_upload_size([u.size for _, u in fresh], settings.max_upload_mb)
    except IngestError:
        total = sum(u.size for _, u in fresh) / 1_000_000
        st.error(T["too_much"].format(size=total, total=f"{settings.max_upload_mb:g}"))
        return
    for key, upload in fresh:  # queued at once: indexing never holds up this page
        results[key] = queue_one(T, settings, jobs, upload.name, upload.getvalue(), collection)
    for key, _ in keyed:
        kind, message = results[key]
        if kind == "error":
            st.error(message)


def queue_one(
    T: dict[str, str], settings: Settings, jobs: Jobs, name: str, data: bytes, collection: str
) -> tuple[str, str]:
    """Queue one file; (kind, message) for the page to show ("ok": the job list shows it)."""
    shown = escape(name)
    try:
        job, new = queue_upload(name, data, settings, jobs, collection)
    except UnsupportedType as exc:
        supported = ", ".join(sorted(SUPPORTED))
        return "error", T["unsupported"].format(name=shown, suffix=escape(exc.suffix), supported=supported)
    except StorageError as exc:  # not even the upload could be stored: nothing was queued
        return "error", T["failed"].format(name=shown, error=T[f"storage_{exc.kind}"])
    except IngestError:  # over the size limit per file
        size = len(data) / 1_000_000
        return "error", T["too_big"].format(name=shown, size=size, mb=f"{settings.max_file_mb:g}")
    if new:  # `user`: the page's signed-in user
        audit.record(settings.data_dir, user.name, "upload", f"{job.file} (job {job.id}) -> {collection}")
    return "ok", T["queued"].format(name=shown)


def row(T: dict[str, str], d: Document) -> dict[str, object]:
    return {
        T["col_name"]: d.name,
        T["col_pages"]: d.pages,
        T["col_lang"]: d.lang,
        T["col_chunks"]: d.chunks,
        T["col_added"]: d.added_at.replace("T", " ")[:16],
        T["col_no_text"]: ", ".join(map(str, d.pages_without_text)),
        T["col_collection"]: d.collection,
        T["col_size"]: size_text(d.size),
    }


def library_section(T: dict[str, str], retriever: Retriever, documents: list[Document]) -> None:
    wanted = st.text_input(T["search_docs"], key="doc_search").strip().lower()
    shown = [d for d in documents if wanted in d.name.lower()]
    st.caption(counted(T, "documents", len(shown)))
    rows = [row(T, d) for d in shown]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    labels = doc_labels(T, shown)  # equal names told apart: the picker acts on document ids
    chosen = st.multiselect(T["delete"], list(labels), format_func=labels.__getitem__, key="to_delete",
                            placeholder=T["pick_docs" if labels else "no_docs_to_pick"])  # fmt: skip
    if chosen and st.button(T["delete"], key="delete"):
        st.session_state["confirm"] = chosen
    pending = st.session_state.get("confirm")
    if pending:
        st.warning(counted(T, "confirm_delete", len(pending)))
        yes, no = st.columns(2)
        if yes.button(T["yes_delete"], key="yes_delete"):
            visible_ids = {d.doc_id for d in documents}  # only what this user sees
            removed = 0
            for doc_id in set(pending) & visible_ids:
                if retriever.store.remove(doc_id):
                    removed += 1
                    audit.record(retriever.store.data_dir, user.name, "delete", doc_id)
            st.session_state.pop("confirm")
            st.session_state["uploads"] = {}
            st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
            st.session_state["deleted"] = removed
            st.rerun()
        if no.button(T["cancel"], key="cancel_delete"):
            st.session_state.pop("confirm")
            st.rerun()
    if st.session_state.get("deleted"):
        st.success(counted(T, "deleted", st.session_state.pop("deleted")))


# The icon is a file served by this server: a ":material/…:" icon is fetched from an outside font
# server by every browser that opens the page, which an intranet page must not make it do.
ICON = Path(__file__).with_name("icon.png")
st.set_page_config(page_title="文档问答 · Document Q&A", page_icon=str(ICON), layout="wide")
try:
    settings, retriever, llm = resources()
    jobs = job_queue()[0]
except (ModelMismatch, EmbedderUnavailable) as exc:  # not cached: a reload tries again
    st.error(str(exc))
    st.stop()

browser = default_language(st.context.locale, st.context.headers.get("Accept-Language"))
choice = st.sidebar.radio("界面语言 / Interface", ["中文", "English"], index=0 if browser == "zh" else 1)
T = STRINGS["zh" if choice == "中文" else "en"]
st.title(T["title"])  # no emoji: a box where no emoji font is installed
user = signed_in(settings, T)
visible = collections_of(user)  # None: every collection
documents = retriever.store.documents(visible)
with st.sidebar:
    if settings.auth != "off":
        st.caption(T["signed_in"].format(user=escape(user.name)))
        if st.button(T["logout"], key="logout"):
            sign_out(settings)
    names = doc_labels(T, documents)
    selected = st.multiselect(T["filter"], list(names), format_func=names.__getitem__, key="filter",
                              placeholder=T["pick_docs" if names else "no_docs_to_pick"])  # fmt: skip
    saved.new_button(T)
    if llm is None:
        st.caption(T["llm_off"])
        if is_admin(user, settings):  # end users never see settings' names
            st.caption(T["llm_off_admin"])
    elif isinstance(llm, LLM) and not llm_reachable(settings.llm_base_url):
        st.caption(T["llm_down"].format(url=settings.llm_base_url))
    else:
        st.caption(T["llm_on"].format(model=settings.llm_model))

saved.reopen_from_address(Conversations(settings.data_dir), user)
admin = is_admin(user, settings)
chat_tab, library_tab, *admin_tab = st.tabs([T["chat"], T["library"], *([T["admin"]] if admin else [])],
                                            key="tab", on_change="rerun")  # fmt: skip
# At the top level, the chat box is pinned to the bottom of the window and the page scrolls to
# each new answer; shown only while the Chat tab is open (`open` is None where it can't be known).
question = st.chat_input(T["ask"], key="question") if chat_tab.open is not False else None
if admin_tab:
    with admin_tab[0]:
        admin_page(T, settings, retriever.store, user, jobs)
with library_tab:
    translate_widgets(T, settings.max_file_mb)
    upload_section(T, settings, jobs, visible)
    jobs_panel(T, jobs, visible)
    library_section(T, retriever, retriever.store.documents(visible))
with chat_tab:
    if visible == []:
        st.info(T["no_access"].format(user=escape(user.name)))
    elif not documents and not jobs.pending(visible):
        st.info(T["empty_library"])
    elif not documents:
        st.info(counted(T, "indexing_now", jobs.pending(visible)))
    chat_section(T, settings, retriever, llm, selected or None, user, jobs, question)
with st.sidebar:  # after the chat: lists the conversation this run's question started
    saved.sidebar(T, Conversations(settings.data_dir), user)
    tokens_section(T, settings, user)
