"""The web server: Streamlit's, with the password sign-in page and its guard mounted beside the
app (ui/app.py). Start it with `streamlit run ui/server.py` (make run, the Dockerfile)."""

import streamlit as st
from starlette.middleware import Middleware

from ingest.settings import load_settings
from ui.failure import show_failure
from ui.signin import Gate, Guard
from ui.upload_names import BoundUploadNames

settings = load_settings()
gate = Gate(settings) if settings.auth == "password" else None
app = st.App(
    "app.py",
    routes=gate.routes() if gate else [],
    middleware=[Middleware(Guard, gate=gate), Middleware(BoundUploadNames)],
    on_script_error=show_failure,
)
