"""The book report: counts per decision and reason, a bar chart, and one row per denied or review customer.

A single self-contained HTML file (inline SVG, no script) that can be mailed or archived.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from ownergate.decisions.verdict import Verdict

_COLOURS = {"allow": "#2e7d32", "review": "#f9a825", "deny": "#c62828"}


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


def _chart(summary: Summary) -> str:
    bars = [(d, summary.decisions.get(d, 0)) for d in ("allow", "review", "deny")]
    peak = max((n for _, n in bars), default=0) or 1
    width, bar_h, gap = 420, 26, 10
    rows = []
    for k, (label, count) in enumerate(bars):
        y = k * (bar_h + gap)
        length = int(300 * count / peak)
        rows.append(
            f'<text x="0" y="{y + 18}" font-size="14">{label}</text>'
            f'<rect x="70" y="{y}" width="{length}" height="{bar_h}" fill="{_COLOURS[label]}">'
            f"<title>{label}: {count}</title></rect>"
            f'<text x="{76 + length}" y="{y + 18}" font-size="14">{count}</text>'
        )
    height = len(bars) * (bar_h + gap)
    return (
        f'<svg role="img" aria-label="verdicts per decision" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(rows)}</svg>'
    )


def render_html(summary: Summary, title: str) -> str:
    reason_rows = "".join(
        f"<tr><td>{escape(code)}</td><td>{count}</td></tr>" for code, count in summary.reasons.most_common()
    )
    flagged_rows = "".join(
        "<tr>"
        f"<td>{escape(v.customer)}</td>"
        f'<td class="{v.decision.value}">{v.decision.value}</td>'
        f"<td>{'<br>'.join(escape(r.code.value + ': ' + r.message) for r in v.reasons)}</td>"
        "</tr>"
        for v in sorted(summary.flagged, key=lambda v: (v.decision.value != "deny", v.customer))
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
td, th {{ border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }}
.deny {{ color: #c62828; font-weight: bold; }} .review {{ color: #8d6e00; font-weight: bold; }}
</style></head><body>
<h1>{escape(title)}</h1>
<p>{summary.total} customers: {summary.decisions.get("allow", 0)} allow, {summary.decisions.get("review", 0)} review,
{summary.decisions.get("deny", 0)} deny.</p>
{_chart(summary)}
<h2>Reasons</h2>
<table><thead><tr><th>reason</th><th>customers</th></tr></thead><tbody>{reason_rows}</tbody></table>
<h2>Denied and review customers</h2>
<table><thead><tr><th>customer</th><th>decision</th><th>reasons</th></tr></thead><tbody>{flagged_rows}</tbody></table>
</body></html>
"""
