"""Decide a customer book under a policy: screening, own countries, ownership rules, review items.

:func:`prepare` does the work shared by every customer once (screen every customer and declared
owner, extend the ownership graph with the book, resolve each of the policy's ownership rules);
:meth:`Book.decide` then gives one customer's verdict with every reason and its evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pycountry

from ownergate.decisions.customers import Customer
from ownergate.decisions.graphbook import Extra, augment
from ownergate.decisions.linking import Link
from ownergate.decisions.verdict import Reason, ReasonCode, Verdict, combine
from ownergate.ownership.evidence import pct_range
from ownergate.ownership.graph import OwnershipGraph, reachable
from ownergate.ownership.ranges import Status
from ownergate.ownership.resolution import Resolution, resolve
from ownergate.ownership.rules import get_rule
from ownergate.policy.countries import RegionList, known_code, unsupported_regions
from ownergate.policy.model import OwnershipRule, Policy
from ownergate.sources.model import Identifier

SHARE_TOLERANCE = 1e-9


class Hit(Protocol):
    list_id: str
    entry_id: str
    name: str
    matched_name: str
    score: float

    def to_dict(self) -> dict[str, Any]: ...


class Screener(Protocol):
    """What deciding needs of name screening (``ownergate.matching.ScreeningIndex`` fits it)."""

    list_ids: list[str]  # the lists the index holds

    def search(
        self,
        name: str,
        *,
        country: str | None = None,
        identifiers: Sequence[Identifier] = (),
        lists: Sequence[str] | None = None,
        limit: int = 10,
        threshold: float | None = None,
    ) -> Sequence[Hit]: ...


def customer_identifiers(customer: Customer) -> list[Identifier]:
    found = []
    if customer.lei:
        found.append(Identifier("lei", customer.lei))
    if customer.registration_number:
        found.append(Identifier("registration", customer.registration_number, customer.country))
    if customer.tax_id:
        found.append(Identifier("tax", customer.tax_id, customer.country))
    if customer.website_domain:
        found.append(Identifier("website", customer.website_domain))
    if customer.email_domain:
        found.append(Identifier("email", customer.email_domain))
    return found


def customer_node(customer_id: str) -> str:
    return f"customer:{customer_id}"


def declared_node(customer_id: str, k: int) -> str:
    return f"declared:{customer_id}:{k}"


@dataclass(slots=True)
class Book:
    """A policy, a screener and the resolved ownership graph of a customer book."""

    policy: Policy
    on: date
    regions: RegionList
    graph: OwnershipGraph
    resolutions: list[tuple[OwnershipRule, Resolution]]
    hits: dict[str, list[Hit]]  # customer id -> its screening hits at or above review_at
    nodes: dict[str, str]  # customer id -> its node id in the graph
    unresolved: dict[str, Reason] = field(default_factory=dict)
    snapshots: dict[str, Any] = field(default_factory=dict)
    known_stakes: dict[str, float] = field(default_factory=dict)  # linked customer -> shares the data already knows
    # analysts' judgements (decisions/judgements.py): customer id -> (list id, entry id) -> true match?
    judgements: dict[str, dict[tuple[str, str], bool]] = field(default_factory=dict)
    # reasons that hold for every customer of the book: lists missing or stale (decisions/freshness.py)
    standing: list[Reason] = field(default_factory=list)

    def decide(self, customer: Customer, decided_at: str, as_of: str | None = None) -> Verdict:
        reasons: list[Reason] = list(self.standing)
        reasons += self._own_countries(customer)
        reasons += self._screening(customer)
        reasons += self._ownership(customer, reasons)
        reasons += self._contradictions(customer)
        if customer.id in self.unresolved and self.policy.review_unresolved:
            reasons.append(self.unresolved[customer.id])
        return Verdict(
            customer=customer.id,
            decision=combine(reasons),
            reasons=reasons,
            policy=self.policy.name,
            policy_version=self.policy.version,
            snapshots=self.snapshots,
            decided_at=decided_at,
            as_of=as_of,
        )

    # -- the customer itself ----------------------------------------------------------------

    def _own_countries(self, customer: Customer) -> list[Reason]:
        hq, incorporated, where = self._countries_of(customer)
        if not hq and not incorporated and self._uses_countries():
            return [
                Reason(
                    ReasonCode.COUNTRY_MISSING,
                    f"{customer.name} has no headquarters or incorporation country: whether it is in an"
                    " unsupported region cannot be told",
                    {"hq_country": None, "country": None, "node": self.nodes.get(customer.id)},
                )
            ]
        reasons = []
        checks = (
            (self.policy.deny_headquarters, hq, ReasonCode.HQ_UNSUPPORTED, "headquartered", "hq_country"),
            (
                self.policy.deny_incorporation,
                incorporated,
                ReasonCode.INCORPORATED_UNSUPPORTED,
                "incorporated",
                "country",
            ),
        )
        for applies, code, reason, verb, fact in checks:
            if not code:
                continue
            if known_code(code) is None:
                reasons.append(
                    Reason(
                        ReasonCode.COUNTRY_UNKNOWN,
                        f"{customer.name}'s {fact} {code!r} is not an ISO 3166 country or region code",
                        {"field": fact, "value": code, "source": where},
                    )
                )
            elif applies and self.regions.is_unsupported(code):
                reasons.append(
                    Reason(
                        reason,
                        f"{customer.name} is {verb} in {self.regions.name(code)}, an unsupported region"
                        f" ({self.regions.list_name} version {self.regions.version})",
                        {"country": code, "source": where, **self.regions.cite()},
                    )
                )
        return reasons

    def _uses_countries(self) -> bool:
        """Whether the policy judges a customer by its country: its own HQ or incorporation, or a rule
        seeded by unsupported regions."""
        policy = self.policy
        seeded = any(res.rule.seed_unsupported_hq for _, res in self.resolutions)
        return policy.deny_headquarters or policy.deny_incorporation or seeded

    def _countries_of(self, customer: Customer) -> tuple[str | None, str | None, str]:
        """The customer's headquarters and incorporation countries: as declared, else as the
        ownership data it is linked to records them; and where they came from."""
        hq, incorporated = customer.hq_country, customer.country
        node = self.nodes.get(customer.id)
        if (hq and incorporated) or node is None or node.startswith("customer:"):
            return hq, incorporated, "customer record"
        i = self.graph.idx(node)
        return hq or self.graph.hq(i), incorporated or self.graph.incorporation(i), f"customer record and node {node}"

    def _screening(self, customer: Customer) -> list[Reason]:
        policy = self.policy
        best: dict[tuple[str, ReasonCode], Hit] = {}
        judged = self.judgements.get(customer.id, {})
        for hit in self.hits.get(customer.id, []):
            verdict = judged.get((hit.list_id, hit.entry_id))
            if verdict is False:  # an analyst judged this hit not to be this customer
                continue
            if verdict is True:  # judged a true match: listed (or flagged) whatever the score
                code = ReasonCode.LISTED if hit.list_id in policy.deny_lists else ReasonCode.FLAGGED
            elif hit.score >= policy.deny_at and hit.list_id in policy.deny_lists:
                code = ReasonCode.LISTED
            elif hit.score >= policy.deny_at and hit.list_id in policy.flag_lists:
                code = ReasonCode.FLAGGED
            elif hit.score >= policy.review_at:
                code = ReasonCode.POSSIBLE_MATCH
            else:
                continue
            key = (hit.list_id, code)
            if key not in best or hit.score > best[key].score:
                best[key] = hit
        reasons = []
        for (list_id, code), hit in sorted(best.items(), key=lambda kv: -kv[1].score):
            what = {
                ReasonCode.LISTED: "is on",
                ReasonCode.FLAGGED: "is on (flag only)",
                ReasonCode.POSSIBLE_MATCH: "may be on",
            }[code]
            evidence = hit.to_dict()
            judged_true = judged.get((hit.list_id, hit.entry_id)) is True
            if judged_true:
                evidence["judged"] = "true match"
            reasons.append(
                Reason(
                    code,
                    f"{customer.name} {what} {list_id}: {hit.name} (matched {hit.matched_name!r},"
                    f" score {hit.score:.2f}{', judged a true match' if judged_true else ''})",
                    evidence,
                )
            )
        return reasons

    # -- ownership ----------------------------------------------------------------------------

    def _ownership(self, customer: Customer, so_far: list[Reason]) -> list[Reason]:
        node = self.nodes.get(customer.id)
        if node is None:
            return []
        i = self.graph.idx(node)
        reasons: list[Reason] = []
        own_codes = {r.code for r in so_far}
        for setting, res in self.resolutions:
            status = res.status_of(node)
            if status is Status.CLEAR:
                continue
            if res.seeds[i]:
                reasons += self._seed_reason(customer, setting, res, i, own_codes)
                continue
            evidence = res.evidence(node)
            if status is Status.RESTRICTED:
                code = ReasonCode(setting.reason)
                message = (
                    f"{customer.name}: restricted owners hold {pct_range(res.share_min[i], res.share_max[i])}"
                    f" ({evidence.threshold} restricts) under rule {setting.rule}"
                )
            elif self.policy.review_possible_ownership:
                code = ReasonCode.POSSIBLE_OWNERSHIP
                message = (
                    f"{customer.name}: restricted owners may hold up to {pct_range(res.share_max[i], res.share_max[i])}"
                    f" under rule {setting.rule} ({evidence.threshold} restricts)"
                )
                if evidence.possible_because:
                    message += "; possible because " + "; ".join(evidence.possible_because)
            else:
                continue
            data = evidence.to_dict()
            data["path"] = evidence.describe()
            if res.rule.seed_unsupported_hq:
                data.update(self.regions.cite())
            reasons.append(Reason(code, message, data))
        return reasons

    def _seed_reason(
        self, customer: Customer, setting: OwnershipRule, res: Resolution, i: int, own: set[ReasonCode]
    ) -> list[Reason]:
        """The customer's own node is a seed of the rule: say why, unless a reason says it already."""
        graph = self.graph
        lists = [t for t in graph.node_lists(i) if res.rule.matches_list(t)]
        if lists and ReasonCode.LISTED not in own:
            return [
                Reason(
                    ReasonCode.LISTED,
                    f"{customer.name} is on {', '.join(lists)} according to the ownership data",
                    {"node": graph.node_ids[i], "lists": lists, "rule": setting.rule},
                )
            ]
        hq = graph.hq(i)
        # the rules' country: the headquarters, else the incorporation country (no HQ recorded)
        country = hq or graph.incorporation(i)
        how = "headquartered in" if hq else "incorporated, with no headquarters recorded, in"
        unsupported = country is not None and self.regions.is_unsupported(country)
        if not lists and unsupported and ReasonCode.HQ_UNSUPPORTED not in own and self.policy.deny_headquarters:
            assert country is not None
            return [
                Reason(
                    ReasonCode.HQ_UNSUPPORTED,
                    f"{customer.name} is {how} {self.regions.name(country)} according to the ownership"
                    " data, an unsupported region",
                    {"node": graph.node_ids[i], "country": country, **self.regions.cite()},
                )
            ]
        return []

    def _contradictions(self, customer: Customer) -> list[Reason]:
        if not self.policy.review_contradictions:
            return []
        reasons = []
        declared = sum(o.share_min or 0.0 for o in customer.owners if o.owned_by is None)
        known = self.known_stakes.get(customer.id, 0.0)
        if declared <= 1.0 + SHARE_TOLERANCE < declared + known:
            reasons.append(
                Reason(
                    ReasonCode.CONTRADICTION,
                    f"{customer.name}: declared owners hold {declared * 100:.4g}% and the ownership data already"
                    f" records {known * 100:.4g}%, more than 100% together",
                    {"declared_total": declared, "known_total": known, "node": self.nodes.get(customer.id)},
                )
            )
        if declared > 1.0 + SHARE_TOLERANCE:
            reasons.append(
                Reason(
                    ReasonCode.CONTRADICTION,
                    f"declared owners of {customer.name} hold {declared * 100:.4g}% together, more than 100%",
                    {"declared_total": declared},
                )
            )
        node = self.nodes.get(customer.id)
        if node is not None and not node.startswith("customer:") and customer.hq_country:
            known_hq = self.graph.hq(self.graph.idx(node))
            if known_hq and known_hq != customer.hq_country:
                reasons.append(
                    Reason(
                        ReasonCode.CONTRADICTION,
                        f"{customer.name} declares headquarters in {customer.hq_country}; the ownership data"
                        f" says {known_hq}",
                        {"declared": customer.hq_country, "known": known_hq, "node": node},
                    )
                )
        return reasons


