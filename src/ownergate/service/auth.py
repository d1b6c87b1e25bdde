"""Admin tokens: each stands for an actor with one role (:mod:`ownergate.access.roles`).

A token looks like ``og_admin_`` followed by 32 random url-safe characters; only its SHA-256
digest is stored, found by its display prefix and compared in constant time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ownergate import audit
from ownergate.access.roles import Actor as Actor  # re-exported: the admin API and review desk use them here
from ownergate.access.roles import Role as Role
from ownergate.access.roles import require as require
from ownergate.errors import AuthenticationError, ConflictError, InputError, NotFoundError
from ownergate.service import credentials
from ownergate.store import Store

SCHEME = "og_admin_"
TOKEN_PATTERN = credentials.pattern(SCHEME)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    name: str
    role: str
    prefix: str
    created_at: str
    revoked_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("id", "name", "role", "prefix", "created_at", "revoked_at")}


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str  # shown once, never stored
    info: TokenInfo


_COLUMNS = "id, name, role, prefix, created_at, revoked_at"


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InputError(f"unknown role {value!r}: use one of {', '.join(r.value for r in Role)}") from None


def issue_token(store: Store, name: str, role: str, *, actor: str = "cli") -> IssuedToken:
    """Create an admin token for ``name`` with ``role``; the token is returned once."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InputError("a token needs a name of 1 to 100 characters")
    token = credentials.new_secret(SCHEME)
    with store.transaction() as tx:
        row = tx.fetchone(
            f"INSERT INTO admin_tokens (name, role, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?) "  # noqa: S608
            f"RETURNING {_COLUMNS}",
            (name, _role(role).value, credentials.digest(token), credentials.display_prefix(SCHEME, token), _now()),
        )
        assert row is not None
        info = TokenInfo(int(row[0]), *row[1:])
        audit.append(tx, actor=actor, action="token.issue", subject=name, details=info.as_dict())
    return IssuedToken(token, info)


def revoke_token(store: Store, token_id: int, *, actor: str = "cli") -> TokenInfo:
    with store.transaction() as tx:
        row = tx.fetchone(f"SELECT {_COLUMNS} FROM admin_tokens WHERE id = ?", (token_id,))  # noqa: S608
        if row is None:
            raise NotFoundError(f"no admin token with id {token_id}")
        if row[5] is not None:
            raise ConflictError(f"admin token {token_id} was already revoked at {row[5]}")
        now = _now()
        tx.execute("UPDATE admin_tokens SET revoked_at = ? WHERE id = ?", (now, token_id))
        info = TokenInfo(int(row[0]), row[1], row[2], row[3], row[4], now)
        audit.append(tx, actor=actor, action="token.revoke", subject=info.name, details=info.as_dict())
    return info


def list_tokens(store: Store) -> list[TokenInfo]:
    with store.read() as tx:
        return [TokenInfo(int(r[0]), *r[1:]) for r in tx.fetchall(f"SELECT {_COLUMNS} FROM admin_tokens ORDER BY id")]  # noqa: S608


def authenticate(store: Store, token: str | None) -> Actor:
    """The actor a presented token stands for; :class:`AuthenticationError` otherwise."""
    if not token:
        raise AuthenticationError("an admin token is required (Authorization: Bearer og_admin_...)")
    if not TOKEN_PATTERN.fullmatch(token):
        raise AuthenticationError("the admin token is malformed")
    presented = credentials.digest(token)
    with store.read() as tx:
        rows = tx.fetchall(
            "SELECT id, name, role, token_hash FROM admin_tokens WHERE prefix = ? AND revoked_at IS NULL",
            (credentials.display_prefix(SCHEME, token),),
        )
    match = None
    for row in rows:  # compare every candidate, so timing does not depend on which one matched
        if credentials.same_digest(presented, row[3]):
            match = row
    if match is None:
        raise AuthenticationError("the admin token is unknown or revoked")
    return Actor(int(match[0]), match[1], Role(match[2]))


def _now() -> str:
    return credentials.utc_now_iso()
