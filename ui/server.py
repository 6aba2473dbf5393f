"""The web server: Streamlit's, with the password sign-in page and its guard mounted beside the
app (ui/app.py). Start it with `streamlit run ui/server.py` (make run, the Dockerfile)."""

import streamlit as st
from starlette.middleware import Middleware

from ingest.settings import load_settings
from ui.failure import show_failure
from ui.signin import Gate, Guard
from ui.sso_audit import SsoAudit
from ui.upload_names import BoundUploadNames

settings = load_settings()
gate = Gate(settings) if settings.auth == "password" else None
sso = [Middleware(SsoAudit, data_dir=settings.data_dir, trust_forwarded_for=settings.trust_forwarded_for)]
app = st.App(
    "app.py",
    routes=gate.routes() if gate else [],
    middleware=[
        Middleware(Guard, gate=gate),
        Middleware(BoundUploadNames),
        *(sso if settings.auth == "oidc" else []),
    ],
    on_script_error=show_failure,
)
