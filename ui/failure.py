"""What the page says when something unexpected breaks it: the product's own message in the
person's language, never a traceback (that goes to the server's log)."""

import errno
import logging
import sqlite3

import streamlit as st

from ingest.errors import StorageError
from team.users import DamagedUsersFile
from ui.i18n import STRINGS, default_language

LOG = logging.getLogger("docqa.app")
UNWRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM}


def message(exc: BaseException, T: dict[str, str]) -> str:
    """The message for `exc`, saying what to do where the cause is known."""
    if isinstance(exc, DamagedUsersFile):
        return T["users_damaged"]
    if isinstance(exc, StorageError):
        return T[f"storage_{exc.kind}"]
    if isinstance(exc, sqlite3.DatabaseError):
        return T["library_damaged"]
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return T["disk_full"]
    if isinstance(exc, OSError) and exc.errno in UNWRITABLE:
        return T["data_unwritable"]
    return T["error_generic"]


def show_failure(exc: BaseException) -> bool:
    """Streamlit's on_script_error hook: log the traceback, show a message, hide the default."""
    LOG.error("the page failed", exc_info=exc)
    try:
        lang = default_language(st.context.locale, st.context.headers.get("Accept-Language"))
    except Exception:  # no session to read the language from: the message still shows
        lang = "en"
    st.error(message(exc, STRINGS[lang]))
    return True
