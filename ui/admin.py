"""The admin page, for users with the admin role: users, collections, library statistics, the
audit log and answer feedback. Every change is written to the audit log."""

import json
from collections.abc import Callable

import pandas as pd
import streamlit as st

from ingest.jobs import Jobs
from ingest.names import collection_name
from ingest.refused import Refused
from ingest.settings import Settings
from ingest.store import Store
from ingest.tokens import Tokens
from team import audit
from team.conversations import Conversations
from team.users import EVERY, User, Users
from ui.jobs_view import jobs_list
from ui.plural import counted
from ui.render import escape


def is_admin(user: User, settings: Settings) -> bool:
    """Admins of the users file; with RAG_AUTH=off the one local user runs everything."""
    return settings.auth == "off" or user.admin


def admin_page(T: dict[str, str], settings: Settings, store: Store, me: User, jobs: Jobs) -> None:
    users = Users(settings.users_path)
    done = st.session_state.pop("admin_done", None)
    if done:
        st.success(T["admin_done"].format(what=escape(done)))
    # With RAG_AUTH=off the Library tab already lists every job: no second list of the same jobs.
    every_job = [T["jobs"]] if settings.auth != "off" else []
    parts = st.tabs([T["admin_users"], T["admin_collections"], T["admin_stats"], T["admin_audit"],
                     T["admin_feedback"], *every_job])  # fmt: skip
    with parts[0]:
        users_part(T, settings, users, me)
    with parts[1]:
        collections_part(T, settings, store, users, me)
    with parts[2]:
        statistics_part(T, settings, store, users)
    with parts[3]:
        events = audit.events(settings.data_dir)
        st.dataframe(pd.DataFrame([e.__dict__ for e in events]), hide_index=True, width="stretch")
    with parts[4]:
        feedback_part(T, settings)
    if every_job:
        with parts[5]:  # every collection's jobs, with the Library tab's actions (redrawn on each
            jobs_list(T, jobs, None, scope="admin")  # action: one list per page refreshes itself)


def act(T: dict[str, str], settings: Settings, me: User, what: str, change: Callable[[], object]) -> None:
    """Do one admin change; log it, or show why it could not be done (in the page's language)."""
    try:
        change()
    except ValueError as exc:
        st.error(T["admin_error"].format(error=refusal_text(T, exc)))
        return
    audit.record(settings.data_dir, me.name, "admin", what)
    st.session_state["admin_done"] = what
    st.rerun()


def refusal_text(T: dict[str, str], exc: ValueError) -> str:
    """Why a change was refused, in the page's language where the reason has a code."""
    template = T.get(f"why_{exc.code}") if isinstance(exc, Refused) else None
    if template is None or not isinstance(exc, Refused):
        return escape(str(exc))
    return template.format(**{k: escape(str(v)) for k, v in exc.params.items()})


