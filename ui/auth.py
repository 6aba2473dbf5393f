"""Who is using the page: nobody to ask for (RAG_AUTH=off), a user of the users file
(password: the signed cookie the sign-in page set, see ui/signin.py), or a user of the team's
identity provider (OIDC through st.login)."""

import html
import logging
import time

import streamlit as st

from ingest.settings import Settings
from team.users import EVERY, User, Users
from ui import signin
from ui.session import COOKIE, holder, secret_key
from ui.sso_audit import record_sign_in

LOG = logging.getLogger("docqa.auth")
LOCAL = User("local", [EVERY])  # auth off: one local user who sees every collection


def signed_in(settings: Settings, T: dict[str, str]) -> User:
    """The user of this browser session; until someone signs in, draws the sign-in and stops."""
    if settings.auth == "off":
        return LOCAL
    users = Users(settings.users_path)
    if settings.auth == "oidc":
        if not oidc_configured():  # the page says "ask an admin"; the admin reads why here
            LOG.error("RAG_AUTH=oidc needs the identity provider in .streamlit/secrets.toml, section [auth]")
            st.error(T["oidc_missing"])
            st.stop()
        if not st.user.get("is_logged_in", False):
            st.button(T["login_oidc"], on_click=st.login, key="login_oidc")
            st.stop()
        identity = str(st.user.get("email") or st.user.get("sub") or "")
        if st.session_state.get("sso_recorded") != identity:  # once a session, not every rerun
            address = st.context.ip_address if isinstance(st.context.ip_address, str) else "?"
            record_sign_in(settings.data_dir, identity, dict(st.user), address)
            st.session_state["sso_recorded"] = identity
        return users.get(identity) or User(identity, [])  # unknown to the users file: sees nothing
    user = holder(
        session_cookie(), users, secret_key(settings.session_secret, settings.data_dir), time.time()
    )
    if user is None:  # read each run: signed out, expired, password changed or removed: out at once
        st.session_state.clear()  # nothing of the session it had survives
        if not signin.MOUNTED:
            LOG.error(
                "RAG_AUTH=password needs the sign-in page: start the app with streamlit run ui/server.py"
            )
        st.info(T["signin_needed"] if signin.MOUNTED else T["signin_unmounted"])
        if signin.MOUNTED:  # a plain link: the sign-in page sets the cookie, not this websocket
            st.markdown(
                f'<a href="signin" target="_self">{html.escape(T["login"])}</a>', unsafe_allow_html=True
            )
        st.stop()
    assert user is not None
    if st.session_state.get("owner") != user.name:  # another user's cookie on this session
        st.session_state.clear()
        st.session_state["owner"] = user.name
    return user


def session_cookie() -> str | None:
    """The sign-in cookie the browser sent when this session's websocket opened."""
    return st.context.cookies.get(COOKIE)


def oidc_configured() -> bool:
    """st.login needs the identity provider in .streamlit/secrets.toml, section [auth]."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


def sign_out(settings: Settings) -> None:
    """Ends the session here and every other session of the user (password: a new session key)."""
    owner = st.session_state.get("owner")
    if settings.auth == "password" and owner:
        Users(settings.users_path).end_sessions(owner)
    st.session_state.clear()
    if settings.auth == "oidc":
        st.logout()
    st.rerun()
