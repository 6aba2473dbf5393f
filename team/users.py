"""The users file: who may log in, and which collections each user sees. Passwords are kept
only as scrypt hashes; a user without one logs in through the identity provider (OIDC)."""

import base64
import fcntl
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from ingest.atomic import write_atomic
from ingest.names import collection_name
from ingest.refused import Refused
from team.passwords import check_strength, too_short

EVERY = "*"  # a member of "*" sees every collection
# scrypt at N=2^15, r=8: 32 MiB and ~0.1 s per guess, as OWASP recommends for scrypt.
N, R, P = 2**15, 8, 1


class DamagedUsersFile(ValueError):
    """The users file can't be read: nobody can sign in until it is restored."""


@dataclass(frozen=True)
class User:
    name: str
    collections: list[str] = field(default_factory=list)
    password_hash: str = ""
    admin: bool = False  # may use the admin page: users, collections, audit log, feedback
    # Part of every sign-in cookie's signature: a new one ends all of the user's sessions.
    session_key: str = ""

    def sees(self, collection: str) -> bool:
        return EVERY in self.collections or collection in self.collections


def hash_password(password: str) -> str:
    if short := too_short(password):
        raise short
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, maxmem=1 << 26, dklen=32)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    given = hashlib.scrypt(
        password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), maxmem=1 << 26, dklen=32
    )
    return hmac.compare_digest(given, _unb64(digest))


class Users:
    """The users file at `path` (JSON, written atomically, readable by its owner only)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._dummy = ""

    def all(self) -> dict[str, User]:
        if not self.path.exists():
            return {}
        try:
            rows = json.loads(self.path.read_text(encoding="utf-8"))["users"]
            return {row["name"]: User(**row) for row in rows}
        except (ValueError, KeyError, TypeError) as exc:
            raise DamagedUsersFile(
                f"the users file {self.path} is damaged ({exc}); restore it from a backup"
            ) from exc

    def get(self, name: str) -> User | None:
        return self.all().get(name)

    def verify(self, name: str, password: str) -> User | None:
        """The user, if the password is theirs; an unknown name costs as much time as a known one."""
        user = self.get(name)
        if user is None or not user.password_hash:
            self._dummy = self._dummy or hash_password("not a password")
            check_password(password, self._dummy)
            return None
        return user if check_password(password, user.password_hash) else None

    def add(self, name: str, password: str | None, collections: list[str], admin: bool = False) -> User:
        name = name.strip()
        if not name or any(ch.isspace() for ch in name):
            raise Refused(
                "user_name", f"a user name needs visible characters and no spaces, got {name!r}", name=name
            )
        wanted = [c if c == EVERY else collection_name(c) for c in collections]
        if password:
            check_strength(password, name)
        user = User(
            name,
            wanted,
            hash_password(password) if password else "",
            admin=admin,
            session_key=secrets.token_hex(16),
        )
        with self._editing() as users:
            if name in users:
                raise Refused("user_exists", f"there is already a user named {name!r}", name=name)
            users[name] = user
        return user

    def set_password(self, name: str, password: str) -> None:
        """A new password, which also ends every session signed in with the old one."""
        check_strength(password, name)
        with self._editing() as users:
            users[name] = replace(
                self._known(users, name),
                password_hash=hash_password(password),
                session_key=secrets.token_hex(16),
            )

    def set_admin(self, name: str, admin: bool) -> None:
        """Give or take the admin role; the user's sessions go on (the role is read per request)."""
        with self._editing() as users:
            users[name] = replace(self._known(users, name), admin=admin)

    def end_sessions(self, name: str) -> None:
        """Sign the user out everywhere: every cookie signed with the old session key is void."""
        with self._editing() as users:
            users[name] = replace(self._known(users, name), session_key=secrets.token_hex(16))

    def grant(self, name: str, collection: str) -> None:
        wanted = collection if collection == EVERY else collection_name(collection)
        with self._editing() as users:
            user = self._known(users, name)
            if wanted not in user.collections:
                users[name] = replace(user, collections=[*user.collections, wanted])

    def revoke(self, name: str, collection: str) -> None:
        with self._editing() as users:
            user = self._known(users, name)
            users[name] = replace(user, collections=[c for c in user.collections if c != collection])

    def remove(self, name: str) -> None:
        with self._editing() as users:
            self._known(users, name)
            del users[name]

    @staticmethod
    def _known(users: dict[str, User], name: str) -> User:
        if name not in users:
            raise Refused("no_user", f"no user named {name!r} (see: python -m ingest users list)", name=name)
        return users[name]

    @contextmanager
    def _editing(self) -> Iterator[dict[str, User]]:
        """Read, change and write the file under a lock, so two edits never lose one another."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.with_name(self.path.name + ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            users = self.all()
            yield users
            body = json.dumps({"users": [asdict(u) for u in users.values()]}, ensure_ascii=False, indent=1)
            write_atomic(self.path, lambda handle: handle.write(body.encode()), mode=0o600)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)


def collections_of(user: User) -> list[str] | None:
    """The collections `user` may see and search; None stands for every one."""
    return None if EVERY in user.collections else list(user.collections)
