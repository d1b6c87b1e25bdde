"""Analysts' judgements of list matches: this hit is (or is not) this customer.

A judgement keeps the machine's hit beside the person's reading of it and never deletes
anything: a newer judgement of the same (customer, list, entry) supersedes the older one, which
stays as history. Deciding honours the current judgements (``decisions.engine.Book.judgements``):
a hit judged false no longer makes a ``listed`` or ``possible-list-match`` reason for that
customer, and a hit judged true is a ``listed`` reason whatever its score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ownergate import audit
from ownergate.errors import InputError, NotFoundError
from ownergate.store import Transaction

#: customer id -> (list id, entry id) -> True (a true match) or False (not this customer)
Judged = dict[str, dict[tuple[str, str], bool]]

_FIELDS = "id, customer_id, list_id, entry_id, is_match, note, actor, judged_at, is_current"


@dataclass(frozen=True, slots=True)
class Judgement:
    id: int
    customer_id: str
    list_id: str
    entry_id: str
    is_match: bool
    note: str
    actor: str
    judged_at: str
    is_current: bool

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def _row(row: Sequence[Any]) -> Judgement:
    return Judgement(int(row[0]), row[1], row[2], row[3], bool(row[4]), row[5], row[6], row[7], bool(row[8]))


def judge(
    tx: Transaction,
    *,
    customer_id: str,
    list_id: str,
    entry_id: str,
    is_match: bool,
    note: str,
    actor: str,
    now: datetime,
) -> Judgement:
    """Record a judgement (and its audit record) inside ``tx``; it supersedes any earlier one."""
    list_id, entry_id, note = list_id.strip(), entry_id.strip(), note.strip()
    if not list_id or not entry_id or len(list_id) > 200 or len(entry_id) > 200:
        raise InputError("a judgement names a list and an entry (1 to 200 characters each)")
    if len(note) > 4000:
        raise InputError("a judgement's note is at most 4000 characters")
    if tx.fetchone("SELECT 1 FROM customers WHERE id = ?", (customer_id,)) is None:
        raise NotFoundError(f"no customer {customer_id!r}")
    tx.execute(
        "UPDATE match_judgements SET is_current = 0 WHERE customer_id = ? AND list_id = ? AND entry_id = ?"
        " AND is_current = 1",
        (customer_id, list_id, entry_id),
    )
    row = tx.fetchone(
        "INSERT INTO match_judgements (customer_id, list_id, entry_id, is_match, note, actor, judged_at, is_current)"  # noqa: S608
        f" VALUES (?, ?, ?, ?, ?, ?, ?, 1) RETURNING {_FIELDS}",
        (customer_id, list_id, entry_id, int(is_match), note, actor, now.isoformat(timespec="seconds")),
    )
    assert row is not None
    found = _row(row)
    audit.append(
        tx,
        actor=actor,
        action="match.judged",
        subject=f"customer:{customer_id}",
        details={"list": list_id, "entry_id": entry_id, "match": is_match, "note": note, "judgement": found.id},
    )
    return found


def current(tx: Transaction, customer_ids: Sequence[str] | None = None, as_of: datetime | None = None) -> Judged:
    """The judgements in force now (or at ``as_of``), for ``customer_ids`` (None: every customer)."""
    if as_of is None:
        sql, params = "SELECT customer_id, list_id, entry_id, is_match FROM match_judgements WHERE is_current = 1", []
    else:  # the newest judgement of each hit made by then
        sql = "SELECT customer_id, list_id, entry_id, is_match FROM match_judgements WHERE judged_at <= ?"
        params = [as_of.isoformat(timespec="seconds")]
    found: Judged = {}
    if customer_ids is not None and len(customer_ids) <= 500:
        wanted = list(dict.fromkeys(customer_ids))
        if not wanted:
            return found
        sql += f" AND customer_id IN ({', '.join('?' for _ in wanted)})"
        params += wanted
        rows = tx.fetchall(sql + " ORDER BY id", params)
    else:
        keep = None if customer_ids is None else set(customer_ids)
        rows = [r for r in tx.fetchall(sql + " ORDER BY id", params) if keep is None or r[0] in keep]
    for cid, list_id, entry_id, is_match in rows:
        found.setdefault(cid, {})[(list_id, entry_id)] = bool(is_match)
    return found


def for_customer(tx: Transaction, customer_id: str) -> list[Judgement]:
    """Every judgement of a customer's matches, newest first."""
    rows = tx.fetchall(
        f"SELECT {_FIELDS} FROM match_judgements WHERE customer_id = ? ORDER BY id DESC",  # noqa: S608
        (customer_id,),
    )
    return [_row(r) for r in rows]
