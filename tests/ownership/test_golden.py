"""The golden table: each case of ``golden_cases.yaml`` (a small structure, a rule or shipped policy, the
expected status of named nodes, the guidance it follows) runs as its own test.

A case names either ``rule`` (a built-in rule, optionally with ``settings`` as a policy's rule entry
gives them) or ``policy`` (a shipped policy: every ownership rule of it, the most severe status
wins). Nodes carry ``hq``, ``inc``, ``kind``, ``nationality``, ``residence`` and ``lists``; edges are
``[owner, owned, share]`` with a share, a ``[min, max]`` range or null (control of unknown size), or
a mapping that adds ``kind`` and ``source``. ``mentions`` are texts the named node's evidence must
contain; ``needs_unsupported`` skips a case until the region data in force treats those codes as
unsupported.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from ownergate.ownership import EdgeKind, OwnershipGraph, Resolution, Status, get_rule, resolve
from ownergate.policy.countries import unsupported_regions
from ownergate.policy.loader import read_policy
from ownergate.policy.model import CONTROL_VALUES, OwnershipRule, UnknownControl

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "golden_cases.yaml").read_text("utf-8"))["cases"]
SEVERITY = {Status.CLEAR: 0, Status.POSSIBLE: 1, Status.RESTRICTED: 2}
DEFAULT_DAY = date(2026, 1, 15)


def build(case: dict[str, Any]) -> OwnershipGraph:
    nodes = case["nodes"]
    ids = [n["id"] for n in nodes]
    index = {nid: i for i, nid in enumerate(ids)}
    owner, owned, lo, hi, kinds, sources = [], [], [], [], [], []
    for k, raw in enumerate(case.get("edges") or []):
        edge = raw if isinstance(raw, dict) else {"from": raw[0], "to": raw[1], "share": raw[2]}
        share = edge.get("share")
        a, b = (float("nan"), float("nan")) if share is None else (share if isinstance(share, list) else (share, share))
        owner.append(index[edge["from"]])
        owned.append(index[edge["to"]])
        lo.append(a)
        hi.append(b)
        kinds.append(int(EdgeKind.parse(edge.get("kind", "shares"))))
        sources.append(edge.get("source", f"case row {k + 1}"))
    return OwnershipGraph.from_edges(
        ids,
        owner,
        owned,
        lo,
        hi,
        kind=kinds,
        sources=sources,
        names=[n.get("name", n["id"]) for n in nodes],
        hq_country=[n.get("hq") for n in nodes],
        incorporation_country=[n.get("inc") for n in nodes],
        lists=[n.get("lists") for n in nodes],
        node_kind=[n.get("kind", "company") for n in nodes],
        nationality={i: n["nationality"] for i, n in enumerate(nodes) if n.get("nationality")},
        residence={i: n["residence"] for i, n in enumerate(nodes) if n.get("residence")},
    )


def resolutions(case: dict[str, Any], graph: OwnershipGraph, day: date) -> list[Resolution]:
    if "policy" in case:
        policy = read_policy(case["policy"], None)
        return [
            resolve(graph, get_rule(s.rule, **s.overrides(policy.unknown_control)), as_of=day) for s in policy.ownership
        ]
    settings = dict(case.get("settings") or {})
    if not settings:
        return [resolve(graph, case["rule"], as_of=day)]
    control = settings.pop("control", None)
    entry = OwnershipRule(
        case["rule"],
        "owned-by-listed-party",
        lists=tuple(settings.pop("lists")) if "lists" in settings else None,
        threshold=settings.pop("threshold", None),
        strict=settings.pop("strict", None),
        review_at=settings.pop("review_at", None),
        control=CONTROL_VALUES[control] if control else None,
        persons=settings.pop("persons", None),
    )
    assert not settings, f"unknown settings {settings}"
    overrides = entry.overrides(UnknownControl.POSSIBLE) if control else _without_control(entry)
    return [resolve(graph, get_rule(case["rule"], **overrides), as_of=day)]


def _without_control(entry: OwnershipRule) -> dict[str, object]:
    """The entry's overrides, leaving the rule's own control setting in place."""
    out = entry.overrides(UnknownControl.POSSIBLE)
    out.pop("unknown_lower", None)
    out.pop("unknown_upper", None)
    return out


def test_the_table_is_large_and_cited() -> None:
    assert len(CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)
    for case in CASES:
        assert case.get("citation", "").strip(), case["id"]
        assert ("rule" in case) != ("policy" in case), case["id"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_case(case: dict[str, Any]) -> None:
    day = case.get("as_of", DEFAULT_DAY)
    regions = unsupported_regions(day)
    missing = [c for c in case.get("needs_unsupported", []) if not regions.is_unsupported(c)]
    if missing:
        pytest.skip(
            f"the region list in force ({regions.version}) does not yet treat {', '.join(missing)} as unsupported"
        )
    graph = build(case)
    found = resolutions(case, graph, day)
    for node, expected in case["expect"].items():
        got = max((r.status_of(node) for r in found), key=SEVERITY.__getitem__)
        assert got is Status(expected), f"{case['id']}: {node} is {got.value}, expected {expected}"
    for node, texts in (case.get("mentions") or {}).items():
        described = "\n".join(r.evidence(node).describe() for r in found)
        for text in texts:
            assert text in described, f"{case['id']}: evidence of {node} lacks {text!r}:\n{described}"