def listed(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def users_part(T: dict[str, str], settings: Settings, users: Users, me: User) -> None:
    everyone = users.all()
    rows = [
        {
            T["admin_name"]: u.name,
            T["admin_is_admin"]: u.admin,
            T["admin_collections"]: ", ".join(u.collections),
        }
        for u in everyone.values()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    with st.form("admin_add_user", clear_on_submit=True):
        st.markdown(f"**{T['admin_add_user']}**")
        name = st.text_input(T["admin_name"], key="admin_new_name")
        password = st.text_input(T["admin_password"], type="password", key="admin_new_password")
        member_of = st.text_input(T["admin_member_of"], key="admin_new_collections")
        admin = st.checkbox(T["admin_is_admin"], key="admin_new_admin")
        if st.form_submit_button(T["admin_add_user"]):
            act(T, settings, me, f"add user {name.strip()}",
                lambda: users.add(name, password, listed(member_of), admin=admin))  # fmt: skip
    if not everyone:
        return
    chosen = st.selectbox(T["admin_choose_user"], sorted(everyone), key="admin_user")
    user = everyone[chosen]
    new_password = st.text_input(T["admin_new_password"], type="password", key=f"admin_pw_{chosen}")
    if st.button(T["admin_reset"], key="admin_reset") and new_password:
        act(T, settings, me, f"reset password of {chosen}", lambda: users.set_password(chosen, new_password))
    wanted = st.text_input(T["admin_member_of"], value=", ".join(user.collections), key=f"admin_of_{chosen}")
    if st.button(T["admin_save_collections"], key="admin_save_collections"):
        act(
            T,
            settings,
            me,
            f"collections of {chosen}: {wanted}",
            lambda: set_collections(users, user, listed(wanted)),
        )
    make_admin = st.checkbox(T["admin_is_admin"], value=user.admin, key=f"admin_role_{chosen}")
    if make_admin != user.admin and st.button(T["admin_save_role"], key="admin_save_role"):
        if chosen == me.name:  # an admin who drops their own role could lock everyone out
            st.error(T["admin_not_self_role"])
        else:
            act(T, settings, me, f"{'make' if make_admin else 'unmake'} admin {chosen}",
                lambda: users.set_admin(chosen, make_admin))  # fmt: skip
    if st.button(T["admin_remove_user"], key="admin_remove_user"):
        st.session_state["admin_confirm_user"] = chosen
    if st.session_state.get("admin_confirm_user") == chosen:
        if chosen == me.name:
            st.error(T["admin_not_self"])
            return
        st.warning(T["admin_confirm_remove"].format(name=escape(chosen)))
        if st.button(T["yes_delete"], key="admin_yes_remove"):
            st.session_state.pop("admin_confirm_user")
            act(T, settings, me, f"remove user {chosen}", lambda: remove_user(settings, users, chosen))


def set_collections(users: Users, user: User, wanted: list[str]) -> None:
    names = [c if c == EVERY else collection_name(c) for c in wanted]  # every name checked first
    for name in names:
        users.grant(user.name, name)
    for name in set(user.collections) - set(names):
        users.revoke(user.name, name)


def remove_user(settings: Settings, users: Users, name: str) -> None:
    users.remove(name)
    Tokens(settings.data_dir).revoke_all(name)


def collections_part(T: dict[str, str], settings: Settings, store: Store, users: Users, me: User) -> None:
    counts = store.collections()
    st.dataframe(pd.DataFrame([{T["admin_collections"]: c, T["admin_docs"]: n} for c, n in counts.items()]),
                 hide_index=True, width="stretch")  # fmt: skip
    if not counts:
        return
    chosen = st.selectbox(T["admin_collections"], list(counts), key="admin_collection")
    new_name = st.text_input(T["admin_new_name"], key=f"admin_rename_{chosen}")
    if st.button(T["admin_rename_collection"], key="admin_rename") and new_name.strip():
        act(T, settings, me, f"rename collection {chosen} to {new_name.strip()}",
            lambda: rename_collection(settings, store, users, chosen, new_name))  # fmt: skip
    if st.button(T["admin_delete_collection"], key="admin_delete_collection"):
        st.session_state["admin_confirm_collection"] = chosen
    if st.session_state.get("admin_confirm_collection") == chosen:
        st.warning(counted(T, "admin_confirm_collection", counts[chosen], name=escape(chosen)))
        if st.button(T["yes_delete"], key="admin_yes_collection"):
            st.session_state.pop("admin_confirm_collection")
            act(T, settings, me, f"delete collection {chosen} ({counts[chosen]} documents)",
                lambda: [store.remove(d.doc_id) for d in store.documents([chosen])])  # fmt: skip


def rename_collection(settings: Settings, store: Store, users: Users, old: str, new: str) -> None:
    """Move the documents, and the members, of `old` to a collection that does not exist yet."""
    new = collection_name(new)
    if new in store.collections():
        raise Refused("collection_exists", f"there is already a collection named {new!r}", name=new)
    store.rename_collection(old, new)
    for user in users.all().values():
        if old in user.collections:
            users.grant(user.name, new)
            users.revoke(user.name, old)


def statistics_part(T: dict[str, str], settings: Settings, store: Store, users: Users) -> None:
    rows = []
    for collection in store.collections():
        documents = store.documents([collection])
        rows.append({
            T["admin_collections"]: collection, T["admin_docs"]: len(documents),
            T["admin_pages"]: sum(d.pages for d in documents),
            T["admin_chunks"]: sum(d.chunks for d in documents),
            T["admin_size"]: round(sum(d.size for d in documents) / 1_000_000, 1),
        })  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    kept = Conversations(settings.data_dir)
    counts = kept.counts()
    rated = kept.feedback()
    columns = st.columns(5)
    columns[0].metric(T["admin_users_count"], len(users.all()))
    columns[1].metric(T["admin_conversations"], counts[0])
    columns[2].metric(T["admin_questions"], counts[1])
    columns[3].metric(T["admin_helpful"], sum(1 for r in rated if r["helpful"]))
    columns[4].metric(T["admin_not_helpful"], sum(1 for r in rated if r["helpful"] is False))


def feedback_part(T: dict[str, str], settings: Settings) -> None:
    rows = Conversations(settings.data_dir).feedback()
    if not rows:
        st.caption(T["admin_no_feedback"])
        return
    table = pd.DataFrame(rows)
    st.dataframe(table, hide_index=True, width="stretch")
    left, right = st.columns(2)
    left.download_button(T["admin_download_csv"], table.to_csv(index=False).encode("utf-8-sig"),
                         "feedback.csv", "text/csv", key="admin_csv")  # fmt: skip
    right.download_button(T["admin_download_json"], json.dumps(rows, ensure_ascii=False, indent=1).encode(),
                          "feedback.json", "application/json", key="admin_json")  # fmt: skip
