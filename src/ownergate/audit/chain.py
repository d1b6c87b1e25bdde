"""The hash-chained audit log: every record carries the hash of the one before it.

A record is (seq, at, actor, action, subject, details, prev_hash, hash). ``details`` is stored
as canonical JSON (:func:`canonical_json`), and ``hash`` is the SHA-256, in lowercase hex, of
the UTF-8 bytes of::

    json.dumps([seq, at, actor, action, subject, details, prev_hash],
               ensure_ascii=False, separators=(",", ":"))

where ``details`` is that canonical JSON *text* (a string inside the array) and ``prev_hash``
is the previous record's hash (64 zeros for seq 1). docs/audit.md gives the same recipe for
anyone re-checking an export without ownergate.

:func:`append` takes the caller's transaction, so a record commits with the change it records
or not at all. It first moves the one-row chain head (``audit_head``), which takes that row's
lock: on SQLite the write transaction already serialises writers, on PostgreSQL concurrent
appenders queue on the row lock, so two processes never fork the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ownergate.clock import Clock, SystemClock, iso
from ownergate.errors import InputError, StoreError
from ownergate.store.base import Row, Transaction

#: prev_hash of the first record
GENESIS = "0" * 64

#: the columns of ``audit_log`` in record order
COLUMNS = ("seq", "at", "actor", "action", "subject", "details", "prev_hash", "hash")
_SELECT = "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log"

_default_clock = SystemClock()


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    details: str  # canonical JSON text
    prev_hash: str
    hash: str

    @classmethod
    def from_row(cls, row: Row) -> AuditRecord:
        return cls(int(row[0]), *row[1:])

    def details_dict(self) -> dict[str, Any]:
        value = json.loads(self.details)
        assert isinstance(value, dict)
        return value

    def as_dict(self) -> dict[str, Any]:
        """Every field, ``details`` as an object (for JSON export and the API)."""
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "details": self.details_dict(),
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 kept as is, no NaN: one text for one value."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InputError(f"audit details are not plain JSON: {exc}") from None


# json.dumps(value, ensure_ascii=False, separators=(",", ":")), without building an encoder per call
_HASHED_FORM = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def record_hash(seq: int, at: str, actor: str, action: str, subject: str, details: str, prev_hash: str) -> str:
    """The hash of one record, chained to ``prev_hash`` (see the module docstring)."""
    text = _HASHED_FORM([seq, at, actor, action, subject, details, prev_hash])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _require(name: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"audit record needs a non-empty {name}")


def append(
    tx: Transaction,
    *,
    actor: str,
    action: str,
    subject: str,
    details: dict[str, Any],
    clock: Clock | None = None,
) -> AuditRecord:
    """Append one record to the chain inside ``tx`` (it commits or rolls back with ``tx``)."""
    _require("actor", actor)
    _require("action", action)
    if not isinstance(subject, str):
        raise InputError("audit record subject must be text")
    if not isinstance(details, dict):
        raise InputError("audit record details must be a JSON object")
    text = canonical_json(details)
    # Moving the head first takes its row lock before reading it: appenders queue here.
    tx.execute("UPDATE audit_head SET seq = seq + 1 WHERE id = 1")
    head = tx.fetchone("SELECT seq, hash FROM audit_head WHERE id = 1")
    if head is None:
        raise StoreError("the audit chain head is missing: the store was not migrated or was tampered with")
    seq, prev_hash = int(head[0]), str(head[1])
    at = iso((clock or _default_clock).now())
    digest = record_hash(seq, at, actor, action, subject, text, prev_hash)
    tx.execute(
        "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, subject, text, prev_hash, digest),
    )
    tx.execute("UPDATE audit_head SET hash = ? WHERE id = 1", (digest,))
    return AuditRecord(seq, at, actor, action, subject, text, prev_hash, digest)


def head(tx: Transaction) -> tuple[int, str]:
    """The seq and hash of the last record, as the chain head records them."""
    row = tx.fetchone("SELECT seq, hash FROM audit_head WHERE id = 1")
    if row is None:
        raise StoreError("the audit chain head is missing: the store was not migrated or was tampered with")
    return int(row[0]), str(row[1])


def rows(tx: Transaction, since: datetime | None = None, batch: int = 10_000) -> Iterator[Row]:
    """Raw rows in seq order (COLUMNS order), optionally only those at or after ``since``."""
    if since is None:
        return tx.iterate(_SELECT + " ORDER BY seq", batch=batch)
    return tx.iterate(_SELECT + " WHERE at >= ? ORDER BY seq", (iso(since),), batch=batch)


def records(tx: Transaction, since: datetime | None = None) -> Iterator[AuditRecord]:
    """Records in seq order, optionally only those at or after ``since``."""
    return (AuditRecord.from_row(r) for r in rows(tx, since))
