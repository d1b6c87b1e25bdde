"""``Idempotency-Key``: a retried request gets the first answer, and nothing is done twice.

A key is scoped to the admin token that sent it. The first request with a key stores its answer in
the same transaction as its effect; a later request with the same key and the same body (method,
path and canonical JSON) gets that answer again, one with a different body is refused (409). Only
the SHA-256 of the key is stored. An API key inside a stored answer is sealed with a key stream
derived from the Idempotency-Key itself (HMAC-SHA256 in counter mode), so the store never holds a
usable API key: only a client that still has its Idempotency-Key can read the answer back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ownergate.audit.chain import canonical_json
from ownergate.errors import ConflictError, InputError
from ownergate.store import Store, Transaction

HEADER = "Idempotency-Key"
_KEY = re.compile(r"[\x21-\x7e]{8,255}")  # visible ASCII, at least 8 characters
SEALED = "sealed:"


@dataclass(frozen=True, slots=True)
class Request:
    scope: str  # the admin token's id
    key: str
    digest: str  # of method, path and body


@dataclass(frozen=True, slots=True)
class Stored:
    status: int
    body: dict[str, Any]


def request(scope: str, key: str, method: str, path: str, body: Any) -> Request:
    if not _KEY.fullmatch(key):
        raise InputError(f"{HEADER} must be 8 to 255 visible ASCII characters (a UUID is a good choice)")
    text = canonical_json({"method": method.upper(), "path": path, "body": body})
    return Request(scope, key, hashlib.sha256(text.encode("utf-8")).hexdigest())


def _key_digest(req: Request) -> str:
    return hashlib.sha256(req.key.encode("utf-8")).hexdigest()


def lookup(store: Store, req: Request) -> Stored | None:
    """The stored answer to an earlier request with this key; 409 when that request differed."""
    with store.read() as tx:
        row = tx.fetchone(
            "SELECT request_digest, status, response FROM idempotency_keys WHERE scope = ? AND key_digest = ?",
            (req.scope, _key_digest(req)),
        )
    if row is None:
        return None
    if row[0] != req.digest:
        raise ConflictError(f"this {HEADER} was used with a different request: use a new key for a new request")
    return Stored(int(row[1]), _unseal(req, json.loads(row[2])))


def remember(tx: Transaction, req: Request, status: int, body: dict[str, Any]) -> None:
    """Store the answer in ``tx`` (a concurrent twin fails on the unique key and replays this one)."""
    tx.execute(
        "INSERT INTO idempotency_keys (scope, key_digest, request_digest, status, response, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            req.scope,
            _key_digest(req),
            req.digest,
            status,
            json.dumps(_seal(req, body)),
            datetime.now(UTC).isoformat(timespec="seconds"),
        ),
    )


def is_duplicate(exc: BaseException) -> bool:
    """Whether ``exc`` is a unique-constraint violation (a concurrent request with the same key won)."""
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(exc, psycopg.errors.UniqueViolation)


def _stream(req: Request, n: int) -> bytes:
    secret = hmac.new(req.key.encode("utf-8"), b"ownergate idempotency seal " + req.digest.encode(), "sha256").digest()
    out = b""
    counter = 0
    while len(out) < n:
        out += hmac.new(secret, counter.to_bytes(8, "big"), "sha256").digest()
        counter += 1
    return out[:n]


def _seal(req: Request, body: dict[str, Any]) -> dict[str, Any]:
    key = body.get("api_key")
    if not isinstance(key, str):
        return body
    raw = key.encode("utf-8")
    sealed = bytes(a ^ b for a, b in zip(raw, _stream(req, len(raw)), strict=True))
    return {**body, "api_key": SEALED + sealed.hex()}


def _unseal(req: Request, body: dict[str, Any]) -> dict[str, Any]:
    key = body.get("api_key")
    if not isinstance(key, str) or not key.startswith(SEALED):
        return body
    raw = bytes.fromhex(key.removeprefix(SEALED))
    return {**body, "api_key": bytes(a ^ b for a, b in zip(raw, _stream(req, len(raw)), strict=True)).decode()}
