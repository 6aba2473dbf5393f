"""The signed-in user's personal API tokens in the sidebar: make one (shown this once), revoke."""

import streamlit as st

from ingest.settings import Settings
from ingest.tokens import Tokens
from team import audit
from team.users import User


def tokens_section(T: dict[str, str], settings: Settings, user: User) -> None:
    tokens = Tokens(settings.data_dir)

    def make() -> None:
        token, secret = tokens.create(user.name)
        st.session_state["new_token"] = secret
        audit.record(settings.data_dir, user.name, "token made", token.token_id)

    def revoke(token_id: str) -> None:
        tokens.revoke(user.name, token_id)
        audit.record(settings.data_dir, user.name, "token revoked", token_id)

    with st.expander(T["api_tokens"]):
        st.button(T["api_new_token"], key="api_new_token", on_click=make)
        secret = st.session_state.pop("new_token", None)
        if secret:  # shown on this run only: the library keeps its digest alone
            st.caption(T["api_token_once"])
            st.code(secret, language=None)
        for token in tokens.of(user.name):
            if token.revoked_at is None:
                left, right = st.columns([3, 2])
                left.caption(f"{token.token_id} · {token.created_at[:16].replace('T', ' ')}")
                right.button(T["api_revoke"], key=f"api_revoke_{token.token_id}", on_click=revoke,
                             args=(token.token_id,))  # fmt: skip
