"""Review desk sessions: log in once with an admin token, then hold a session cookie.

The session id is 192 random bits handed to the browser once (in an HttpOnly, SameSite=Strict
cookie); the store keeps only its SHA-256 digest, the admin token it was opened with, a CSRF
token and an expiry. A session ends at its expiry, at logout, or as soon as its admin token is
revoked; each login deletes the sessions whose expiry has passed (:func:`purge` also deletes those
ended by logout). Every form carries the session's CSRF token, compared in constant time on each
POST.

The login form, which comes before any session, carries a token of its own (double submit): the
login page sets it in an HttpOnly, SameSite=Strict cookie and in a hidden field, and a login is
accepted only when the two match, so another site cannot log a browser in to its own account.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from ownergate.errors import AuthenticationError, PermissionDenied
from ownergate.service import auth, credentials
from ownergate.service.auth import Actor, Role
from ownergate.store import Store, Transaction

COOKIE = "og_review"
LOGIN_COOKIE = "og_login"  # the login form's CSRF token (double submit)


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in analyst: who (the token's actor), the form token, and when the session ends."""

    actor: Actor
    csrf: str
    expires_at: str


def login(store: Store, token: str, now: datetime, lifetime: timedelta) -> tuple[str, Session]:
    """Open a session for the holder of an admin token; returns the session id (shown once) and the session."""
    actor = auth.authenticate(store, token.strip())
    session_id = secrets.token_urlsafe(24)
    csrf = secrets.token_urlsafe(24)
    expires = (now + lifetime).isoformat(timespec="seconds")
    with store.transaction() as tx:
        _delete_expired(tx, now)  # so the table holds at most one session lifetime's worth of sessions
        tx.execute(
            "INSERT INTO review_sessions (session_hash, token_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (credentials.digest(session_id), actor.token_id, csrf, now.isoformat(timespec="seconds"), expires),
        )
    return session_id, Session(actor, csrf, expires)


def lookup(store: Store, session_id: str | None, now: datetime) -> Session:
    """The live session a cookie stands for; :class:`AuthenticationError` when there is none."""
    if not session_id or len(session_id) > 100:
        raise AuthenticationError("please log in")
    with store.read() as tx:
        row = tx.fetchone(
            "SELECT s.csrf, s.expires_at, s.ended_at, t.id, t.name, t.role, t.revoked_at FROM review_sessions s"
            " JOIN admin_tokens t ON t.id = s.token_id WHERE s.session_hash = ?",
            (credentials.digest(session_id),),
        )
    if row is None or row[2] is not None:
        raise AuthenticationError("please log in")
    if datetime.fromisoformat(row[1]) <= now:
        raise AuthenticationError("your session has expired: please log in again")
    if row[6] is not None:
        raise AuthenticationError("the admin token of this session was revoked")
    return Session(Actor(int(row[3]), row[4], Role(row[5])), row[0], row[1])


def logout(store: Store, session_id: str | None, now: datetime) -> None:
    """End a session (nothing happens for an unknown one)."""
    if not session_id:
        return
    with store.transaction() as tx:
        tx.execute(
            "UPDATE review_sessions SET ended_at = ? WHERE session_hash = ? AND ended_at IS NULL",
            (now.isoformat(timespec="seconds"), credentials.digest(session_id)),
        )


def login_token(current: str | None) -> str:
    """The login form's CSRF token: the browser's current one when it is well formed, else a new one."""
    if current and 20 <= len(current) <= 64 and current.replace("-", "").replace("_", "").isalnum():
        return current
    return secrets.token_urlsafe(24)


def check_login_csrf(cookie: str | None, presented: str | None) -> None:
    """:class:`PermissionDenied` unless the login form's token matches its cookie (constant-time compare)."""
    if not cookie or not presented or not hmac.compare_digest(presented.encode("utf-8"), cookie.encode("utf-8")):
        raise PermissionDenied("the login form's CSRF token is missing or wrong: reload the login page and try again")


def check_csrf(session: Session, presented: str | None) -> None:
    """:class:`PermissionDenied` unless the form's token is the session's (constant-time compare)."""
    if not presented or not hmac.compare_digest(presented.encode("utf-8"), session.csrf.encode("utf-8")):
        raise PermissionDenied("the form's CSRF token is missing or wrong: reload the page and try again")


def purge(store: Store, now: datetime) -> int:
    """Delete sessions that expired or ended; returns how many. Each login deletes the expired ones."""
    stamp = now.isoformat(timespec="seconds")
    with store.transaction() as tx:
        count = tx.scalar(
            "SELECT COUNT(*) FROM review_sessions WHERE expires_at <= ? OR ended_at IS NOT NULL", (stamp,)
        )
        tx.execute("DELETE FROM review_sessions WHERE expires_at <= ? OR ended_at IS NOT NULL", (stamp,))
    return int(count or 0)


def _delete_expired(tx: Transaction, now: datetime) -> None:
    tx.execute("DELETE FROM review_sessions WHERE expires_at <= ?", (now.isoformat(timespec="seconds"),))