def _listed(hits: Sequence[Hit], deny_at: float, judged: dict[tuple[str, str], bool] | None = None) -> tuple[str, ...]:
    judged = judged or {}
    return tuple(sorted({h.list_id for h in hits if h.score >= deny_at or judged.get((h.list_id, h.entry_id))}))


def _unjudged_false(hits: list[Hit], judged: dict[tuple[str, str], bool] | None) -> list[Hit]:
    """``hits`` without those an analyst judged not to be this customer."""
    if not judged:
        return hits
    return [h for h in hits if judged.get((h.list_id, h.entry_id)) is not False]


def prepare(
    policy: Policy,
    screener: Screener,
    graph: OwnershipGraph,
    customers: Sequence[Customer],
    on: date,
    snapshots: dict[str, Any],
    links: dict[str, Link] | None = None,
    owner_cache: dict[str, tuple[str, tuple[str, ...]]] | None = None,
    judgements: dict[str, dict[tuple[str, str], bool]] | None = None,
) -> Book:
    """Screen the book, extend the graph with it, and resolve every ownership rule of the policy.

    ``owner_cache`` maps owner node ids to ``(name, lists)`` already screened against the same list
    snapshots; owners screened here are added to it, so the caller can keep them.
    ``judgements`` (customer id -> (list id, entry id) -> true match?) are analysts' readings of
    list hits: a hit judged false is dropped for that customer, one judged true counts as listed.
    """
    judgements = judgements or {}
    wanted = policy.deny_lists | policy.flag_lists
    lists = sorted(wanted & set(screener.list_ids))
    # A list the policy names but the store does not hold is recorded with every verdict.
    snapshots = {**snapshots, "missing_lists": sorted(wanted - set(screener.list_ids))}
    hits: dict[str, list[Hit]] = {}
    nodes: dict[str, str] = {}
    unresolved: dict[str, Reason] = {}
    extra = Extra()
    index = graph.index
    for c in customers:
        found: list[Hit] = []
        for name in [c.name, *c.other_names] if lists else []:
            found += screener.search(
                name,
                country=_iso2(c.country),
                identifiers=customer_identifiers(c),
                lists=lists,
                threshold=policy.review_at,
            )
        found = _unjudged_false(found, judgements.get(c.id))
        hits[c.id] = found
        link = (links or {}).get(c.id)
        if c.entity_id and c.entity_id in index:
            node = c.entity_id
        elif link is not None and link.node_id is not None and link.node_id in index:
            node = link.node_id
        else:
            node = customer_node(c.id)
            extra.add_node(node, c.name, c.hq_country, c.country, _listed(found, policy.deny_at, judgements.get(c.id)))
            if link is not None:
                unresolved[c.id] = Reason(
                    ReasonCode.UNRESOLVED,
                    f"{c.name}'s {link.how} names {len(link.candidates)} entities of the ownership data:"
                    f" {', '.join(link.candidates[:5])}",
                    {"identifier": link.how, "candidates": list(link.candidates)},
                )
            elif c.entity_id:
                unresolved[c.id] = Reason(
                    ReasonCode.UNRESOLVED,
                    f"{c.name} names ownership-graph entity {c.entity_id!r}, which the ownership data does not hold",
                    {"entity_id": c.entity_id},
                )
        nodes[c.id] = node
        for k, owner in enumerate(c.owners):
            owner_id = declared_node(c.id, k)
            owner_hits = screener.search(owner.name, country=_iso2(owner.country), threshold=policy.deny_at)
            extra.add_node(
                owner_id,
                owner.name,
                owner.hq_country,  # the rules fall back to the incorporation country, and say so
                owner.country,
                _listed(owner_hits, policy.deny_at),
                owner.owner_type,
            )
            lo = owner.share_min if owner.share_min is not None else float("nan")
            hi = owner.share_max if owner.share_max is not None else float("nan")
            owned = node if owner.owned_by is None else declared_node(c.id, owner.owned_by)  # nested declarations
            extra.edges.append((owner_id, owned, lo, hi, f"declaration by customer {c.id} ({owner.declared_at})"))
    known_stakes = _known_stakes(graph, customers, nodes)
    full = augment(graph, extra) if extra.node_ids else graph
    cache = owner_cache if owner_cache is not None else {}
    _screen_owners(full, [nodes[c.id] for c in customers], set(extra.node_ids), screener, policy.deny_at, cache)
    resolutions = [(setting, resolve(full, _rule(policy, setting), as_of=on)) for setting in policy.ownership]
    regions = unsupported_regions(on, policy.countries)
    snapshots = {**snapshots, "regions": {"list": regions.list_name, "version": regions.version}}
    book = Book(policy, on, regions, full, resolutions, hits, nodes, unresolved, snapshots, known_stakes, judgements)
    book.standing = missing_lists(policy, screener.list_ids)
    return book


