"""The sign-in cookie: who signed in and until when, signed with the server's secret key and
with what the user's session depends on (their password hash and session key), so a password
change, a sign-out and a removed user void every cookie given before."""

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from team.users import User, Users

COOKIE = "docqa_session"
KEY_FILE = "session.key"


def secret_key(configured: str, data_dir: Path) -> bytes:
    """The key cookies are signed with: RAG_SESSION_SECRET, else one kept in the data
    directory (made on first use, readable by its owner only), so restarts keep sessions."""
    if configured:
        return configured.encode()
    path = Path(data_dir) / KEY_FILE
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:  # O_EXCL: of two processes starting at once, both end up with the same key
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(handle, "wb") as out:
        out.write(key)
    return key


def issue(user: User, key: bytes, expires: int) -> str:
    """A cookie value for `user`, valid until `expires` (Unix seconds)."""
    name = base64.urlsafe_b64encode(user.name.encode()).decode().rstrip("=")  # "=" would need quotes
    return f"{name}.{expires}.{_mac(user, expires, key)}"


def holder(token: str | None, users: Users, key: bytes, now: float) -> User | None:
    """The user the cookie was given to, if it is genuine, unexpired and still theirs."""
    try:
        name_part, expires_part, mac = (token or "").split(".")
        name = base64.urlsafe_b64decode(name_part + "=" * (-len(name_part) % 4)).decode()
        expires = int(expires_part)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if expires <= now:
        return None
    user = users.get(name)
    if user is None or not user.password_hash:
        return None
    return user if hmac.compare_digest(mac, _mac(user, expires, key)) else None


def _mac(user: User, expires: int, key: bytes) -> str:
    signed = "\0".join([user.name, str(expires), user.session_key, user.password_hash])
    return hmac.new(key, signed.encode(), hashlib.sha256).hexdigest()
