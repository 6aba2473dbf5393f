"""Password sign-in (RAG_AUTH=password) outside Streamlit's websocket: a plain HTML page that
sets a signed, HttpOnly cookie, and a guard that lets nothing of the app (its websocket,
uploads, media) be reached without that cookie. A Streamlit session id alone opens nothing."""

import asyncio
import html
import logging
import time
import urllib.parse

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ingest.settings import Settings
from team import audit
from team.users import User, Users
from ui.i18n import STRINGS, default_language
from ui.session import COOKIE, holder, issue, secret_key
from ui.throttle import Throttle

LOG = logging.getLogger("docqa.signin")
PATH = "/signin"
MAX_FORM_BYTES = 4096
VERIFYING = 2  # password checks at once (scrypt, ~0.1 s of a core each): guesses can't take all cores
MOUNTED = False  # set when the server mounts this page: the app says how to start it otherwise
# Reached only with a valid cookie; Streamlit's static files and health check stay public.
PROTECTED = ("/_stcore/stream", "/_stcore/upload_file", "/media/")


class Gate:
    """Who holds a valid cookie, and the page that gives one."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.users = Users(settings.users_path)
        self._key: bytes | None = None
        self.throttle = Throttle()
        self.verifying = asyncio.Semaphore(VERIFYING)

    def key(self) -> bytes:
        """Made on first use, not at start-up: a read-only data directory must not stop the server."""
        if self._key is None:
            self._key = secret_key(self.settings.session_secret, self.settings.data_dir)
        return self._key

    def user(self, connection: HTTPConnection) -> User | None:
        try:
            return holder(connection.cookies.get(COOKIE), self.users, self.key(), time.time())
        except (OSError, ValueError):  # no key, or a damaged users file: nobody is signed in
            return None

    def routes(self) -> list[Route]:
        global MOUNTED
        MOUNTED = True
        return [Route(PATH, self.page, methods=["GET", "POST"])]

    async def page(self, request: Request) -> Response:
        T = STRINGS[language(request)]
        if request.method == "GET":  # coming here signs this browser out
            response: Response = form_page(T, "", 200)
            response.delete_cookie(COOKIE, path="/")
            return response
        if not same_origin(request):
            return form_page(T, T["signin_refused"], 403)
        fields = urllib.parse.parse_qs((await request.body())[:MAX_FORM_BYTES].decode("utf-8", "replace"))
        name = fields.get("name", [""])[0].strip()[:200]
        password = fields.get("password", [""])[0][:1024]
        address = client_address(request, self.settings.trust_forwarded_for)
        keys = [f"user:{name.lower()}", f"address:{address}"]
        async with self.verifying:  # the lock is checked in turn, so parallel guesses count too
            wait = self.throttle.wait(keys)
            if wait > 0:
                LOG.warning("sign-in refused for user %r from %s: locked for %.0f s", name, address, wait)
                return form_page(T, T["signin_locked"].format(minutes=max(1, round(wait / 60))), 429)
            try:
                user = await run_in_threadpool(self.users.verify, name, password)
                key = self.key()
            except ValueError as exc:  # a damaged users file
                LOG.error("sign-in impossible: %s", exc)
                return form_page(T, T["users_damaged"], 503)
            except OSError as exc:  # no session key, and the data directory can't keep one
                LOG.error("sign-in impossible: %s", exc)
                return form_page(T, T["data_unwritable"], 503)
            if user is None:
                count = self.throttle.failed(keys)
                LOG.warning("sign-in failed for user %r from %s (%d in a row)", name, address, count)
                await run_in_threadpool(audit.record, self.settings.data_dir, name, "sign-in failed", address)
                return form_page(T, T["login_failed"], 401)
            self.throttle.succeeded(keys)
        LOG.info("signed in: user %r from %s", name, address)
        await run_in_threadpool(audit.record, self.settings.data_dir, user.name, "sign-in", address)
        lifetime = int(self.settings.session_hours * 3600)
        response = RedirectResponse("./", status_code=303)
        response.set_cookie(
            COOKIE, issue(user, key, int(time.time()) + lifetime), max_age=lifetime, path="/",
            httponly=True, samesite="lax", secure=is_https(request, self.settings.trust_forwarded_for),
        )  # fmt: skip
        return response


class Guard:
    """ASGI middleware: the app's websocket, uploads and media only for a valid cookie, the page
    itself redirects to the sign-in page; websockets from other sites are refused in any mode."""

    def __init__(self, app: ASGIApp, gate: Gate | None) -> None:
        self.app, self.gate = app, gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        connection = HTTPConnection(scope)
        path = scope["path"]
        if scope["type"] == "websocket" and not same_origin(connection):
            return await send({"type": "websocket.close", "code": 1008})
        if self.gate is None or self.gate.user(connection) is not None:
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})  # 403 to the handshake
        if path in ("/", "/index.html"):
            return await RedirectResponse(PATH.lstrip("/"), status_code=303)(scope, receive, send)
        if path.startswith(PROTECTED):
            return await Response("sign in first", status_code=403)(scope, receive, send)
        return await self.app(scope, receive, send)


def same_origin(connection: HTTPConnection) -> bool:
    """No Origin (not a browser's cross-site request) or the same host as the request's."""
    origin = connection.headers.get("origin")
    return origin is None or urllib.parse.urlsplit(origin).netloc == connection.headers.get("host")


def client_address(connection: HTTPConnection, trust_forwarded_for: bool) -> str:
    forwarded = connection.headers.get("x-forwarded-for", "")
    if trust_forwarded_for and forwarded:
        return forwarded.split(",")[-1].strip()  # the address the proxy itself saw
    return connection.client.host if connection.client else "?"


def is_https(connection: HTTPConnection, trust_forwarded_for: bool) -> bool:
    proto = connection.headers.get("x-forwarded-proto", "") if trust_forwarded_for else ""
    return connection.url.scheme in ("https", "wss") or proto == "https"


def language(request: Request) -> str:
    wanted = request.query_params.get("lang")
    return wanted if wanted in STRINGS else default_language(None, request.headers.get("accept-language"))


def form_page(T: dict[str, str], error: str, status: int) -> HTMLResponse:
    e = html.escape
    alert = f'<p role="alert" class="error">{e(error)}</p>' if error else ""
    body = f"""<!doctype html>
<html lang="{e(T["html_lang"])}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(T["title"])} · {e(T["login"])}</title>
<style>body{{font-family:sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}}
label,input,button{{display:block;width:100%;box-sizing:border-box;margin:.3rem 0}}
input,button{{padding:.5rem;font-size:1rem}}.error{{color:#b00020}}</style></head>
<body><h1>{e(T["title"])}</h1>{alert}
<form method="post" action="signin">
<label for="name">{e(T["user_name"])}</label>
<input id="name" name="name" autocomplete="username" required autofocus>
<label for="password">{e(T["user_password"])}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">{e(T["login"])}</button></form>
<p><a href="signin?lang={"en" if T["html_lang"] == "zh" else "zh"}">{e(T["other_language"])}</a></p>
</body></html>"""
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
