"""The Library tab's indexing jobs: every job of the collections the person may see, redrawn
every few seconds in every browser session (fast while one runs, slowly when none does), with
cancel, retry (with a password) and remove."""

import re

import streamlit as st

from ingest.job import CANCELLED, DONE, EMBEDDING, FAILED, OCR, OPEN, READING, Job
from ingest.jobs import Jobs
from ingest.notice import message_of
from ui.plural import counted
from ui.render import escape

SHOWN_FINISHED = 20  # finished jobs shown, newest first; open and failed ones always are
BUSY_S, IDLE_S = 2, 20  # the job list's redraw pace with and without open jobs
SETTING = re.compile(r"\s*\(RAG_[A-Z_]+\)")
PASSWORD_CODES = ("password", "wrong_password")


def error_text(T: dict[str, str], error: dict | None) -> str:
    """A failed job's reason in the interface language; the stored English one when unknown."""
    error = error or {}
    template = T.get(f"err_{error.get('code')}") or T.get(str(error.get("code")))  # storage_full, ...
    if template is None:
        return escape(unnamed(str(error.get("message", "?"))))
    try:
        return template.format(**{k: escape(unnamed(str(v))) for k, v in (error.get("params") or {}).items()})
    except (KeyError, IndexError):  # a reason from a newer version with other parameters
        return escape(str(error.get("message", "?")))


def warning_text(T: dict[str, str], warning: dict | str) -> str:
    """A reader's warning in the interface language; an older note's English text without the
    setting it names."""
    if isinstance(warning, str) or f"warn_{warning.get('code')}" not in T:
        return escape(unnamed(message_of(warning)))
    params = {key: escape(str(value)) for key, value in (warning.get("params") or {}).items()}
    pages = str(params.get("pages", ""))
    try:
        return counted(T, f"warn_{warning['code']}", pages.count(",") + 1, **params)
    except (KeyError, IndexError):  # a warning from a newer version with other parameters
        return escape(unnamed(message_of(warning)))


def unnamed(warning: str) -> str:
    """A reader's warning without the setting it names ("(RAG_PARSE_TIMEOUT_S)"): end users
    can't change settings; the CLI and the server's log keep the name for admins."""
    return SETTING.sub("", warning)


def job_text(T: dict[str, str], job: Job) -> str:
    name = escape(job.file)
    if job.state == DONE:
        note = job.note
        text = T["added" if note.get("new", True) else "unchanged"].format(
            name=name,
            pages=note.get("pages", "?"),
            chunks=note.get("chunks", "?"),
            lang=note.get("lang") or "?",
        )
        if note.get("no_text"):
            text += " · " + T["no_text_pages"].format(pages=", ".join(map(str, note["no_text"])))
        for warning in note.get("warnings", []):
            text += "  \n" + T["warning"].format(name=name, warning=warning_text(T, warning))
        return text
    if job.state == FAILED:
        return T["job_failed"].format(name=name, error=error_text(T, job.error))
    key = "job_reading_pages" if job.state == READING and job.total else f"job_{job.state}"
    return T[key].format(name=name, done=job.done, total=job.total)


def jobs_panel(T: dict[str, str], jobs: Jobs, visible: list[str] | None) -> None:
    """The Library tab's job list: redrawn every BUSY_S while a job of these collections is
    queued or running, every IDLE_S otherwise, so that idle sessions cost little (a count
    over the state index decides). One fragment whose pace is set at each full run: two
    fragments in turn at one place made a new session's first run very slow."""
    busy = bool(jobs.pending(visible))
    st.fragment(run_every=BUSY_S if busy else IDLE_S)(jobs_list)(T, jobs, visible, busy=busy)


def jobs_list(
    T: dict[str, str], jobs: Jobs, visible: list[str] | None, scope: str = "library", busy: bool | None = None
) -> None:
    """The job list; when a job this session saw running is done, or one starts while the
    list is redrawn at the idle pace (`busy` False), the whole page is redrawn (the document
    list gains the new document; the list takes the other pace). `scope` tells the widgets of
    two lists on one page (Library tab, Admin tab) apart."""
    listed, hidden = jobs.latest(visible, SHOWN_FINISHED)
    was_open: set[int] = st.session_state.setdefault(f"open_jobs_{scope}", set())
    now_open = {job.id for job in listed if job.state in OPEN}
    st.session_state[f"open_jobs_{scope}"] = now_open
    if was_open - now_open or (busy is False and now_open):
        st.rerun()
    shown = sorted(listed, key=lambda job: -job.id)  # newest first
    st.markdown(f"**{T['jobs']}**")
    if not shown:
        st.caption(T["no_jobs"])
    for job in shown:
        job_row(T, jobs, job, "" if scope == "library" else f"{scope}-")
    if hidden:
        st.caption(counted(T, "job_more", hidden))


def job_row(T: dict[str, str], jobs: Jobs, job: Job, prefix: str = "") -> None:
    text, actions = st.columns([6, 1])
    with text:
        message = job_text(T, job)
        if job.state == DONE:
            st.success(message)
        elif job.state == FAILED:
            st.error(message)
        elif job.state == CANCELLED:
            st.caption(message)
        else:
            st.info(message)
            if job.state in (READING, OCR, EMBEDDING) and job.total:
                st.progress(min(job.done / job.total, 1.0))
    with actions:
        if job.state in OPEN and st.button(T["job_cancel"], key=f"{prefix}cancel-job-{job.id}"):
            jobs.cancel(job.id)
            st.rerun()
        if job.state == FAILED and st.button(T["job_retry"], key=f"{prefix}retry-job-{job.id}"):
            jobs.retry(job.id)
            st.rerun()
        if job.state not in OPEN and st.button(T["job_remove"], key=f"{prefix}remove-job-{job.id}"):
            jobs.remove(job.id)
            st.rerun()
    if job.state == FAILED and (job.error or {}).get("code") in PASSWORD_CODES:
        label = T["password"].format(name=escape(job.file))
        secret = st.text_input(label, type="password", key=f"{prefix}password-job-{job.id}")
        if st.button(T["unlock"], key=f"{prefix}unlock-job-{job.id}") and secret:
            jobs.retry(job.id, secret)
            st.rerun()
