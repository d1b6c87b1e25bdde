"""What a change can affect, and re-deciding exactly those customers.

- A list change (:func:`list_changes`, the net difference between the snapshot the book was last
  decided against and the current one): the customers whose screening candidates touch an added,
  removed or changed entry. Every customer name, other name and declared owner name is screened
  against a small index of just those entries (both versions of a changed one, the old version of
  a removed one), scored with the full index's token weights so scores agree with deciding, at a
  margin below the policy's review threshold; customers whose current verdict cites a touched
  entry are added too (:func:`affected_by_lists`).
- An ownership change (:func:`downstream`): every node downstream of a changed node or of the
  owned end of a changed edge (a breadth-first walk over the CSR out-edges); the customers on those
  nodes are re-decided against their upstream cone only (:func:`upstream_subgraph`).
- A policy version change: every customer under that policy.

:func:`redecide` decides a set of customers against one prepared book and records the verdicts
in batches (:func:`ownergate.decisions.service.record_verdicts`: history, audit, outbox, replicas),
each batch with its cause. A batch is one transaction, so a run killed half way leaves whole
verdicts only, and running it again records nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from ownergate.decisions.customers import Customer
from ownergate.decisions.engine import Book, customer_identifiers
from ownergate.decisions.linking import Link
from ownergate.decisions.service import open_book, record_verdicts
from ownergate.lists.repository import current_snapshot_ids, diff, entries_at, get_entry
from ownergate.matching.index import ScreeningIndex
from ownergate.ownership.graph import OwnershipGraph, reachable
from ownergate.sources.model import Entry
from ownergate.store import Store

#: how far below the policy's review threshold a small-index hit still marks a customer affected
MARGIN = 0.05
#: verdicts recorded per transaction
BATCH = 500


@dataclass(slots=True)
class ListChange:
    """The net change of one list between two snapshots (``from_snapshot`` None: never seen)."""

    list_id: str
    from_snapshot: int | None
    to_snapshot: int
    added: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)  # the old versions
    changed: list[tuple[Entry, Entry]] = field(default_factory=list)  # (old, new)

    @property
    def cause(self) -> str:
        return f"list:{self.list_id}@snapshot {self.to_snapshot}"

    def touched(self) -> set[tuple[str, str]]:
        ids = [e.entry_id for e in self.added] + [e.entry_id for e in self.removed]
        ids += [new.entry_id for _, new in self.changed]
        return {(self.list_id, i) for i in ids}

    def entries(self) -> list[Entry]:
        """Every version a customer could have matched or may now match."""
        return [*self.added, *self.removed, *(e for pair in self.changed for e in pair)]

    def as_json(self) -> dict[str, Any]:
        return {
            "list": self.list_id,
            "from_snapshot": self.from_snapshot,
            "to_snapshot": self.to_snapshot,
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
        }


def list_changes(store: Store, since: Mapping[str, int | None]) -> list[ListChange]:
    """The lists whose current snapshot differs from ``since[list_id]``, each with its net change."""
    out = []
    for list_id, current in sorted(current_snapshot_ids(store).items()):
        base = since.get(list_id)
        if base == current:
            continue
        step = diff(store, current)
        if base is not None and step.from_snapshot == base:  # one load since: its recorded diff
            change = ListChange(list_id, base, current)
            change.added = [get_entry(store, list_id, i, current) for i in step.added]
            change.removed = [get_entry(store, list_id, i, base) for i in step.removed]
            change.changed = [(get_entry(store, list_id, i, base), get_entry(store, list_id, i, current))
                              for i in step.changed]  # fmt: skip
        else:
            change = _net_change(store, list_id, base, current)
        out.append(change)
    return out


def _net_change(store: Store, list_id: str, base: int | None, current: int) -> ListChange:
    """Several loads (or none seen) since ``base``: compare the two snapshots' entry versions."""
    new = {e.entry_id: e for e in entries_at(store, current)}
    old = {e.entry_id: e for e in entries_at(store, base)} if base is not None else {}
    change = ListChange(list_id, base, current)
    change.added = [e for i, e in new.items() if i not in old]
    change.removed = [e for i, e in old.items() if i not in new]
    change.changed = [
        (old[i], e) for i, e in new.items() if i in old and old[i].provenance.snapshot_id != e.provenance.snapshot_id
    ]
    return change


