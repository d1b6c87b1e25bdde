"""The watch cycle: update the lists, find what changed since the last run, re-decide exactly the
customers it can affect, store the run report, and (optionally) deliver webhooks.

What "since the last run" means is kept in ``monitor_marks`` (each list's snapshot, the last
ownership edge id, when entities and overrides were last looked at). Marks move only in the
transaction that finishes a run, together with the run report and its ``monitor.run`` audit
record, so a cycle killed half way is simply done again by the next one: verdicts it recorded
already repeat and are not recorded (or announced) twice.

A lease in ``monitor_lock`` keeps two watchers from running a cycle at once; a holder that died
(its process is gone on this host, or its lease ran out) is taken over and its run marked failed.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ownergate import audit
from ownergate.clock import Clock, SystemClock
from ownergate.decisions import customers as book_store
from ownergate.decisions import overrides
from ownergate.decisions.customers import Customer
from ownergate.decisions.linking import link_customers
from ownergate.decisions.service import known_list_ids
from ownergate.errors import ConflictError
from ownergate.lists.update import update as update_lists
from ownergate.matching.screen import index_for_store
from ownergate.monitor.redecide import (
    BATCH,
    affected_by_lists,
    citing,
    downstream,
    list_changes,
    on_nodes,
    redecide,
)
from ownergate.monitor.report import RunReport, save
from ownergate.ownership.repository import load_graph
from ownergate.policy.repository import active_policy, policy_in_force
from ownergate.store import Store, Transaction

#: how long a watcher holds the lock without renewing it
LEASE = timedelta(minutes=15)


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(holder: str) -> bool:
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another host: trust its lease
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def acquire(store: Store, holder: str, now: datetime, lease: timedelta = LEASE) -> None:
    """Take the watch lock, or raise :class:`ConflictError` naming who holds it."""
    lock = " FOR UPDATE" if store.dialect == "postgresql" else ""
    with store.transaction() as tx:
        row = tx.fetchone(f"SELECT holder, expires_at FROM monitor_lock WHERE name = 'watch'{lock}")  # noqa: S608
        assert row is not None
        current, expires = row
        if current is not None and current != holder and expires > now.isoformat() and _alive(current):
            raise ConflictError(f"another watcher ({current}) is running a cycle until {expires}")
        if current is not None:  # taken over: its unfinished run failed
            tx.execute(
                "UPDATE monitor_runs SET status = 'failed', finished_at = ?, summary = 'interrupted'"
                " WHERE status = 'running' AND holder = ?",
                (now.isoformat(), current),
            )
        tx.execute(
            "UPDATE monitor_lock SET holder = ?, expires_at = ? WHERE name = 'watch'",
            (holder, (now + lease).isoformat()),
        )


def renew(store: Store, holder: str, now: datetime, lease: timedelta = LEASE) -> None:
    with store.transaction() as tx:
        tx.execute(
            "UPDATE monitor_lock SET expires_at = ? WHERE name = 'watch' AND holder = ?",
            ((now + lease).isoformat(), holder),
        )


def release(store: Store, holder: str) -> None:
    with store.transaction() as tx:
        tx.execute(
            "UPDATE monitor_lock SET holder = NULL, expires_at = NULL WHERE name = 'watch' AND holder = ?", (holder,)
        )


# -- marks -------------------------------------------------------------------------------------


def _marks(tx: Transaction) -> dict[str, str]:
    return {k: v for k, v in tx.fetchall("SELECT name, value FROM monitor_marks")}


def _set_marks(tx: Transaction, marks: dict[str, str]) -> None:
    for name, value in marks.items():
        tx.execute("DELETE FROM monitor_marks WHERE name = ?", (name,))
        tx.execute("INSERT INTO monitor_marks (name, value) VALUES (?, ?)", (name, value))


def _decided_against(tx: Transaction) -> dict[str, int]:
    """Per list, the oldest snapshot any current verdict was decided against (the baseline of a first run)."""
    oldest: dict[str, int] = {}
    for (text,) in tx.fetchall("SELECT DISTINCT snapshots FROM decisions WHERE is_current = 1"):
        for list_id, snapshot in json.loads(text).get("lists", {}).items():
            oldest[list_id] = min(int(snapshot), oldest.get(list_id, int(snapshot)))
    return oldest


# -- one cycle ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Plan:
    """Customer id -> the causes of its re-decision, and what the report says about them."""

    causes: dict[str, set[str]]
    marks: dict[str, str]
    touched: set[tuple[str, str]]


def _add(causes: dict[str, set[str]], ids: list[str] | set[str], cause: str) -> None:
    for cid in ids:
        causes.setdefault(cid, set()).add(cause)


def plan(store: Store, report: RunReport, customers: list[Customer], policy_name: str, now: datetime) -> Plan:
    """Everything that changed since the last run, and the customers each change can affect."""
    with store.read() as tx:
        marks = _marks(tx)
        baseline = _decided_against(tx)
        policy = policy_in_force(tx, policy_name, now.date(), known_list_ids(store))
        sql = "SELECT DISTINCT policy_version FROM decisions WHERE is_current = 1 AND policy = ?"
        versions = {r[0] for r in tx.fetchall(sql, (policy_name,))}
        decided = {r[0] for r in tx.fetchall("SELECT customer_id FROM decisions WHERE is_current = 1")}
        # decided under another policy (one activated since): re-decided under this one
        elsewhere = {
            r[0]
            for r in tx.fetchall(
                "SELECT customer_id FROM decisions WHERE is_current = 1 AND policy <> ?", (policy_name,)
            )
        }
    causes: dict[str, set[str]] = {}
    new_marks: dict[str, str] = {}
    since = {lid: int(v) for k, v in marks.items() if k.startswith("list:") for lid in [k[5:]]}
    since = {**baseline, **since} if decided else {}
    changes = list_changes(store, since) if decided else []
    touched: set[tuple[str, str]] = set()
    if changes:
        index = index_for_store(store)
        for found in (affected_by_lists(changes, customers, index, policy.review_at), citing(store, changes)):
            for cid, why in found.items():
                causes.setdefault(cid, set()).update(why)
        for change in changes:
            touched |= change.touched()
            report.lists.append(change.as_json())
    from ownergate.lists.repository import current_snapshot_ids

    current = current_snapshot_ids(store)
    new_marks |= {f"list:{lid}": str(sid) for lid, sid in current.items()}
    if not marks:
        report.notes.append(_baseline_note(current, baseline if decided else {}))
    new_marks |= _ownership(store, marks, customers, causes, report, bool(decided))
    if decided and versions - {policy.version}:
        report.policy = f"{policy.name}@{policy.version}"
        _add(causes, [c.id for c in customers], f"policy:{report.policy}")
    if elsewhere:
        report.policy = f"{policy.name}@{policy.version}"
        _add(causes, [c.id for c in customers if c.id in elsewhere], f"policy:{report.policy}")
    new_marks |= _overrides(store, marks, now, causes, report)
    _add(causes, [c.id for c in customers if c.id not in decided], "new-customer")
    return Plan(causes, new_marks, touched)


def _baseline_note(current: dict[str, int], decided_against: dict[str, int]) -> str:
    """What a first run takes as "the last run": said aloud, since later runs report only what changed after it."""
    now = ", ".join(f"{lid}@{sid}" for lid, sid in sorted(current.items())) or "none loaded"
    if not decided_against:
        return (
            f"first run, no verdicts yet: baseline taken from the current lists ({now}), ownership data and"
            " overrides; every customer is decided as new; later runs report changes since this run"
        )
    then = ", ".join(f"{lid}@{sid}" for lid, sid in sorted(decided_against.items()))
    return (
        f"first run: lists compared with the snapshots the current verdicts cite ({then}); baseline taken from"
        " the current ownership data and overrides; later runs report changes since this run"
    )


def _ownership(
    store: Store,
    marks: dict[str, str],
    customers: list[Customer],
    causes: dict[str, set[str]],
    report: RunReport,
    decided: bool,
) -> dict[str, str]:
    """Edges added or removed since the last run (by id) and entities updated since it: their downstream customers."""
    last_edge = int(marks.get("ownership:edge", "0"))
    last_removal = int(marks.get("ownership:removal", "0"))
    entities_at = marks.get("ownership:entities", "")
    with store.read() as tx:
        top = int(tx.scalar("SELECT COALESCE(MAX(id), 0) FROM ownership_edges"))
        removal_top = int(tx.scalar("SELECT COALESCE(MAX(id), 0) FROM ownership_edge_removals"))
        entity_top = tx.scalar("SELECT COALESCE(MAX(updated_at), '') FROM ownership_entities")
        seen = {"ownership:edge": str(top), "ownership:removal": str(removal_top), "ownership:entities": entity_top}
        if not decided or "ownership:edge" not in marks:
            return seen
        rows = tx.fetchall("SELECT owned_id, source_file FROM ownership_edges WHERE id > ?", (last_edge,))
        rows += tx.fetchall("SELECT owned_id, source_file FROM ownership_edge_removals WHERE id > ?", (last_removal,))
        rows += tx.fetchall("SELECT id, source FROM ownership_entities WHERE updated_at > ?", (entities_at,))
    if rows:
        by_source: dict[str, set[str]] = {}
        for node, source in rows:
            by_source.setdefault(source or "ownership", set()).add(node)
        graph = load_graph(store)
        with store.read() as tx:
            links = link_customers(
                tx, customers, {c.entity_id for c in customers if c.entity_id and c.entity_id in graph.index}
            )
        for source, nodes in sorted(by_source.items()):
            below = downstream(graph, nodes)
            report.ownership.append({"source": source, "nodes": len(nodes), "downstream": len(below)})
            _add(causes, on_nodes(customers, below, links), f"ownership:{source}")
    return seen


def _overrides(
    store: Store, marks: dict[str, str], now: datetime, causes: dict[str, set[str]], report: RunReport
) -> dict[str, str]:
    """Approved overrides that lapsed since the last run: their customers, announced at finish."""
    last = marks.get("overrides")
    if last is not None:
        with store.read() as tx:
            found = overrides.lapsed(tx, last, now)
        for o in found:
            report.overrides.append({"override": o.id, "customer": o.customer_id, "event": "lapsed"})
            _add(causes, [o.customer_id], f"override-lapsed:#{o.id}")
    return {"overrides": now.isoformat()}


def run_cycle(
    store: Store,
    *,
    policy_name: str | None = None,
    from_dir: Path | None = None,
    update: bool = True,
    offline: bool = False,
    clock: Clock | None = None,
    deliver: Callable[[Store], dict[str, int]] | None = None,
    batch: int = BATCH,
    holder: str | None = None,
) -> RunReport:
    """One watch cycle under the lock; returns its (stored) report."""
    clock = clock or SystemClock()
    holder = holder or holder_id()
    acquire(store, holder, clock.now())
    try:
        return _cycle(store, policy_name, from_dir, update, offline, clock, deliver, batch, holder)
    finally:
        release(store, holder)


def _cycle(
    store: Store,
    policy_name: str | None,
    from_dir: Path | None,
    update: bool,
    offline: bool,
    clock: Clock,
    deliver: Callable[[Store], dict[str, int]] | None,
    batch: int,
    holder: str,
) -> RunReport:
    started = clock.now()
    with store.transaction() as tx:
        row = tx.fetchone(
            "INSERT INTO monitor_runs (started_at, status, holder) VALUES (?, 'running', ?) RETURNING id",
            (started.isoformat(), holder),
        )
    assert row is not None
    report = RunReport(int(row[0]), started.isoformat())
    try:
        if update:
            loaded = update_lists(store, from_dir=from_dir, offline=offline)
            report.notes += [*loaded.notes, *(f"failed: {f}" for f in loaded.failures)]
        with store.read() as tx:
            customers = book_store.all_customers(tx)
            if policy_name is None:  # the store's active policy, read each cycle
                active = active_policy(tx)
                policy_name = active.name
                if not active.activated:
                    report.notes.append(f"policy: {active.describe()}")
        work = plan(store, report, customers, policy_name, clock.now())
        chosen = [c for c in customers if c.id in work.causes]
        causes = {cid: "; ".join(sorted(why)) for cid, why in work.causes.items()}
        outcome = redecide(
            store, chosen, causes, policy_name, touched=work.touched, batch=batch,
            after_batch=lambda _done: renew(store, holder, clock.now()),
        )  # fmt: skip
        report.redecided, report.recorded = len(outcome.redecided), len(outcome.recorded)
        report.changes = [c.as_json() for c in outcome.changes]
        report.finished_at, report.status = clock.now().isoformat(), "done"
        _finish(store, report, work.marks)
    except BaseException:
        with store.transaction() as tx:
            tx.execute(
                "UPDATE monitor_runs SET status = 'failed', finished_at = ? WHERE id = ?",
                (clock.now().isoformat(), report.run_id),
            )
        raise
    if deliver is not None:
        report.delivered = deliver(store)
    return report


def _finish(store: Store, report: RunReport, marks: dict[str, str]) -> None:
    with store.transaction() as tx:
        _set_marks(tx, marks)
        for o in report.overrides:
            o["event"] = "lapsed"
            overrides.lapse(tx, o["override"], o["customer"])
        save(tx, report)
        audit.append(
            tx, actor="monitor", action="monitor.run", subject=f"run:{report.run_id}", details=report.summary()
        )


def watch(
    store: Store,
    every: timedelta,
    *,
    clock: Clock | None = None,
    cycles: int | None = None,
    on_report: Callable[[RunReport], None] | None = None,
    **options: object,
) -> None:
    """Run a cycle every ``every`` (``cycles`` of them, or forever); a busy lock skips a turn
    (a single cycle raises :class:`ConflictError` instead)."""
    clock = clock or SystemClock()
    done = 0
    while cycles is None or done < cycles:
        began = clock.now()
        try:
            result = run_cycle(store, clock=clock, **options)  # type: ignore[arg-type]
        except ConflictError:
            if cycles == 1:
                raise
            result = None
        if result is not None and on_report is not None:
            on_report(result)
        done += 1
        if cycles is None or done < cycles:
            clock.sleep(max(0.0, (began + every - clock.now()).total_seconds()))
