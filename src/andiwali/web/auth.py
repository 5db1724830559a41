"""Team mode: users with roles, argon2 password hashes, sessions that expire and are bound to their user.

A session token is 32 random bytes sent as an HttpOnly, SameSite=Strict cookie; the
knowledge base stores only its SHA-256, with the user id and an expiry. Every request
looks the session up again, so a disabled user, a changed password or an expired
session stops working at once, and the acting user always comes from the session,
never from the request.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from andiwali.errors import AndiwaliError
from andiwali.store import web_queries

ROLES = web_queries.ROLES
ROLE_RANK = {"viewer": 0, "analyst": 1, "admin": 2}
SESSION_COOKIE = "andiwali_session"
MIN_PASSWORD = 8

_hasher = PasswordHasher()
# verified against when the user does not exist, so a wrong name costs as long as a wrong password
_DUMMY_HASH = _hasher.hash("andiwali-no-such-user")


class AuthError(AndiwaliError):
    code = "E700"


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"a password needs at least {MIN_PASSWORD} characters", code="E701")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def has_role(user: dict | None, role: str) -> bool:
    return user is not None and ROLE_RANK.get(user.get("role", ""), -1) >= ROLE_RANK[role]


class Sessions:
    """Login, lookup and logout against the knowledge base's users and sessions tables."""

    def __init__(self, kb, *, ttl: timedelta = timedelta(hours=8), clock: Callable[[], datetime] = utcnow):
        self.kb = kb
        self.ttl = ttl
        self.clock = clock

    def login(self, name: str, password: str) -> tuple[str, dict] | None:
        """(token, user) for a right name and password of an enabled user, else None."""
        user = web_queries.get_user(self.kb, name) if name else None
        if user is None:
            verify_password(_DUMMY_HASH, password or "x")
            return None
        if not verify_password(user["password_hash"], password or "") or user["disabled"]:
            return None
        if _hasher.check_needs_rehash(user["password_hash"]):
            web_queries.set_password(self.kb, user["name"], _hasher.hash(password), actor=user["name"])
        token = secrets.token_urlsafe(32)
        now = self.clock()
        web_queries.create_session(self.kb, user["id"], token_hash(token), _iso(now), _iso(now + self.ttl))
        web_queries.purge_sessions(self.kb, _iso(now))
        return token, {"id": user["id"], "name": user["name"], "role": user["role"]}

    def user(self, token: str | None) -> dict | None:
        if not token or len(token) > 200:
            return None
        return web_queries.session_user(self.kb, token_hash(token), _iso(self.clock()))

    def logout(self, token: str | None) -> None:
        if token:
            web_queries.delete_session(self.kb, token_hash(token))