def small_index(entries: Sequence[Entry], weights_from: ScreeningIndex) -> ScreeningIndex:
    """An index over ``entries`` that scores exactly as ``weights_from`` does (same token weights)."""
    return ScreeningIndex(entries, weights=weights_from.weights)


def affected_by_lists(
    changes: Sequence[ListChange], customers: Sequence[Customer], full: ScreeningIndex, review_at: float
) -> dict[str, set[str]]:
    """Customer id -> the causes (one per list) of the changes its names may match."""
    affected: dict[str, set[str]] = {}
    entries = [e for c in changes for e in c.entries()]
    if not entries:
        return affected
    index = small_index(entries, full)
    cause_of = {e.list_id: c.cause for c in changes for e in c.entries()}
    threshold = max(0.0, review_at - MARGIN)
    for customer in customers:
        names = [(n, customer.country) for n in (customer.name, *customer.other_names)]
        names += [(o.name, o.country) for o in customer.owners]
        for name, country in names:
            for hit in index.search(
                name, country=country, identifiers=customer_identifiers(customer), threshold=threshold, limit=5
            ):
                affected.setdefault(customer.id, set()).add(cause_of[hit.list_id])
    return affected


def citing(store: Store, changes: Sequence[ListChange]) -> dict[str, set[str]]:
    """Customers whose current verdict cites a removed or changed entry in its evidence."""
    wanted = {(c.list_id, e.entry_id): c.cause for c in changes for e in [*c.removed, *(new for _, new in c.changed)]}
    found: dict[str, set[str]] = {}
    if not wanted:
        return found
    list_ids = {lid for lid, _ in wanted}
    with store.read() as tx:
        for customer_id, reasons in tx.iterate("SELECT customer_id, reasons FROM decisions WHERE is_current = 1"):
            if not any(lid in reasons for lid in list_ids):
                continue
            for reason in json.loads(reasons):
                evidence = reason.get("evidence") or {}
                key = (evidence.get("list"), str(evidence.get("entry_id")))
                if key in wanted:
                    found.setdefault(customer_id, set()).add(wanted[key])
    return found


# -- ownership ---------------------------------------------------------------------------------


def downstream(graph: OwnershipGraph, node_ids: Iterable[str]) -> set[str]:
    """The changed nodes and every node they own, directly or indirectly (unknown ids are skipped)."""
    index = graph.index
    start = [index[n] for n in node_ids if n in index]
    if not start:
        return set()
    ids = graph.node_ids
    return {ids[i] for i in np.flatnonzero(reachable(graph, start, forward=True)).tolist()}


def upstream_subgraph(graph: OwnershipGraph, node_ids: Iterable[str]) -> OwnershipGraph:
    """The part of ``graph`` that can decide ``node_ids``: those nodes, every owner above them, their edges."""
    index = graph.index
    start = [index[n] for n in node_ids if n in index]
    keep = reachable(graph, start, forward=False) if start else np.zeros(graph.n, np.bool_)
    nodes = np.flatnonzero(keep)
    remap = np.full(graph.n, -1, np.int64)
    remap[nodes] = np.arange(nodes.size)
    edges = np.flatnonzero(keep[graph.owned] & keep[graph.owner])
    codes = np.asarray([c or None for c in graph.country_codes], dtype=object)
    node_list = nodes.tolist()
    sub = OwnershipGraph.from_edges(
        [graph.node_ids[i] for i in node_list],
        remap[graph.owner[edges]],
        remap[graph.owned[edges]],
        graph.share_min[edges],
        graph.share_max[edges],
        kind=graph.edge_kind[edges],
        valid_from=graph.valid_from[edges],
        valid_to=graph.valid_to[edges],
        sources=[graph.source(int(e)) for e in edges.tolist()],
        names=[graph.names[i] for i in node_list] if graph.names is not None else None,
        hq_country=list(codes[graph.hq_code[nodes]]),
        incorporation_country=list(codes[graph.inc_code[nodes]]),
        lists={int(remap[i]): v for i, v in graph.lists.items() if keep[i]},
        node_kind=[graph.node_kind[i] for i in node_list] if graph.node_kind is not None else None,
        nationality={int(remap[i]): v for i, v in graph.nationality.items() if keep[i]},
        residence={int(remap[i]): v for i, v in graph.residence.items() if keep[i]},
    )
    return sub


