"""The review queue: customers whose verdict in force is ``review``, and override proposals waiting.

A customer is in the queue while its current machine verdict is ``review`` and no approved,
unexpired override decides it; items come oldest first (by when that verdict was recorded).
Filters narrow by reason code, list and country; the counts per reason are over the whole queue,
so a filter never hides how much else is waiting.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ownergate.decisions import overrides as ovr
from ownergate.store import Store

_OPEN = (
    "SELECT d.customer_id, c.name, c.country, c.hq_country, d.reasons, d.decided_at FROM decisions d"
    " JOIN customers c ON c.id = d.customer_id WHERE d.is_current = 1 AND d.decision = 'review'"
    " ORDER BY d.decided_at, d.customer_id"
)


@dataclass(frozen=True, slots=True)
class Item:
    """One customer waiting for review."""

    customer_id: str
    name: str
    country: str | None
    hq_country: str | None
    codes: tuple[str, ...]  # reason codes, in the verdict's order, once each
    lists: tuple[str, ...]  # lists named by the reasons' evidence
    since: str  # when the verdict was recorded


@dataclass(slots=True)
class Queue:
    items: list[Item]  # after filters
    total: int  # before filters
    by_reason: dict[str, int]
    by_list: dict[str, int]
    by_country: dict[str, int]
    proposals: list[ovr.Override] = field(default_factory=list)


def _item(row: tuple[Any, ...]) -> Item:
    cid, name, country, hq, reasons, decided_at = row
    parsed = json.loads(reasons)
    codes = tuple(dict.fromkeys(str(r.get("code")) for r in parsed))
    lists = tuple(dict.fromkeys(str(r["evidence"]["list"]) for r in parsed if (r.get("evidence") or {}).get("list")))
    return Item(str(cid), str(name), country, hq, codes, lists, str(decided_at))


def open_items(
    store: Store, now: datetime, reason: str | None = None, list_id: str | None = None, country: str | None = None
) -> Queue:
    """The queue at ``now``, narrowed by any of ``reason``, ``list_id`` and ``country``."""
    with store.read() as tx:
        overridden = {o.customer_id for o in ovr.in_force(tx, now)}
        items = [_item(r) for r in tx.fetchall(_OPEN) if r[0] not in overridden]
        proposals = ovr.pending(tx)
    by_reason = Counter(code for item in items for code in item.codes)
    by_list = Counter(lid for item in items for lid in item.lists)
    by_country = Counter(item.country or "-" for item in items)
    wanted = [
        item
        for item in items
        if (not reason or reason in item.codes)
        and (not list_id or list_id in item.lists)
        and (not country or country.upper() in (item.country, item.hq_country))
    ]
    return Queue(
        wanted,
        len(items),
        dict(by_reason.most_common()),
        dict(by_list.most_common()),
        dict(sorted(by_country.items())),
        proposals,
    )
