"""BODS interests to edges: the interest codelists of 0.2, 0.3 and 0.4, trusts, nominees, indirect chains.

Every mapping here is listed in ``docs/ownership.md`` (BODS). A relationship
``interestedParty -> subject`` gives one edge per interest that carries ownership or control:

- shares: ``shareholding``; beneficial ownership: ``beneficiaryOfLegalArrangement`` (0.2
  ``beneficiary-of-trust``), ``enjoymentAndUseOfAssets``, ``rightToProfitOrIncomeFromAssets``,
  ``rightsToProfitOrIncome``, ``rightsToSurplusAssetsOnDissolution``;
- voting: ``votingRights``;
- control: board appointment, other influence, contracts, company rules, legal framework, and the
  trust roles ``settlor``, ``trustee``, ``protector``; an interest of unknown or unpublished nature
  and one of no stated type (a missing fact is never read as "no interest");
- nominee arrangements (0.4): a ``nominator`` holds the nomination arrangement it is the
  nominator of in full (100%: whatever the arrangement holds is the nominator's); a ``nominee``
  holds it as control of unknown size (the legal holder, never enough alone to restrict);
- roles (``boardMember``, ``boardChair``, ``seniorManagingOfficial``) are not edges.

A share is taken when given (``exact``, ``minimum``/``maximum``, exclusive bounds nudged inside);
otherwise the edge is of unknown size. An indirect interest whose component records already
connect the interested party to the subject through edges is skipped (the chain is counted, so
counting both would count the stake twice); otherwise it is the only statement of that stake and
is kept.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ownergate.ownership.graph import EdgeKind
from ownergate.ownership.sources.common import Shape, share_range
from ownergate.ownership.sources.records import EdgeRecord

#: camelCase interest type (0.3, 0.4) -> the edge it gives; None: a role, no edge
INTERESTS: dict[str, EdgeKind | None] = {
    "shareholding": EdgeKind.SHARES,
    "votingRights": EdgeKind.VOTING,
    "appointmentOfBoard": EdgeKind.CONTROL,
    "otherInfluenceOrControl": EdgeKind.CONTROL,
    "controlViaCompanyRulesOrArticles": EdgeKind.CONTROL,
    "controlByLegalFramework": EdgeKind.CONTROL,
    "rightsGrantedByContract": EdgeKind.CONTROL,
    "conditionalRightsGrantedByContract": EdgeKind.CONTROL,
    "settlor": EdgeKind.CONTROL,
    "trustee": EdgeKind.CONTROL,
    "protector": EdgeKind.CONTROL,
    "beneficiaryOfLegalArrangement": EdgeKind.SHARES,
    "enjoymentAndUseOfAssets": EdgeKind.SHARES,
    "rightToProfitOrIncomeFromAssets": EdgeKind.SHARES,
    "rightsToProfitOrIncome": EdgeKind.SHARES,
    "rightsToSurplusAssetsOnDissolution": EdgeKind.SHARES,
    "nominator": EdgeKind.CONTROL,
    "nominee": EdgeKind.CONTROL,
    "unknownInterest": EdgeKind.CONTROL,
    "unpublishedInterest": EdgeKind.CONTROL,
    "boardMember": None,
    "boardChair": None,
    "seniorManagingOfficial": None,
}

#: 0.2 codes that are not simply the hyphenated form of a 0.3 code
_V02 = {
    "settlor-of-trust": "settlor",
    "trustee-of-trust": "trustee",
    "protector-of-trust": "protector",
    "beneficiary-of-trust": "beneficiaryOfLegalArrangement",
    "other-influence-or-control-of-trust": "otherInfluenceOrControl",
    "rights-to-surplus-assets": "rightsToSurplusAssetsOnDissolution",
    "influence-or-control": "otherInfluenceOrControl",
}


def camel(code: str) -> str:
    """A 0.2 hyphenated code in its 0.3 camelCase form (``voting-rights`` -> ``votingRights``)."""
    if code in _V02:
        return _V02[code]
    head, *rest = code.split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def interest_type(shape: Shape, interest: dict[str, Any]) -> str | None:
    """The interest's camelCase type (None when unstated); an unknown code is refused."""
    text = shape.text(interest, "type", "interests.type")
    if text is None:
        return None
    code = camel(text)
    if code not in INTERESTS:
        raise shape.problem("interests.type", "unknown", f"{text!r} is not a BODS interest type")
    return code


def strict_day(shape: Shape, d: dict[str, Any], key: str, field: str) -> date | None:
    """An ISO date (or the date part of a timestamp); anything else is refused."""
    text = shape.text(d, key, field)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise shape.problem(field, "not_date", f"{text!r} is not an ISO date") from None


@dataclass(slots=True)
class Relationship:
    """One relationship statement's edges, its indirect edges and the component records they rest on."""

    key: str
    owner: str
    owned: str
    edges: list[EdgeRecord] = field(default_factory=list)
    indirect: list[EdgeRecord] = field(default_factory=list)
    components: tuple[str, ...] = ()


def interest_edges(
    shape: Shape,
    rel: Relationship,
    interests: list[dict[str, Any]],
    owned_is_arrangement: bool,
    source: str,
    record: str,
) -> None:
    """The edges of each interest, into ``rel.edges`` (or ``rel.indirect`` for indirect ones made of components)."""
    for k, interest in enumerate(interests):
        itype = interest_type(shape, interest)
        kind = EdgeKind.CONTROL if itype is None else INTERESTS[itype]
        lo, hi = share_range(
            shape.obj(interest, "share", "interests.share"), f"{shape.at} field interests.share", shape.path
        )
        level = shape.text(interest, "directOrIndirect", "interests.directOrIndirect") or shape.text(
            interest, "interestLevel", "interests.interestLevel"
        )
        start = strict_day(shape, interest, "startDate", "interests.startDate")
        end = strict_day(shape, interest, "endDate", "interests.endDate")
        if kind is None:
            continue
        if itype == "nominator" and lo is None and hi is None and owned_is_arrangement:
            lo = hi = 1.0  # the nominator is the real holder of what the nomination holds
        edge = EdgeRecord(
            owner_id=rel.owner,
            owned_id=rel.owned,
            share_min=lo,
            share_max=hi,
            kind=kind,
            source=source,
            source_record=f"{record} interest {k + 1} ({itype or 'unstated'})",
            valid_from=start,
            valid_to=end,
        )
        (rel.indirect if level == "indirect" and rel.components else rel.edges).append(edge)


def resolve_indirect(relationships: list[Relationship]) -> list[EdgeRecord]:
    """Every edge to load: direct ones, and indirect ones whose components do not already connect the chain."""
    by_key = {r.key: r for r in relationships}
    out: list[EdgeRecord] = []
    for rel in relationships:
        out += rel.edges
        if rel.indirect and not _connected(rel, by_key):
            out += rel.indirect
    return out


def _connected(rel: Relationship, by_key: dict[str, Relationship]) -> bool:
    """Whether the component relationships' edges lead from the interested party to the subject."""
    step: dict[str, set[str]] = defaultdict(set)
    for key in rel.components:
        part = by_key.get(key)
        if part is not None and part is not rel:
            for edge in part.edges + part.indirect:
                step[edge.owner_id].add(edge.owned_id)
    seen, todo = {rel.owner}, [rel.owner]
    while todo:
        for nxt in step[todo.pop()]:
            if nxt == rel.owned:
                return True
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False
