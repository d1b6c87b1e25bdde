"""Run reports: what one watch cycle saw changed and which customers changed verdict, and why.

A report is stored as JSON in ``monitor_runs.report`` when its run finishes (in the same
transaction as the run's marks and its ``monitor.run`` audit record), and printed as JSON or text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ownergate.errors import NotFoundError
from ownergate.store import Store, Transaction


@dataclass(slots=True)
class RunReport:
    run_id: int
    started_at: str
    finished_at: str | None = None
    status: str = "running"
    lists: list[dict[str, Any]] = field(default_factory=list)  # ListChange.as_json() of each changed list
    ownership: list[dict[str, Any]] = field(default_factory=list)  # {"source", "nodes", "downstream"}
    policy: str | None = None  # "name@version" when the policy version changed
    overrides: list[dict[str, Any]] = field(default_factory=list)  # {"override", "customer", "event"}
    redecided: int = 0
    recorded: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)  # VerdictChange.as_json()
    notes: list[str] = field(default_factory=list)
    delivered: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The part appended to the audit log: counts and the changed customers, without evidence."""
        return {
            "run": self.run_id,
            "lists": self.lists,
            "ownership_sources": [o["source"] for o in self.ownership],
            "policy": self.policy,
            "overrides": [o["override"] for o in self.overrides],
            "redecided": self.redecided,
            "changed": [[c["customer"], c["from"], c["to"]] for c in self.changes],
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "status": self.status,
            "lists": self.lists,
            "ownership": self.ownership,
            "policy": self.policy,
            "overrides": self.overrides,
            "redecided": self.redecided,
            "recorded": self.recorded,
            "changes": self.changes,
            "notes": self.notes,
            "delivered": self.delivered,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunReport:
        data = dict(data)
        run_id = data.pop("run")
        return cls(run_id=run_id, **data)


def save(tx: Transaction, report: RunReport) -> None:
    tx.execute(
        "UPDATE monitor_runs SET finished_at = ?, status = ?, summary = ?, report = ? WHERE id = ?",
        (
            report.finished_at,
            report.status,
            headline(report),
            json.dumps(report.as_json(), ensure_ascii=False, default=str),
            report.run_id,
        ),
    )


def headline(report: RunReport) -> str:
    lists = ", ".join(f"{c['list']} +{c['added']} -{c['removed']} ~{c['changed']}" for c in report.lists)
    parts = [f"lists: {lists}" if lists else "lists: no change"]
    if report.ownership:
        parts.append(f"ownership: {len(report.ownership)} source(s)")
    if report.policy:
        parts.append(f"policy {report.policy}")
    if report.overrides:
        parts.append(f"{len(report.overrides)} override(s) started or lapsed")
    parts.append(f"{report.redecided} re-decided, {len(report.changes)} changed verdict")
    return "; ".join(parts)


def runs(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    """The latest runs, newest first: id, times, status, holder and headline."""
    with store.read() as tx:
        rows = tx.fetchall(
            "SELECT id, started_at, finished_at, status, holder, summary FROM monitor_runs ORDER BY id DESC LIMIT ?",
            (limit,),
        )
    keys = ("run", "started_at", "finished_at", "status", "holder", "summary")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def get(store: Store, run_id: int | None = None) -> RunReport:
    """One run's report (the latest run's when ``run_id`` is None)."""
    with store.read() as tx:
        if run_id is None:
            row = tx.fetchone("SELECT id, started_at, status, report FROM monitor_runs ORDER BY id DESC LIMIT 1")
        else:
            row = tx.fetchone("SELECT id, started_at, status, report FROM monitor_runs WHERE id = ?", (run_id,))
    if row is None:
        raise NotFoundError("no watch run yet" if run_id is None else f"no watch run {run_id}")
    data = json.loads(row[3])
    if not data:  # a run that never finished: only its row
        return RunReport(int(row[0]), row[1], status=row[2])
    return RunReport.from_json(data)


def render(report: RunReport) -> str:
    """The report as text for people."""
    lines = [f"run {report.run_id} ({report.status}) {report.started_at} -> {report.finished_at or '-'}"]
    for c in report.lists:
        lines.append(
            f"  list {c['list']}: snapshot {c['from_snapshot'] or '-'} -> {c['to_snapshot']}:"
            f" +{c['added']} added, -{c['removed']} removed, ~{c['changed']} changed"
        )
    for o in report.ownership:
        lines.append(f"  ownership {o['source']}: {o['nodes']} node(s) changed, {o['downstream']} downstream")
    if report.policy:
        lines.append(f"  policy now {report.policy}")
    for o in report.overrides:
        lines.append(f"  override #{o['override']} {o['event']} (customer {o['customer']})")
    lines.append(f"  re-decided {report.redecided} customer(s); {len(report.changes)} changed verdict")
    for ch in report.changes:
        lines.append(f"    {ch['customer']} {ch['name']}: {ch['from'] or 'new'} -> {ch['to']} ({ch['cause']})")
        for ev in ch["evidence"]:
            lines.append(f"      [{ev['code']}] {ev['message']}")
    for note in report.notes:
        lines.append(f"  note: {note}")
    if report.delivered:
        lines.append("  webhooks: " + ", ".join(f"{k} {v}" for k, v in sorted(report.delivered.items())))
    return "\n".join(lines)
