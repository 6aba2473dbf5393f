"""Who is using the page: nobody to ask for (RAG_AUTH=off), a user of the users file
(password), or a user of the team's identity provider (OIDC through st.login)."""

import time

import streamlit as st

from ingest.settings import Settings
from ingest.users import EVERY, User, Users

LOCAL = User("local", [EVERY])  # auth off: one local user who sees every collection


def signed_in(settings: Settings, T: dict[str, str]) -> User:
    """The user of this browser session; until someone signs in, draws the sign-in and stops."""
    if settings.auth == "off":
        return LOCAL
    users = Users(settings.users_path)
    if settings.auth == "oidc":
        if not oidc_configured():
            st.error(T["oidc_missing"])
            st.stop()
        if not st.user.get("is_logged_in", False):
            st.button(T["login_oidc"], on_click=st.login, key="login_oidc")
            st.stop()
        identity = str(st.user.get("email") or st.user.get("sub") or "")
        return users.get(identity) or User(identity, [])  # unknown to the users file: sees nothing
    remembered = st.session_state.get("user")
    user = users.get(remembered) if remembered else None  # read again each run: a revoked user is out at once
    if user is not None:
        return user
    with st.form("login"):
        name = st.text_input(T["user_name"], key="login_name")
        password = st.text_input(T["user_password"], type="password", key="login_password")
        if st.form_submit_button(T["login"]):
            found = users.verify(name.strip(), password)
            if found is not None:
                st.session_state.clear()  # nothing of a previous user's session survives
                st.session_state["user"] = found.name
                st.rerun()
            time.sleep(1.0)  # slows guessing; the hash is slow as well
            st.error(T["login_failed"])
    st.stop()
    raise AssertionError("unreachable: st.stop() ends the run")


def oidc_configured() -> bool:
    """st.login needs the identity provider in .streamlit/secrets.toml, section [auth]."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


def sign_out(settings: Settings) -> None:
    st.session_state.clear()
    if settings.auth == "oidc":
        st.logout()
    st.rerun()
