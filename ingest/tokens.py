"""Personal API tokens: shown once when made, kept only as SHA-256 digests, revocable.
A token is 32 random bytes, so a fast hash is enough: there is nothing to guess."""

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from ingest.database import connected, now

PREFIX = "dq_"  # makes a leaked token recognisable to secret scanners


@dataclass(frozen=True)
class Token:
    token_id: str
    user: str
    created_at: str
    revoked_at: str | None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    """The tokens of the library in `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)

    def create(self, user: str) -> tuple[Token, str]:
        """A new token for `user`: its record, and the token itself (not stored anywhere)."""
        secret = PREFIX + secrets.token_urlsafe(32)
        token = Token(secrets.token_hex(4), user, now(), None)
        with connected(self.data_dir) as db:
            db.execute(
                "INSERT INTO api_tokens (token_id, user, digest, created_at) VALUES (?, ?, ?, ?)",
                (token.token_id, user, digest(secret), token.created_at),
            )
        return token, secret

    def user_of(self, secret: str) -> str | None:
        """The user a live token belongs to; None for an unknown or revoked one."""
        if not secret.startswith(PREFIX):
            return None
        with connected(self.data_dir) as db:
            row = db.execute(
                "SELECT user FROM api_tokens WHERE digest = ? AND revoked_at IS NULL", (digest(secret),)
            ).fetchone()
        return row[0] if row else None

    def of(self, user: str) -> list[Token]:
        with connected(self.data_dir) as db:
            rows = db.execute(
                "SELECT token_id, user, created_at, revoked_at FROM api_tokens WHERE user = ? "
                "ORDER BY created_at, token_id",
                (user,),
            ).fetchall()
        return [Token(*row) for row in rows]

    def revoke(self, user: str, token_id: str) -> None:
        with connected(self.data_dir) as db:
            changed = db.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE user = ? AND token_id = ? AND revoked_at IS NULL",
                (now(), user, token_id),
            ).rowcount
        if not changed:
            raise ValueError(
                f"{user!r} has no live token with id {token_id!r} (see: users token {user} --list)"
            )

    def revoke_all(self, user: str) -> int:
        """Revoke every token of `user` (removed from the users file): how many were live."""
        with connected(self.data_dir) as db:
            return db.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE user = ? AND revoked_at IS NULL", (now(), user)
            ).rowcount
