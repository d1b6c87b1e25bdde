"""Sessions on both backends: only a hash stored, expiry, logout, revoked tokens, CSRF compare."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from ownergate.errors import AuthenticationError, PermissionDenied
from ownergate.review import sessions
from ownergate.service.auth import Role, issue_token, revoke_token
from ownergate.store import Store

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_login_stores_only_a_hash_and_finds_the_actor(store: Store) -> None:
    token = issue_token(store, "ana", "analyst").token
    session_id, opened = sessions.login(store, token, NOW, HOUR)
    assert opened.actor.name == "ana" and opened.actor.role is Role.analyst
    with store.read() as tx:
        stored = tx.fetchall("SELECT session_hash, expires_at FROM review_sessions")
    assert stored == [(hashlib.sha256(session_id.encode()).hexdigest(), (NOW + HOUR).isoformat())]
    assert session_id not in repr(stored)
    found = sessions.lookup(store, session_id, NOW + timedelta(minutes=59))
    assert found.actor == opened.actor and found.csrf == opened.csrf


def test_sessions_expire_end_at_logout_and_with_their_token(store: Store) -> None:
    issued = issue_token(store, "bob", "approver")
    session_id, _ = sessions.login(store, issued.token, NOW, HOUR)
    with pytest.raises(AuthenticationError, match="expired"):
        sessions.lookup(store, session_id, NOW + HOUR)
    other, _ = sessions.login(store, issued.token, NOW, HOUR)
    sessions.logout(store, other, NOW)
    with pytest.raises(AuthenticationError, match="log in"):
        sessions.lookup(store, other, NOW)
    third, _ = sessions.login(store, issued.token, NOW, HOUR)
    revoke_token(store, issued.info.id)
    with pytest.raises(AuthenticationError, match="revoked"):
        sessions.lookup(store, third, NOW)
    assert sessions.purge(store, NOW + 2 * HOUR) == 3
    for bad in (None, "", "x" * 101, "not-a-session"):
        with pytest.raises(AuthenticationError):
            sessions.lookup(store, bad, NOW)


def test_login_refuses_unknown_tokens(store: Store) -> None:
    with pytest.raises(AuthenticationError):
        sessions.login(store, "og_admin_" + "A" * 32, NOW, HOUR)
    with pytest.raises(AuthenticationError):
        sessions.login(store, "", NOW, HOUR)
    with store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM review_sessions") == 0


def test_csrf_token_must_match(store: Store) -> None:
    token = issue_token(store, "ana", "analyst").token
    _, opened = sessions.login(store, token, NOW, HOUR)
    sessions.check_csrf(opened, opened.csrf)
    for wrong in (None, "", opened.csrf[:-1], opened.csrf + "x", "é" * 5):
        with pytest.raises(PermissionDenied, match="CSRF"):
            sessions.check_csrf(opened, wrong)


def test_each_login_deletes_the_sessions_past_their_expiry(store: Store) -> None:
    token = issue_token(store, "ana", "analyst").token
    old, _ = sessions.login(store, token, NOW, HOUR)
    ended, _ = sessions.login(store, token, NOW + HOUR / 2, HOUR)
    sessions.logout(store, ended, NOW + HOUR / 2)
    sessions.login(store, token, NOW + HOUR, HOUR)  # `old` expires now; `ended` not until later
    with store.read() as tx:
        kept = {r[0] for r in tx.fetchall("SELECT session_hash FROM review_sessions")}
    assert hashlib.sha256(old.encode()).hexdigest() not in kept
    assert hashlib.sha256(ended.encode()).hexdigest() in kept and len(kept) == 2
    sessions.login(store, token, NOW + 2 * HOUR, HOUR)
    with store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM review_sessions") == 1  # every earlier one has expired
