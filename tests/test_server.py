"""The deployed web server (`streamlit run ui/server.py`, .streamlit/config.toml): sign-in by a
signed cookie that a session id alone does not carry, lockouts, errors as the product's own
messages, and no request outside this machine at start-up."""

import json
import os
import re
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from ingest.settings import Settings
from team import audit
from team.users import Users
from tests.cli import ROOT
from tests.server import chromium, serving

pytestmark = pytest.mark.integration


def test_streamlit_config_matches_the_app():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == Settings().max_file_mb  # one limit, not two
    assert config["client"]["showErrorDetails"] == "none" and config["client"]["toolbarMode"] == "viewer"
    assert config["browser"]["gatherUsageStats"] is False and config["server"]["enableXsrfProtection"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY .streamlit .streamlit" in dockerfile and "ui/server.py" in dockerfile


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def post(url: str, name: str, password: str, origin: str | None = None) -> tuple[int, str, str]:
    """(status, body, Set-Cookie) of a sign-in as a browser's form would send it."""
    body = f"name={name}&password={password.replace(' ', '+')}".encode()
    request = urllib.request.Request(f"{url}/signin", data=body, method="POST")
    if origin:
        request.add_header("Origin", origin)
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as reply:
            return reply.status, reply.read().decode(), reply.headers.get("Set-Cookie", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), exc.headers.get("Set-Cookie", "")


def websocket_opens(url: str, cookie: str = "", session_id: str = "") -> bool:
    headers = {"Cookie": cookie} if cookie else {}
    try:
        with connect(url.replace("http", "ws") + "/_stcore/stream", additional_headers=headers,
                     subprotocols=["streamlit", "", session_id] if session_id else ["streamlit"]):  # type: ignore[list-item]  # fmt: skip
            return True
    except InvalidStatus as exc:
        assert exc.response.status_code == 403
        return False


def test_sign_in_sets_a_cookie_and_locks_out_guessers(tmp_path: Path):
    data_dir = tmp_path / "lib"
    users = Users(data_dir / "users.json")
    users.add("alice", "a long password", ["*"])
    users.add("bob", "his long password", ["*"])
    with serving(data_dir, tmp_path / "log.txt", RAG_AUTH="password") as url:
        status, _, _ = post(url, "bob", "his long password", origin="http://evil.example")
        assert status == 403  # another site can't sign anyone in
        status, _, cookie = post(url, "bob", "his long password")
        assert status == 303 and "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=" in cookie
        value = cookie.split(";")[0]
        assert websocket_opens(url, value) and not websocket_opens(url)
        xsrf = {"X-Xsrftoken": "t", "Cookie": "_streamlit_xsrf=t"}
        upload = urllib.request.Request(f"{url}/_stcore/upload_file/a-session/a-file", b"x" * 1000, xsrf)
        upload.method = "PUT"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(upload, timeout=30)  # uploads before sign-in reach nothing
        assert refused.value.code == 403 and refused.value.read() == b"sign in first"
        assert not websocket_opens(url, "docqa_session=" + value.split("=", 1)[1][:-3] + "abc")  # forged
        Users(data_dir / "users.json").end_sessions("bob")  # what signing out does
        assert not websocket_opens(url, value)
        kept = (data_dir / "users.json").read_text()
        (data_dir / "users.json").write_text("{damaged")
        status, body, _ = post(url, "carol", "whatever it is")
        assert status == 503 and "users file is damaged" in body and "Traceback" not in body
        (data_dir / "users.json").write_text(kept)
        for attempt in range(5):
            status, body, _ = post(url, "alice", f"guess number {attempt}")
            assert status == 401 and "Wrong user name or password" in body
        status, body, _ = post(url, "alice", "a long password")  # right, but too late
        assert status == 429 and "locked" in body
    log = (tmp_path / "log.txt").read_text()
    assert len(re.findall(r"sign-in failed for user 'alice' from 127\.0\.0\.1", log)) == 5
    assert "sign-in refused for user 'alice'" in log
    events = [(e.user, e.action) for e in audit.events(data_dir)]  # the audit log admins read
    assert ("bob", "sign-in") in events and events.count(("alice", "sign-in failed")) == 5


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


# Opens the app's websocket with another session's id, as a thief who read it from a log would.
REUSE_SESSION = """(() => { const Original = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    return new Original(url, ["streamlit", (protocols || [])[1] || "none", "%s"]); };
  window.WebSocket.prototype = Original.prototype; })();"""


def test_a_session_id_without_the_cookie_opens_nothing(tmp_path: Path, browser: Browser):
    data_dir = tmp_path / "lib"
    Users(data_dir / "users.json").add("alice", "a long password", ["*"])
    with serving(data_dir, tmp_path / "log.txt", RAG_AUTH="password") as url:
        owner = browser.new_context(locale="en-US")
        page = owner.new_page()
        session_ids: list[str] = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: session_ids.extend(ids(frame))))
        page.goto(url)
        page.get_by_label("User name").fill("alice")
        page.get_by_label("Password", exact=True).fill("a long password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Signed in as alice")).to_be_visible(timeout=120_000)
        cookie = next(c for c in owner.cookies() if c["name"] == "docqa_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["expires"] > time.time()
        assert session_ids

        thief = browser.new_context(locale="en-US")
        thief.add_init_script(REUSE_SESSION % session_ids[-1])
        stolen = thief.new_page()
        stolen.goto(url)
        time.sleep(10)  # time enough for a reconnected session to draw
        assert "Signed in as alice" not in stolen.content()
        opened = stolen.evaluate(
            """([url, id]) => new Promise(done => { const ws = new WebSocket(url, ["streamlit", "none", id]);
                 ws.onopen = () => done(true); ws.onerror = () => done(false); })""",
            [url.replace("http", "ws") + "/_stcore/stream", session_ids[-1]],
        )
        assert opened is False
        thief.close()

        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_text("Please sign in")).to_be_visible(timeout=30_000)
        again = browser.new_context(locale="en-US")
        again.add_cookies([cookie])  # the cookie of before the sign-out, kept by a thief
        later = again.new_page()
        later.goto(url)
        expect(later.get_by_label("Password", exact=True)).to_be_visible(timeout=30_000)
        assert "Signed in as alice" not in later.content()
        again.close()
        owner.close()