def missing_lists(policy: Policy, loaded: Sequence[str]) -> list[Reason]:
    """``lists-missing`` when no list is loaded at all, or a list the policy denies on is not."""
    if not loaded:
        return [
            Reason(
                ReasonCode.LISTS_MISSING,
                "no lists are loaded: no customer can be screened (load them with `ownergate lists update`)",
                {"missing": sorted(policy.deny_lists), "loaded": []},
            )
        ]
    missing = sorted(policy.deny_lists - set(loaded))
    if not missing:
        return []
    return [
        Reason(
            ReasonCode.LISTS_MISSING,
            f"{len(missing)} list(s) policy {policy.ref} denies on are not loaded: {', '.join(missing)}",
            {"missing": missing, "loaded": sorted(loaded)},
        )
    ]


def _iso2(code: str | None) -> str | None:
    """The country of a country or ISO 3166-2 region code (``UA-43`` -> ``UA``), for screening;
    None for anything screening cannot take as a country (it then screens without one)."""
    country = (code or "").strip().upper().split("-", 1)[0]
    return country if len(country) == 2 and pycountry.countries.get(alpha_2=country) is not None else None


def upstream(graph: OwnershipGraph, starts: Sequence[str]) -> npt.NDArray[np.int64]:
    """Indices of every node upstream of ``starts`` (their owners, direct or indirect), starts excluded."""
    index = graph.index
    start = sorted({index[s] for s in starts if s in index})
    if not start or graph.m == 0:
        return np.zeros(0, np.int64)
    seen = reachable(graph, start, forward=False)
    seen[start] = False
    return np.flatnonzero(seen)


