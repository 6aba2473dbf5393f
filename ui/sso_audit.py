"""Single sign-on (RAG_AUTH=oidc) in the audit log, as password sign-ins are: the page records a
sign-in once per identity token (every tab and reload shows the same one), and a middleware
records a sign-in that failed at the identity provider's callback, before anyone is known."""

import datetime
import re
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from team import audit
from ui.signin import client_address

CALLBACK = "/oauth2callback"  # Streamlit's route for the provider's answer
SIGNED_IN = re.compile(rb'_streamlit_user=[^";]')  # the user cookie set with a value, not cleared


def record_sign_in(data_dir: Path, identity: str, claims: dict, address: str) -> None:
    """A single sign-on seen by the page: `claims` are the identity token's (st.user), whose
    issue time (`iat`) tells one sign-in at the provider from the next."""
    issued = claims.get("iat")
    when = (
        datetime.datetime.fromtimestamp(float(issued), datetime.UTC).isoformat(timespec="seconds")
        if isinstance(issued, int | float)
        else "?"
    )
    audit.record_once(data_dir, identity, "sign-in", f"{address} (OIDC, signed in at the provider {when})")


class SsoAudit:
    """ASGI middleware: a callback from the identity provider that signs nobody in (refused by
    the person or the provider, stale, forged, a failed token exchange) is a failed sign-in."""

    def __init__(self, app: ASGIApp, data_dir: Path, trust_forwarded_for: bool = False) -> None:
        self.app, self.data_dir, self.trust_forwarded_for = app, data_dir, trust_forwarded_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].rstrip("/").endswith(CALLBACK):
            return await self.app(scope, receive, send)
        signed_in = False

        async def watched(message: Message) -> None:
            nonlocal signed_in
            if message["type"] == "http.response.start":
                cookies = [value for key, value in message.get("headers", []) if key.lower() == b"set-cookie"]
                signed_in = any(SIGNED_IN.match(value) for value in cookies)
            await send(message)

        await self.app(scope, receive, watched)
        if not signed_in:
            connection = HTTPConnection(scope)
            error = connection.query_params.get("error", "no identity token")[:200]
            address = client_address(connection, self.trust_forwarded_for)
            detail = f"{address} (OIDC: {error})"
            await run_in_threadpool(audit.record, self.data_dir, "?", "sign-in failed", detail)
