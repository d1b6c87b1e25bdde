"""The named ownership rules: thresholds, strictness, aggregation, seeds and dates as data.

A :class:`Rule` says which parties are seeds (on named lists, of an unsupported region, or the
government of a blocked country), which edge kinds count, the threshold and whether it must be
reached (``>=``) or exceeded (``>``), how stakes combine (:class:`Method`), how control of
unknown size counts under the lower and upper bounds, an optional review tier below the
threshold, which owned entities the rule cannot restrict (BIS: U.S. entities), and when the
rule is in force. ``docs/ownership.md`` states each built-in rule with its cases.

A party's country (``ownership/parties.py``): a company's or state's headquarters, else its
incorporation country; a person's nationality and residence as :class:`PersonCountry` says. A
party whose country is unknown is a *possible* seed of a country rule: it is a seed under the
upper bounds only, so what it could carry over the threshold is ``possible`` (review), never
``clear``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

import numpy as np

from ownergate.errors import InputError
from ownergate.ownership.graph import BoolArray, EdgeKind, FloatArray, NodeKind, OwnershipGraph
from ownergate.ownership.parties import PersonCountry, node_countries, party_countries, state_seeds, states
from ownergate.policy.countries import DEFAULT_REGIONS, unsupported_regions

#: absolute tolerance for comparing sums of shares with a threshold
TOLERANCE = 1e-9


#: the governments OFAC blocks as such (Cuba: 31 CFR 515; Iran: EO 13599; North Korea: EO 13722;
#: Venezuela: EO 13884): a state or state body of these countries is a blocked person
OFAC_BLOCKED_GOVERNMENTS = frozenset({"CU", "IR", "KP", "VE"})

#: lists whose parties the provider's terms deny (the anthropic policy's denying lists that name parties)
PROVIDER_DENY_LISTS = (
    "us-ofac-sdn",
    "us-bis-entity",
    "us-bis-meu",
    "us-bis-mieu",
    "us-bis-dpl",
    "us-dod-1260h",
    "us-fcc-covered",
    "un-sc",
)


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
    seed_unsupported_hq: bool = False  # seeds: parties of an unsupported region (HQ, else incorporation)
    regions: str = DEFAULT_REGIONS  # the region list (policy/data/) that says which regions are unsupported
    persons: PersonCountry = PersonCountry.EITHER  # which of a person's countries count (country seeds)
    lists_unavailable: tuple[str, ...] = ()  # seed lists that could not be read: every party is a possible seed
    seed_states: frozenset[str] = frozenset()  # seeds: states and state bodies of these countries
    exempt_countries: frozenset[str] = frozenset()  # owned entities of these countries are never restricted by it
    review_at: float | None = None  # a stake at or above this (below the threshold) is possible (review)
    joint_in_full: bool = False  # each joint holder of an arrangement counts as holding all of it
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

    def reviews(self, stake: FloatArray) -> BoolArray:
        """Which stakes reach the review tier (always False without one)."""
        if self.review_at is None:
            return np.zeros(stake.shape, np.bool_)
        return np.asarray(stake >= self.review_at - TOLERANCE)

    def seeds(self, graph: OwnershipGraph, on: date | None = None) -> BoolArray:
        """The seed mask over the graph's nodes (parties that are certainly seeds)."""
        return self.seed_masks(graph, on)[0]

    def seed_masks(self, graph: OwnershipGraph, on: date | None = None) -> tuple[BoolArray, BoolArray]:
        """``(seeds, maybe)``: the certain seeds, and the parties that are seeds unless a missing fact
        says otherwise (a country rule's parties of unknown country), which count under the upper bounds."""
        mask = np.zeros(graph.n, np.bool_)
        maybe = np.zeros(graph.n, np.bool_)
        if self.seed_unsupported_hq:
            regions = unsupported_regions(on, self.regions)
            codes, unknown = node_countries(graph, self.persons)
            bad = [i for i, code in enumerate(graph.country_codes) if code and regions.is_unsupported(code)]
            if bad:
                mask |= np.isin(codes, np.array(bad, np.int16)).any(axis=0)
            maybe |= unknown
        if self.seed_states:
            mask |= state_seeds(graph, self.seed_states)
            maybe |= states(graph) & (graph.hq_code == 0) & (graph.inc_code == 0)  # a state of unknown country
        if self.seed_lists:
            for i, tokens in graph.lists.items():
                if any(self.matches_list(t) for t in tokens):
                    mask[i] = True
            if any(self.matches_list(t) for t in self.lists_unavailable):
                maybe[:] = True  # a list the rule seeds from is missing: anyone could be on it
        return mask, maybe & ~mask

    def exemption(self, graph: OwnershipGraph) -> tuple[BoolArray, BoolArray]:
        """``(exempt, undetermined)``: owned entities the rule cannot restrict (their incorporation, else
        headquarters, is in ``exempt_countries``), and those whose country is unknown (so the exemption
        cannot be shown: possible at most, never clear)."""
        none = np.zeros(graph.n, np.bool_)
        if not self.exempt_countries:
            return none, none
        own = np.where(graph.inc_code > 0, graph.inc_code, graph.hq_code)
        codes = [i for i, c in enumerate(graph.country_codes) if c and c.split("-")[0] in self.exempt_countries]
        exempt = np.isin(own, np.array(codes, np.int16)) if codes else none
        return exempt, own == 0

    def joint(self, graph: OwnershipGraph) -> BoolArray | None:
        """The arrangements (joint holdings) whose members each count as holding all of them, or None."""
        if not self.joint_in_full:
            return None
        mask = graph.kind_mask(NodeKind.ARRANGEMENT)
        return mask if mask.any() else None

    def matches_list(self, token: str) -> bool:
        for wanted in self.seed_lists:
            if token == wanted or (":" not in wanted and token.startswith(wanted + ":")):
                return True
        return False

    def seed_reason(self, graph: OwnershipGraph, i: int, on: date | None = None) -> str:
        """Why node ``i`` is a seed, in words; empty when it is not one."""
        reasons = []
        if self.seed_unsupported_hq:
            regions = unsupported_regions(on, self.regions)
            for role, code in party_countries(graph, i, self.persons):
                if regions.is_unsupported(code):
                    reasons.append(f"{role} {regions.name(code)}, unsupported region")
                    break
        if self.seed_states and state_seeds(graph, self.seed_states, [i])[0]:
            country = graph.hq(i) or graph.incorporation(i) or ""
            reasons.append(f"state or state body of {country}, a blocked government")
        listed = [t for t in graph.node_lists(i) if self.matches_list(t)]
        if listed:
            reasons.append("listed: " + ", ".join(listed))
        return "; ".join(reasons)

    def unknown_reason(self, graph: OwnershipGraph, i: int) -> str:
        """Why node ``i`` is a possible seed: the facts that are missing."""
        kind = graph.node_kind[i] if graph.node_kind is not None else None
        unavailable = [t for t in self.lists_unavailable if self.matches_list(t)]
        if unavailable:
            return f"list unavailable: {', '.join(unavailable)} could not be read (possibly listed)"
        if kind == NodeKind.PERSON and self.seed_unsupported_hq:
            missing = [
                fact
                for fact, values, counted in (
                    ("nationality", graph.nationality, self.persons is not PersonCountry.RESIDENCE),
                    ("residence", graph.residence, self.persons is not PersonCountry.NATIONALITY),
                )
                if counted and not values.get(i)
            ]
            return f"country unknown: no {' and no '.join(missing)} recorded (possibly of an unsupported region)"
        if kind == NodeKind.STATE and not self.seed_unsupported_hq:
            return "country unknown: a state or state body of no recorded country (possibly a blocked government)"
        return "country unknown: no headquarters or incorporation country recorded (possibly of an unsupported region)"


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
            seed_lists=PROVIDER_DENY_LISTS,
            kinds=_SHARES,
            description="more than 50% owned, directly or indirectly, by parties of unsupported regions (HQ, else "
            "incorporation; persons by nationality or residence) and parties on the lists the provider denies, "
            "all stakes summed in one aggregate",
            citation="Anthropic, Updating restrictions of sales to unsupported regions (2025-09-05): entities more "
            "than 50% owned, directly or indirectly, by companies headquartered in unsupported regions",
        ),
        Rule(
            "ofac",
            Method.AGGREGATE,
            seed_lists=("us-ofac-sdn",),
            seed_states=OFAC_BLOCKED_GOVERNMENTS,
            kinds=_SHARES,
            description="OFAC 50 Percent Rule: 50% or more owned, directly or indirectly, in the aggregate, "
            "by one or more blocked persons (SDNs and the blocked governments of Cuba, Iran, North Korea and "
            "Venezuela); control without ownership is not ownership (review)",
            citation="OFAC Revised Guidance on Entities Owned by Persons Whose Property and Interests in Property "
            "Are Blocked (2014-08-13); "
            "OFAC FAQs 398-402",
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
            exempt_countries=frozenset({"US"}),
            effective=date(2025, 9, 29),
            suspended=((date(2025, 11, 10), date(2026, 11, 9)),),
            description="BIS Affiliates Rule: foreign (non-U.S.) entities 50% or more owned, directly or indirectly, "
            "in the aggregate, by Entity List or Military End-User parties (and SDNs under the programs "
            "15 CFR 744.8, 744.12-744.14 name); a U.S. entity is not restricted by it",
            citation="BIS interim final rule 90 FR 47201 (2025-09-29), 15 CFR 744.11(a)(3) and Supplement No. 8 to "
            "part 744; suspended 2025-11-10 to 2026-11-09 by the final rule of Federal Register vol. 90 no. 216",
        ),
        Rule(
            "eu",
            Method.AGGREGATE,
            strict=True,
            seed_lists=("eu-fsf",),
            kinds=_SHARES_VOTING,
            unknown_lower=1.0,
            description="EU: more than 50% of the proprietary rights (shares or voting rights), aggregated across "
            "listed persons; control (e.g. the right to appoint a majority of the board) restricts",
            citation="EU Best Practices for the effective implementation of restrictive measures (2024), "
            "paragraphs 62-66; Commission Consolidated FAQ on ownership and control",
        ),
        Rule(
            "uk",
            Method.PER_OWNER,
            strict=True,
            seed_lists=("uk-sanctions",),
            kinds=_SHARES_VOTING,
            unknown_lower=1.0,
            joint_in_full=True,
            description="UK: more than 50% of shares or voting rights held by one designated person, directly "
            "or through companies that person controls, joint holdings attributed to each joint holder; "
            "not aggregated across designated persons; control (board appointment) restricts",
            citation="OFSI General Guidance for Financial Sanctions, chapter 4 (ownership and control); "
            "Sanctions and Anti-Money Laundering Act 2018 regulations, regulation 7",
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
