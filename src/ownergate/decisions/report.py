"""The book report: every customer's verdict with its reasons, ownership path, policy and list snapshots.

A single self-contained HTML file (inline SVG bar chart, print CSS, no script) that can be mailed,
archived or printed. It is rendered by Jinja2 from ``templates/report.html.j2`` with autoescaping
on, so names and messages from list files and customer books cannot inject markup.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from ownergate.clock import iso
from ownergate.decisions.verdict import Verdict
from ownergate.lists.model import SnapshotInfo

DECISIONS = ("deny", "review", "allow")  # the report's order: what needs attention first
_COLOURS = {"allow": "#2e7d32", "review": "#f9a825", "deny": "#c62828"}

_ENV = Environment(
    loader=PackageLoader("ownergate.decisions", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(slots=True)
class Summary:
    decisions: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    flagged: list[Verdict] = field(default_factory=list)  # deny and review verdicts

    def add(self, verdict: Verdict) -> None:
        self.decisions[verdict.decision.value] += 1
        for code in {r.code.value for r in verdict.reasons}:
            self.reasons[code] += 1
        if verdict.decision.value != "allow":
            self.flagged.append(verdict)

    @property
    def total(self) -> int:
        return sum(self.decisions.values())


def summarise(verdicts: Iterable[Verdict]) -> Summary:
    summary = Summary()
    for v in verdicts:
        summary.add(v)
    return summary


def _bars(summary: Summary) -> list[dict[str, Any]]:
    """The chart's bars, longest 300 px, in the fixed order allow, review, deny."""
    counts = [(d, summary.decisions.get(d, 0)) for d in ("allow", "review", "deny")]
    peak = max((n for _, n in counts), default=0) or 1
    return [
        {"label": d, "count": n, "length": int(300 * n / peak), "y": k * 36, "colour": _COLOURS[d]}
        for k, (d, n) in enumerate(counts)
    ]


def _row(verdict: Verdict, names: Mapping[str, str]) -> dict[str, Any]:
    paths = [r.evidence["path"] for r in verdict.reasons if isinstance(r.evidence.get("path"), str)]
    return {
        "id": verdict.customer,
        "name": names.get(verdict.customer, ""),
        "decision": verdict.decision.value,
        "reasons": [(r.code.value, r.message) for r in verdict.reasons],
        "paths": list(dict.fromkeys(paths)),
        "policy": f"{verdict.policy} {verdict.policy_version}",
        "decided_at": verdict.decided_at,
        "as_of": verdict.as_of,
    }


def _snapshot_rows(verdicts: Sequence[Verdict], known: Mapping[int, SnapshotInfo]) -> list[dict[str, Any]]:
    """Every (list, snapshot) some verdict was decided against, with what the store knows of it."""
    used: set[tuple[str, int]] = set()
    for v in verdicts:
        lists = v.snapshots.get("lists", {})
        used |= {(str(lid), int(sid)) for lid, sid in lists.items()} if isinstance(lists, dict) else set()
    rows = []
    for list_id, snapshot_id in sorted(used):
        info = known.get(snapshot_id)
        rows.append(
            {
                "list": list_id,
                "snapshot": snapshot_id,
                "entries": "" if info is None else info.entries,
                "published": (info.published if info is not None else None) or "-",
                "loaded_at": "-" if info is None else info.loaded_at,
                "files": "" if info is None else ", ".join(info.source_files),
            }
        )
    return rows


def _strings(verdicts: Sequence[Verdict], key: str) -> list[str]:
    found: set[str] = set()
    for v in verdicts:
        value = v.snapshots.get(key)
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, list):
            found |= {str(x) for x in value}
    return sorted(found)


def render_html(
    verdicts: Sequence[Verdict],
    title: str,
    names: Mapping[str, str] | None = None,
    snapshots: Iterable[SnapshotInfo] = (),
    generated_at: datetime | None = None,
) -> str:
    """The whole report: every verdict (deny, then review, then allow), with the data it was decided on."""
    names = names or {}
    summary = summarise(verdicts)
    rank = {d: k for k, d in enumerate(DECISIONS)}
    ordered = sorted(verdicts, key=lambda v: (rank.get(v.decision.value, -1), v.customer))
    decided = sorted(v.decided_at for v in verdicts)
    return _ENV.get_template("report.html.j2").render(
        title=title,
        generated_at=iso(generated_at or datetime.now(UTC)),
        summary=summary,
        total=summary.total,
        counts={d: summary.decisions.get(d, 0) for d in DECISIONS},
        bars=_bars(summary),
        reasons=summary.reasons.most_common(),
        customers=[_row(v, names) for v in ordered],
        policies=sorted({f"{v.policy} {v.policy_version}" for v in verdicts}),
        decided_from=decided[0] if decided else "-",
        decided_to=decided[-1] if decided else "-",
        as_of=sorted({v.as_of for v in verdicts if v.as_of}),
        snapshots=_snapshot_rows(verdicts, {s.snapshot_id: s for s in snapshots}),
        missing_lists=_strings(verdicts, "missing_lists"),
        country_data=_strings(verdicts, "unsupported_regions"),
    )