def on_nodes(customers: Sequence[Customer], nodes: set[str], links: Mapping[str, Link] | None = None) -> list[str]:
    """The customers that stand on one of ``nodes``: named by ``entity_id`` or linked (LEI, registration)."""
    found = []
    for c in customers:
        link = links.get(c.id) if links else None
        node = c.entity_id if c.entity_id in nodes or link is None else link.node_id
        if node is not None and node in nodes:
            found.append(c.id)
    return found


# -- re-deciding -------------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class VerdictChange:
    """One customer whose decision or reasons changed: from what, to what, why."""

    customer: str
    name: str
    before: str | None  # None: never decided before
    after: str
    codes: tuple[str, ...]
    cause: str
    evidence: tuple[dict[str, Any], ...]  # the reasons that cite a touched entry (else every reason)

    def as_json(self) -> dict[str, Any]:
        return {
            "customer": self.customer,
            "name": self.name,
            "from": self.before,
            "to": self.after,
            "reasons": list(self.codes),
            "cause": self.cause,
            "evidence": list(self.evidence),
        }


@dataclass(slots=True)
class Outcome:
    redecided: list[str] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)  # a new verdict row was written
    changes: list[VerdictChange] = field(default_factory=list)  # decision or reason codes changed


def _current(store: Store, ids: Sequence[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    with store.read() as tx:
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            rows = tx.fetchall(
                "SELECT customer_id, decision, reasons FROM decisions WHERE is_current = 1"  # noqa: S608
                f" AND customer_id IN ({', '.join('?' * len(part))})",
                part,
            )
            for cid, decision, reasons in rows:
                out[cid] = (decision, tuple(sorted({r["code"] for r in json.loads(reasons)})))
    return out


def _evidence(reasons: Sequence[Any], touched: set[tuple[str, str]]) -> tuple[dict[str, Any], ...]:
    def brief(r: Any) -> dict[str, Any]:
        evidence = {k: v for k, v in r.evidence.items() if k != "explanation"}
        return {"code": r.code.value, "message": r.message, "evidence": evidence}

    cited = [r for r in reasons if (r.evidence.get("list"), str(r.evidence.get("entry_id"))) in touched]
    return tuple(brief(r) for r in (cited or reasons))


def redecide(
    store: Store,
    customers: Sequence[Customer],
    causes: Mapping[str, str],
    policy_name: str,
    *,
    graph: OwnershipGraph | None = None,
    touched: set[tuple[str, str]] | None = None,
    batch: int = BATCH,
    actor: str = "monitor",
    after_batch: Callable[[int], None] | None = None,
) -> Outcome:
    """Decide ``customers`` now and record each verdict with ``causes[customer id]``.

    ``graph`` (the full ownership graph; loaded when None) is cut down to the upstream cone of the
    customers' nodes (named, or linked by LEI or registration number) first, so an ownership change
    re-decides its cone without resolving the whole graph.
    """
    outcome = Outcome()
    if not customers:
        return outcome
    book = open_book(store, policy_name, None, customers, graph=graph, narrow=upstream_subgraph)
    before = _current(store, [c.id for c in customers])
    stamp = datetime.now(UTC).isoformat()
    for start in range(0, len(customers), batch):
        _record_batch(
            store, book, customers[start : start + batch], causes, before, touched or set(), stamp, actor, outcome
        )
        if after_batch is not None:
            after_batch(start + batch)
    return outcome


def _record_batch(
    store: Store,
    book: Book,
    part: Sequence[Customer],
    causes: Mapping[str, str],
    before: Mapping[str, tuple[str, tuple[str, ...]]],
    touched: set[tuple[str, str]],
    stamp: str,
    actor: str,
    outcome: Outcome,
) -> None:
    verdicts = {c.id: book.decide(c, stamp) for c in part}
    by_cause: dict[str, list[str]] = {}
    for c in part:
        by_cause.setdefault(causes[c.id], []).append(c.id)
    for cause, ids in by_cause.items():  # one transaction each: whole verdicts, never half of one
        outcome.recorded += record_verdicts(store, [verdicts[i] for i in ids], cause, actor)
    names = {c.id: c.name for c in part}
    for cid, verdict in verdicts.items():
        outcome.redecided.append(cid)
        codes = tuple(sorted({r.code.value for r in verdict.reasons}))
        previous = before.get(cid)
        if previous is not None and previous == (verdict.decision.value, codes):
            continue
        outcome.changes.append(
            VerdictChange(
                cid,
                names[cid],
                previous[0] if previous else None,
                verdict.decision.value,
                codes,
                causes[cid],
                _evidence(verdict.reasons, touched),
            )
        )
