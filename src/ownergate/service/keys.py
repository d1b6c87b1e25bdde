"""Customers' API keys: issued once, stored as SHA-256 digests, revoked by key, id or prefix.

A key looks like ``og_live_`` followed by 32 random url-safe characters. Its verdict is its
customer's. Issuing or revoking a key records a change, so every replica's table follows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ownergate import audit
from ownergate.changefeed import published, record_change
from ownergate.errors import ConflictError, InputError, NotFoundError
from ownergate.service import credentials
from ownergate.service.filters import where
from ownergate.store import Store, Transaction

SCHEME = "og_live_"
KEY_PATTERN = credentials.pattern(SCHEME)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    id: int
    customer_id: str
    prefix: str
    label: str | None
    created_at: str
    revoked_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "customer_id": self.customer_id,
            "prefix": self.prefix,
            "label": self.label,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
        }


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key: str  # shown once, never stored
    info: KeyInfo


_COLUMNS = "id, customer_id, prefix, label, created_at, revoked_at"


def _info(row: tuple[Any, ...]) -> KeyInfo:
    return KeyInfo(int(row[0]), row[1], row[2], row[3], row[4], row[5])


def issue_key(store: Store, customer_id: str, label: str | None = None, *, actor: str = "cli") -> IssuedKey:
    """Create a key for an existing customer; the key itself is returned once and only its digest kept."""
    with store.transaction() as tx:
        issued = insert_key(tx, customer_id, label, actor=actor)
        change = record_change(tx, store, [customer_id])
    published(store, change)
    return issued


def insert_key(tx: Transaction, customer_id: str, label: str | None = None, *, actor: str = "cli") -> IssuedKey:
    """:func:`issue_key` inside the caller's transaction (the caller records the change)."""
    key = credentials.new_secret(SCHEME)
    if tx.scalar("SELECT 1 FROM customers WHERE id = ?", (customer_id,)) is None:
        raise NotFoundError(f"customer {customer_id!r} does not exist")
    if tx.scalar("SELECT deleted_at FROM customers WHERE id = ?", (customer_id,)) is not None:
        raise ConflictError(f"customer {customer_id!r} was deleted: it gets no keys")
    row = tx.fetchone(
        f"INSERT INTO api_keys (customer_id, key_hash, prefix, label, created_at) VALUES (?, ?, ?, ?, ?) "  # noqa: S608
        f"RETURNING {_COLUMNS}",
        (customer_id, credentials.digest(key), credentials.display_prefix(SCHEME, key), label, _now()),
    )
    assert row is not None
    info = _info(row)
    audit.append(tx, actor=actor, action="key.issue", subject=customer_id, details=info.as_dict())
    return IssuedKey(key, info)


def revoke_all(tx: Transaction, customer_id: str, *, actor: str = "cli") -> list[KeyInfo]:
    """Revoke every active key of a customer inside the caller's transaction (it records the change)."""
    now = _now()
    rows = tx.fetchall(
        f"SELECT {_COLUMNS} FROM api_keys WHERE customer_id = ? AND revoked_at IS NULL ORDER BY id",  # noqa: S608
        (customer_id,),
    )
    revoked = []
    for row in rows:
        info = _info(row)
        tx.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ?", (now, info.id))
        done = KeyInfo(info.id, info.customer_id, info.prefix, info.label, info.created_at, now)
        audit.append(tx, actor=actor, action="key.revoke", subject=customer_id, details=done.as_dict())
        revoked.append(done)
    return revoked


def _find(tx: Transaction, ref: str) -> KeyInfo:
    """A key by the key itself, its numeric id, or its display prefix (when unambiguous)."""
    ref = ref.strip()
    if KEY_PATTERN.fullmatch(ref):
        rows = tx.fetchall(f"SELECT {_COLUMNS} FROM api_keys WHERE key_hash = ?", (credentials.digest(ref),))  # noqa: S608
    elif ref.isdigit():
        rows = tx.fetchall(f"SELECT {_COLUMNS} FROM api_keys WHERE id = ?", (int(ref),))  # noqa: S608
    elif ref.startswith(SCHEME) and len(ref) == len(SCHEME) + credentials.PREFIX_LENGTH:
        rows = tx.fetchall(f"SELECT {_COLUMNS} FROM api_keys WHERE prefix = ? AND revoked_at IS NULL", (ref,))  # noqa: S608
        if len(rows) > 1:
            raise ConflictError(f"prefix {ref!r} matches {len(rows)} keys: revoke by key or id")
    else:
        raise InputError(f"{_shown(ref)!r} is not an API key, a key id or a key prefix ({SCHEME}XXXX)")
    if not rows:
        raise NotFoundError(f"no API key matches {_shown(ref)!r}")
    return _info(rows[0])


def _shown(ref: str) -> str:
    """What of a reference may be echoed: never a whole key."""
    return credentials.display_prefix(SCHEME, ref) + "..." if ref.startswith(SCHEME) else ref[:40]


def revoke_key(store: Store, ref: str, *, actor: str = "cli") -> KeyInfo:
    """Revoke a key (given as the key, its id or its prefix); revoking twice is a conflict."""
    with store.transaction() as tx:
        info = _find(tx, ref)
        if info.revoked_at is not None:
            raise ConflictError(f"key {info.prefix}... (id {info.id}) was already revoked at {info.revoked_at}")
        now = _now()
        tx.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ?", (now, info.id))
        revoked = KeyInfo(info.id, info.customer_id, info.prefix, info.label, info.created_at, now)
        audit.append(tx, actor=actor, action="key.revoke", subject=info.customer_id, details=revoked.as_dict())
        change = record_change(tx, store, [info.customer_id])
    published(store, change)
    return revoked


def list_keys(store: Store, customer_id: str | None = None, include_revoked: bool = False) -> list[KeyInfo]:
    """Keys (never their secrets), oldest first."""
    clause, params = where(("customer_id = ?", customer_id), ("revoked_at IS NULL", not include_revoked))
    sql = f"SELECT {_COLUMNS} FROM api_keys{clause} ORDER BY id"  # noqa: S608
    with store.read() as tx:
        return [_info(r) for r in tx.fetchall(sql, params)]


def active_digests(tx: Transaction, customer_ids: Sequence[str] | None = None) -> Iterator[tuple[bytes, str]]:
    """(SHA-256 digest, customer id) of every unrevoked key, for the decision table."""
    sql = "SELECT key_hash, customer_id FROM api_keys WHERE revoked_at IS NULL"
    if customer_ids is None:
        for key_hash, cid in tx.iterate(sql):
            yield bytes.fromhex(key_hash), cid
        return
    for cid in customer_ids:
        for (key_hash,) in tx.fetchall(
            "SELECT key_hash FROM api_keys WHERE revoked_at IS NULL AND customer_id = ?", (cid,)
        ):
            yield bytes.fromhex(key_hash), cid


def _now() -> str:
    return credentials.utc_now_iso()
