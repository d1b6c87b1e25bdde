"""The named ownership rules: thresholds, strictness, aggregation, seeds and dates as data.

A :class:`Rule` says which parties are seeds (on named lists, or headquartered in an unsupported
region), which edge kinds count, the threshold and whether it must be reached (``>=``) or
exceeded (``>``), how stakes combine (:class:`Method`), how control of unknown size counts
under the lower and upper bounds, and when the rule is in force. ``docs/ownership.md`` states
each built-in rule with its cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

import numpy as np

from ownergate.errors import InputError
from ownergate.ownership.graph import BoolArray, EdgeKind, FloatArray, OwnershipGraph
from ownergate.policy.countries import DEFAULT_REGIONS, unsupported_regions

#: absolute tolerance for comparing sums of shares with a threshold
TOLERANCE = 1e-9


class Method(StrEnum):
    AGGREGATE = "aggregate"  # stakes of all restricted owners add up
    PER_OWNER = "per_owner"  # one seed's holdings, direct or through companies it controls
    LOOKTHROUGH = "lookthrough"  # effective ownership: products along paths, summed, capped at 1


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    method: Method
    threshold: float = 0.5
    strict: bool = False  # True: the stake must exceed the threshold; False: reach it
    seed_lists: tuple[str, ...] = ()  # list ids; "us-ofac-sdn:SDGT" matches that program only
    seed_unsupported_hq: bool = False  # seeds: headquartered in an unsupported region
    regions: str = DEFAULT_REGIONS  # the region list (policy/data/) that says which regions are unsupported
    kinds: frozenset[EdgeKind] = frozenset({EdgeKind.SHARES, EdgeKind.CONTROL})
    unknown_lower: float = 0.0  # what control of unknown size counts for under the lower bounds
    unknown_upper: float = 1.0  # ... and under the upper bounds (1.0: a majority)
    effective: date | None = None  # affiliates/50% extension in force from this date
    suspended: tuple[tuple[date, date], ...] = ()  # inclusive periods when it is suspended
    description: str = ""
    citation: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def limit(self) -> float:
        """The threshold with the absolute tolerance applied: a stake passes above it (strict) or at it."""
        return self.threshold + TOLERANCE if self.strict else self.threshold - TOLERANCE

    def passes(self, stake: FloatArray) -> BoolArray:
        """Which stakes carry a node over the threshold (with the absolute tolerance)."""
        return np.asarray(stake > self.limit if self.strict else stake >= self.limit)

    def in_force(self, on: date) -> bool:
        """Whether ownership extends the seeds on ``on`` (seeds themselves are always restricted)."""
        if self.effective is not None and on < self.effective:
            return False
        return not any(start <= on <= end for start, end in self.suspended)

    def comparison(self) -> str:
        pct = f"{self.threshold * 100:g}%"
        return f"more than {pct}" if self.strict else f"{pct} or more"

    def seeds(self, graph: OwnershipGraph, on: date | None = None) -> BoolArray:
        """The seed mask over the graph's nodes."""
        mask = np.zeros(graph.n, np.bool_)
        if self.seed_unsupported_hq:
            regions = unsupported_regions(on, self.regions)
            bad = [i for i, code in enumerate(graph.country_codes) if code and regions.is_unsupported(code)]
            if bad:
                mask |= np.isin(graph.hq_code, np.array(bad, np.int16))
        if self.seed_lists:
            for i, tokens in graph.lists.items():
                if any(self.matches_list(t) for t in tokens):
                    mask[i] = True
        return mask

    def matches_list(self, token: str) -> bool:
        for wanted in self.seed_lists:
            if token == wanted or (":" not in wanted and token.startswith(wanted + ":")):
                return True
        return False

    def seed_reason(self, graph: OwnershipGraph, i: int, on: date | None = None) -> str:
        """Why node ``i`` is a seed, in words; empty when it is not one."""
        reasons = []
        hq = graph.hq(i)
        regions = unsupported_regions(on, self.regions)
        if self.seed_unsupported_hq and hq and regions.is_unsupported(hq):
            reasons.append(f"HQ {regions.name(hq)}, unsupported region")
        listed = [t for t in graph.node_lists(i) if self.matches_list(t)]
        if listed:
            reasons.append("listed: " + ", ".join(listed))
        return "; ".join(reasons)


_SHARES = frozenset({EdgeKind.SHARES, EdgeKind.CONTROL})
_SHARES_VOTING = frozenset({EdgeKind.SHARES, EdgeKind.VOTING, EdgeKind.CONTROL})

RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule(
            "anthropic",
            Method.AGGREGATE,
            strict=True,
            seed_unsupported_hq=True,
            kinds=_SHARES,
            description="more than 50% owned, directly or indirectly, by entities headquartered in unsupported "
            "regions; stakes from different unsupported regions add up",
        ),
        Rule(
            "ofac",
            Method.AGGREGATE,
            seed_lists=("us-ofac-sdn",),
            kinds=_SHARES,
            description="OFAC 50 Percent Rule: 50% or more owned, directly or indirectly, in the aggregate, "
            "by one or more blocked persons",
            citation="OFAC Revised Guidance on Entities Owned by Persons Whose Property Is Blocked (2014)",
        ),
        Rule(
            "bis",
            Method.AGGREGATE,
            seed_lists=(
                "us-bis-entity",
                "us-bis-meu",
                "us-ofac-sdn:NPWMD",
                "us-ofac-sdn:SDGT",
                "us-ofac-sdn:SDT",
                "us-ofac-sdn:FTO",
            ),
            kinds=_SHARES,
            effective=date(2025, 9, 29),
            suspended=((date(2025, 11, 10), date(2026, 11, 9)),),
            description="BIS Affiliates Rule: 50% or more owned, in the aggregate, by Entity List or "
            "Military End-User parties (and SDNs under the programs 15 CFR 744.8, 744.12-744.14 name)",
            citation="BIS interim final rule 90 FR 47201 (2025-09-29); suspended 2025-11-10 to 2026-11-09",
        ),
        Rule(
            "eu",
            Method.AGGREGATE,
            seed_lists=("eu-fsf",),
            kinds=_SHARES,
            description="EU: 50% or more of the proprietary rights, aggregated across listed persons",
            citation="EU Best Practices for the effective implementation of restrictive measures",
        ),
        Rule(
            "uk",
            Method.PER_OWNER,
            strict=True,
            seed_lists=("uk-sanctions",),
            kinds=_SHARES_VOTING,
            description="UK: more than 50% of shares or voting rights held by one designated person, directly "
            "or through companies that person controls; not aggregated across designated persons",
            citation="OFSI General Guidance, ownership and control",
        ),
        Rule(
            "lookthrough",
            Method.LOOKTHROUGH,
            strict=True,
            seed_unsupported_hq=True,
            seed_lists=("us-ofac-sdn", "us-bis-entity", "us-bis-meu", "eu-fsf", "uk-sanctions"),
            kinds=_SHARES,
            description="effective ownership: the sum over ownership paths from seeds of the product of shares, "
            "capped at 1; restricted above 50%",
        ),
    )
}


def get_rule(rule: str | Rule, **overrides: object) -> Rule:
    """A built-in rule by name (or the rule given), with any fields overridden."""
    if isinstance(rule, Rule):
        found = rule
    else:
        try:
            found = RULES[rule]
        except KeyError:
            raise InputError(f"unknown ownership rule {rule!r} (known: {', '.join(sorted(RULES))})") from None
    return replace(found, **overrides) if overrides else found  # type: ignore[arg-type]
