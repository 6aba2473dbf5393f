"""Single sign-on in the audit log, as password sign-ins are: one event per sign-in at the
identity provider however many tabs and reloads show it, and a failed callback recorded too."""

from pathlib import Path

import pytest
import streamlit as st
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from team import audit
from team.users import Users
from tests.cli import ROOT
from ui.sso_audit import SsoAudit

ISSUED = 1_764_400_000  # the identity token's "iat": 2025-11-29T07:06:40Z


def sso_page() -> AppTest:
    """A browser session of the page with single sign-on configured."""
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180)
    app.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}
    return app


@pytest.mark.integration
def test_a_single_sign_on_is_recorded_once_per_sign_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    data_dir = tmp_path / "lib"
    Users(data_dir / "users.json").add("carol@example.com", None, [])
    monkeypatch.setenv("RAG_DATA_DIR", str(data_dir))
    monkeypatch.setenv("RAG_LLM_BASE_URL", "")
    monkeypatch.setenv("RAG_AUTH", "oidc")
    st.cache_resource.clear()
    claims = {"is_logged_in": True, "email": "carol@example.com", "sub": "c-1", "iat": ISSUED}
    monkeypatch.setattr(st, "user", claims)  # what Streamlit reads from its signed cookie
    for _ in range(2):  # two tabs (or a reload) after one sign-in at the provider
        app = sso_page().run()
        assert not app.exception and app.chat_input  # signed in: the page, not the sign-in button
        app.run()  # a rerun records nothing either
    events = audit.events(data_dir, user="carol@example.com")
    assert [(e.action, "OIDC" in e.detail, "2025-11-29T07:06:40" in e.detail) for e in events] == [
        ("sign-in", True, True)
    ]
    monkeypatch.setattr(st, "user", {**claims, "iat": ISSUED + 3600})  # signed in again an hour later
    assert not sso_page().run().exception
    assert [e.action for e in audit.events(data_dir, user="carol@example.com")] == ["sign-in", "sign-in"]


def callback_app(data_dir: Path, signs_in: bool) -> TestClient:
    """Streamlit's callback route as it answers: a redirect that sets the user cookie, or one
    that clears it (the provider refused, a stale callback, a failed token exchange)."""

    def callback(request: Request) -> RedirectResponse:
        response = RedirectResponse("/", status_code=302)
        if signs_in:
            response.set_cookie("_streamlit_user", "eyJlbWFpbCI6ImNhcm9sIn0.signed")
        else:
            response.delete_cookie("_streamlit_user")
        return response

    app = Starlette(
        routes=[Route("/oauth2callback", callback)], middleware=[Middleware(SsoAudit, data_dir=data_dir)]
    )
    return TestClient(app, follow_redirects=False)


def test_a_failed_single_sign_on_callback_is_recorded(tmp_path: Path):
    data_dir = tmp_path / "lib"
    refused = callback_app(data_dir, signs_in=False).get("/oauth2callback?error=access_denied&state=s")
    assert refused.status_code == 302
    assert [(e.user, e.action, "access_denied" in e.detail) for e in audit.events(data_dir)] == [
        ("?", "sign-in failed", True)
    ]
    assert callback_app(data_dir, signs_in=True).get("/oauth2callback?code=c&state=s").status_code == 302
    assert len(audit.events(data_dir)) == 1  # a sign-in that worked is the page's to record, by name