def _screen_owners(
    graph: OwnershipGraph,
    starts: Sequence[str],
    skip: set[str],
    screener: Screener,
    deny_at: float,
    cache: dict[str, tuple[str, tuple[str, ...]]],
) -> None:
    """Seed the owners upstream of the book by screening their names: a parent named in the ownership
    data but not marked as listed there is still found on the lists it matches."""
    for i in upstream(graph, starts).tolist():
        node_id = graph.node_ids[i]
        name = graph.names[i] if graph.names is not None else None
        if node_id in skip or not name or graph.lists.get(i):
            continue
        cached = cache.get(node_id)
        if cached is not None and cached[0] == name:
            found = cached[1]
        else:
            country = _iso2(graph.incorporation(i) or graph.hq(i))
            found = _listed(screener.search(name, country=country, threshold=deny_at), deny_at)
            cache[node_id] = (name, found)
        if found:
            graph.lists[i] = found


def _known_stakes(graph: OwnershipGraph, customers: Sequence[Customer], nodes: dict[str, str]) -> dict[str, float]:
    """For customers that are known nodes and declare owners: the stakes the data already records in them."""
    index = graph.index
    linked = [c for c in customers if c.owners and nodes.get(c.id) in index]
    if not linked or graph.m == 0:
        return {}
    totals = np.bincount(graph.owned, weights=np.nan_to_num(graph.share_min), minlength=graph.n)
    return {c.id: float(totals[index[nodes[c.id]]]) for c in linked}


def _rule(policy: Policy, setting: OwnershipRule) -> Any:
    overrides = setting.overrides(policy.unknown_control)
    if get_rule(setting.rule).seed_unsupported_hq:
        overrides["regions"] = policy.countries
    return get_rule(setting.rule, **overrides)
