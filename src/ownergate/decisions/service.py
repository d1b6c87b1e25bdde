"""Deciding against a store: load the policy, lists, ownership graph and book, decide, record.

This is the library API the CLI, the HTTP service and monitoring call.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime

from ownergate import audit, changefeed
from ownergate.decisions import customers as book_store
from ownergate.decisions import judgements
from ownergate.decisions.customers import Customer
from ownergate.decisions.engine import Book, prepare
from ownergate.decisions.freshness import loaded_times, stale_lists
from ownergate.decisions.linking import Link, link_customers
from ownergate.decisions.verdict import Verdict, record
from ownergate.lists.repository import current_snapshot_ids, entries_as_of, snapshot_as_of
from ownergate.matching.index import build_index
from ownergate.matching.screen import index_for_store
from ownergate.monitor import outbox
from ownergate.ownership.graph import OwnershipGraph
from ownergate.ownership.repository import load_graph, load_upstream
from ownergate.policy.repository import DEFAULT_POLICY, policy_in_force
from ownergate.policy.repository import policy_name as policy_to_use
from ownergate.sources.registry import known_lists
from ownergate.store import Store, Transaction

__all__ = ["DEFAULT_POLICY", "decide", "decide_all", "known_list_ids", "open_book", "record_verdicts"]
#: up to this many customers, a book reads only their upstream cone of the stored graph
FEW = 50
#: up to this many nodes, only their rows of the owner-screening cache are read
FEW_NODES = 20_000


def known_list_ids(store: Store) -> set[str]:
    """Every list id a policy may name: the publishers' lists and any list loaded into the store."""
    return set(known_lists()) | set(current_snapshot_ids(store))


def open_book(
    store: Store,
    policy_name: str | None = None,
    as_of: datetime | None = None,
    customers: Sequence[Customer] | None = None,
    graph: OwnershipGraph | None = None,
    narrow: Callable[[OwnershipGraph, set[str]], OwnershipGraph] | None = None,
) -> Book:
    """Everything needed to decide ``customers`` (default: the whole book) now or as of a moment.

    ``policy_name`` None means the store's active policy (``ownergate policy activate``; the
    default ``anthropic`` when none is). With ``as_of``, the policy version, list snapshots,
    ownership edges and country data in force then are used, so the same inputs always give the
    same verdicts. ``graph`` stands in for the stored ownership graph (a caller that holds it
    already); ``narrow(graph, nodes)`` cuts it down to what can decide the customers' nodes
    (monitoring passes their upstream cone).
    """
    moment = as_of or datetime.now(UTC)
    on = moment.date()
    known = known_list_ids(store)
    with store.read() as tx:
        policy = policy_in_force(tx, policy_to_use(tx, policy_name), on, known)
        if customers is None:
            customers = book_store.all_customers(tx)
        judged = judgements.current(tx, [c.id for c in customers], as_of)
    if graph is None and len(customers) <= FEW:
        graph, links = _upstream_of(store, customers, on)
    else:
        if graph is None:
            graph = load_graph(store, as_of=on)
        with store.read() as tx:
            links = link_customers(tx, customers, _known(graph, customers))
    if narrow is not None:
        nodes = {c.entity_id for c in customers if c.entity_id} | {k.node_id for k in links.values() if k.node_id}
        graph = narrow(graph, nodes)
    if as_of is None:
        screener = index_for_store(store)
        snapshots: dict[str, object] = {"lists": current_snapshot_ids(store)}
    else:
        screener = build_index(entries_as_of(store, as_of))
        ids = {lid: snapshot_as_of(store, lid, as_of) for lid in current_snapshot_ids(store)}
        snapshots = {"lists": {k: v for k, v in ids.items() if v is not None}}
    key = json.dumps([snapshots, policy.deny_at], sort_keys=True)
    cache = _owner_cache(store, key, graph.node_ids if graph.n <= FEW_NODES else None)
    before = dict(cache)
    book = prepare(policy, screener, graph, customers, on, snapshots, links, cache, judgements=judged)
    _save_owner_cache(store, key, {k: v for k, v in cache.items() if before.get(k) != v})
    taken: dict[str, int] = snapshots["lists"]  # type: ignore[assignment]
    book.standing += stale_lists(policy, loaded_times(store, taken), moment)
    return book


def _known(graph: OwnershipGraph, customers: Sequence[Customer]) -> set[str]:
    """The customers' own entity ids that are nodes of ``graph`` (no set of every node is built)."""
    index = graph.index
    return {c.entity_id for c in customers if c.entity_id and c.entity_id in index}