def ids(frame: bytes | str) -> list[str]:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(frame, str):
        return []
    message = ForwardMsg()
    message.ParseFromString(frame)
    if message.WhichOneof("type") != "new_session":
        return []
    return [message.new_session.initialize.session_id]


def test_a_damaged_library_shows_a_message_not_a_traceback(tmp_path: Path, browser: Browser):
    data_dir = tmp_path / "lib"
    data_dir.mkdir()
    (data_dir / "library.sqlite3").write_bytes(b"this is not a database" * 100)
    with serving(data_dir, tmp_path / "log.txt") as url:
        context = browser.new_context(locale="en-US")
        page = context.new_page()
        page.goto(url)
        expect(page.get_by_text("The library database is damaged")).to_be_visible(timeout=120_000)
        shown = page.inner_text("body")
        assert "Traceback" not in shown and "DatabaseError" not in shown and "sqlite" not in shown
        context.close()


RECORDER = """import json, os, socket
_log = os.environ["CONNECT_LOG"]
def _note(kind, where):
    with open(_log, "a") as out:
        out.write(json.dumps([kind, repr(where)]) + "\\n")
def _local(host):
    return isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1", "0.0.0.0", ""))
_connect, _getaddrinfo = socket.socket.connect, socket.getaddrinfo
def connect(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(host):
        _note("connect", address)
        raise OSError("no outside connections")
    return _connect(self, address)
def getaddrinfo(host, *args, **kwargs):
    if not _local(host if not isinstance(host, bytes) else host.decode()):
        _note("resolve", host)
        raise OSError("no outside names")
    return _getaddrinfo(host, *args, **kwargs)
socket.socket.connect, socket.getaddrinfo = connect, getaddrinfo
"""


def test_starting_the_server_makes_no_outside_connection(tmp_path: Path):
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(RECORDER)
    record = tmp_path / "connections.jsonl"
    extra = {"PYTHONPATH": f"{hooks}{os.pathsep}{ROOT}", "CONNECT_LOG": str(record)}
    with serving(tmp_path / "lib", tmp_path / "log.txt", address="0.0.0.0", **extra) as url:
        urllib.request.urlopen(url, timeout=30).read()
        time.sleep(3)  # the external-IP lookup, if any, runs while the server starts
    made = [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []
    assert made == []