def _upstream_of(store: Store, customers: Sequence[Customer], on: date) -> tuple[OwnershipGraph, dict[str, Link]]:
    """For a few customers: only the stored graph's upstream cone of their nodes, and their links.

    Deciding over the cone gives the verdicts the whole graph gives (every rule, the owners'
    screening and the contradiction checks look only upstream), at the cost of the cone.
    """
    own = {c.entity_id for c in customers if c.entity_id}
    graph = load_upstream(store, own, on)
    with store.read() as tx:
        links = link_customers(tx, customers, _known(graph, customers))
    linked = {k.node_id for k in links.values() if k.node_id} - set(graph.index)
    if linked:
        graph = load_upstream(store, own | linked, on)
    return graph, links


def _owner_cache(store: Store, key: str, nodes: Sequence[str] | None = None) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The owners screened already under ``key`` (only ``nodes``' rows when given)."""
    sql = "SELECT node_id, name, lists FROM owner_screening WHERE snapshot_key = ?"
    rows = []
    with store.read() as tx:
        if nodes is None:
            rows = tx.fetchall(sql, (key,))
        else:
            for start in range(0, len(nodes), 500):
                chunk = list(nodes[start : start + 500])
                marks = ", ".join("?" for _ in chunk)
                rows += tx.fetchall(f"{sql} AND node_id IN ({marks})", (key, *chunk))
    return {r[0]: (r[1], tuple(json.loads(r[2]))) for r in rows}


def _save_owner_cache(store: Store, key: str, new: dict[str, tuple[str, tuple[str, ...]]]) -> None:
    if not new:
        return
    with store.transaction() as tx:
        tx.executemany("DELETE FROM owner_screening WHERE node_id = ? AND snapshot_key = ?", [(n, key) for n in new])
        tx.executemany(
            "INSERT INTO owner_screening (node_id, snapshot_key, name, lists) VALUES (?, ?, ?, ?)",
            [(node, key, name, json.dumps(list(lists))) for node, (name, lists) in new.items()],
        )


def decide(store: Store, customer_id: str, policy_name: str | None = None, as_of: datetime | None = None) -> Verdict:
    """One customer's verdict (not recorded: see :func:`decide_and_record`)."""
    with store.read() as tx:
        customer = book_store.get_customer(tx, customer_id)
    book = open_book(store, policy_name, as_of, [customer])
    return book.decide(customer, datetime.now(UTC).isoformat(), as_of.isoformat() if as_of else None)


def decide_all(
    store: Store,
    policy_name: str | None = None,
    as_of: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Verdict]:
    """Every customer's verdict, in id order; ``progress(done, total)`` is called as it goes."""
    with store.read() as tx:
        customers = book_store.all_customers(tx)
    book = open_book(store, policy_name, as_of, customers)
    stamp = datetime.now(UTC).isoformat()
    for done, customer in enumerate(customers, 1):
        yield book.decide(customer, stamp, as_of.isoformat() if as_of else None)
        if progress is not None:
            progress(done, len(customers))


def record_verdicts(store: Store, verdicts: Sequence[Verdict], cause: str, actor: str = "system") -> list[str]:
    """Store verdicts as current; return the ids of customers whose verdict changed.

    Each change is appended to the audit log and, when the decision itself changed, becomes a
    ``decision.changed`` event in the outbox, all in the same transaction as the verdict.
    """
    change_id = None
    with store.transaction() as tx:
        changed = record_in(tx, verdicts, cause, actor)
        if changed:
            change_id = changefeed.record_change(tx, store, changed)
    if change_id is not None:
        changefeed.published(store, change_id)  # every replica's decision table follows
    return changed


def record_in(tx: Transaction, verdicts: Sequence[Verdict], cause: str, actor: str = "system") -> list[str]:
    """:func:`record_verdicts` inside the caller's transaction, without the change feed.

    The caller records the change (``changefeed.record_change``) in ``tx`` and publishes it after commit.
    """
    changed: list[str] = []
    now = datetime.now(UTC)
    for verdict in verdicts:
        previous = tx.scalar(
            "SELECT decision FROM decisions WHERE customer_id = ? AND is_current = 1", (verdict.customer,)
        )
        if not record(tx, verdict, cause, now):
            continue
        changed.append(verdict.customer)
        codes = sorted({r.code.value for r in verdict.reasons})
        details = {
            "from": previous,
            "to": verdict.decision.value,
            "reasons": codes,
            "policy": f"{verdict.policy}@{verdict.policy_version}",
            "cause": cause,
        }
        audit.append(
            tx, actor=actor, action="decision.recorded", subject=f"customer:{verdict.customer}", details=details
        )
        if previous != verdict.decision.value:
            outbox.enqueue(tx, "decision.changed", {"customer": verdict.customer, **details})
    return changed
