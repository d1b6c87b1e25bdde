"""Beneficial Ownership Data Standard 0.4 (and 0.3) statements: entities, persons, relationships.

- Entities and persons become nodes with id ``bods:<recordId>`` (0.3: the statement id). The
  jurisdiction is the incorporation country; a business (else registered) address gives the
  headquarters country. Persons keep nationality and residence. ``state`` and ``stateBody``
  entities are states (kind ``state``, their jurisdiction their country); an ``arrangement`` (a
  joint shareholding) has kind ``arrangement``, its interested parties its joint holders.
- Each interest of a relationship becomes an edge ``interestedParty -> subject``: shareholding
  as shares, voting rights as voting, appointment of the board and other influence or control
  as control; roles (board member, senior managing official, trustee ...) carry no ownership and
  are not edges. Shares: ``exact``, or ``minimum``/``maximum`` (exclusive bounds nudged inside);
  none given: control of unknown size. ``startDate``/``endDate`` are the validity.
- An indirect interest is skipped when the relationship lists the component records that make
  it up (the chain itself is in the graph, so counting both would double count); otherwise it is
  kept as the best statement of that stake.
- An interested party that is an inline ``{"reason": ...}`` object is a declared gap: kept as an
  exception with the reason code verbatim and its description, never as a made-up person.
- When a record appears in several statements, the latest ``statementDate`` wins.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ownergate.errors import SourceFormatError
from ownergate.ownership.graph import EdgeKind, NodeKind
from ownergate.ownership.sources.common import country_code, day, json_records, share_range
from ownergate.ownership.sources.records import EdgeRecord, EntityRecord, ExceptionRecord, Parsed

INTEREST_KINDS = {
    "shareholding": EdgeKind.SHARES,
    "votingRights": EdgeKind.VOTING,
    "appointmentOfBoard": EdgeKind.CONTROL,
    "otherInfluenceOrControl": EdgeKind.CONTROL,
    "controlViaCompanyRulesOrArticles": EdgeKind.CONTROL,
    "controlByLegalFramework": EdgeKind.CONTROL,
    "rightsGrantedByContract": EdgeKind.CONTROL,
    "conditionalRightsGrantedByContract": EdgeKind.CONTROL,
    None: EdgeKind.CONTROL,  # an interest of unstated type
}


#: BODS entity types that are not companies: states and state bodies have a country like any party;
#: an arrangement (a joint shareholding) is held jointly by its interested parties
_ENTITY_KINDS = {"state": NodeKind.STATE, "stateBody": NodeKind.STATE, "arrangement": NodeKind.ARRANGEMENT}


def looks_like(first: Any) -> bool:
    return isinstance(first, dict) and ("recordType" in first or "statementType" in first)


def _ref(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("describedByEntityStatement", "describedByPersonStatement"):
            if value.get(key):
                return str(value[key])
    return None


def parse(path: Path) -> Parsed:
    out = Parsed(str(path), "bods")
    latest: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for where, st in json_records(path):
        if not isinstance(st, dict):
            raise SourceFormatError(str(path), where, "a BODS statement must be an object")
        rtype = st.get("recordType") or {
            "entityStatement": "entity",
            "personStatement": "person",
            "ownershipOrControlStatement": "relationship",
        }.get(st.get("statementType", ""))
        if rtype is None:
            raise SourceFormatError(str(path), where, "no recordType (0.4) or statementType (0.3)")
        key = str(st.get("recordId") or st.get("statementId") or where)
        when = str(st.get("statementDate") or "")
        if key not in latest or when >= latest[key][0]:
            latest[key] = (when, where, st | {"_type": rtype})
    for key, (_, where, st) in latest.items():
        details = st.get("recordDetails", st)
        record = f"BODS statement {st.get('statementId', key)}"
        source = str((st.get("publicationDetails") or {}).get("publisher", {}).get("name") or "bods")
        if st["_type"] == "entity":
            out.entities.append(_entity(key, details, source, record))
        elif st["_type"] == "person":
            out.entities.append(_person(key, details, source, record))
        else:
            _relationship(path, out, where, details, source, record)
    return out


def _entity(key: str, d: dict[str, Any], source: str, record: str) -> EntityRecord:
    addresses = {
        a.get("type"): country_code(
            (a.get("country") or {}).get("code") if isinstance(a.get("country"), dict) else a.get("country")
        )
        for a in d.get("addresses") or []
    }
    jurisdiction = d.get("jurisdiction") or (d.get("incorporatedInJurisdiction") or {})
    etype = d.get("entityType")
    etype = etype.get("type") if isinstance(etype, dict) else etype
    kind = _ENTITY_KINDS.get(etype if isinstance(etype, str) else "", NodeKind.COMPANY)
    return EntityRecord(
        id=f"bods:{key}",
        name=d.get("name"),
        kind=kind,
        hq_country=addresses.get("business") or addresses.get("registered"),
        incorporation_country=country_code(jurisdiction.get("code")),
        identifiers={
            str(i.get("scheme") or i.get("schemeName") or "id"): str(i.get("id"))
            for i in d.get("identifiers") or []
            if i.get("id")
        },
        source=source,
        source_record=record,
    )


def _person(key: str, d: dict[str, Any], source: str, record: str) -> EntityRecord:
    names = d.get("names") or [{}]
    nat = [country_code(n.get("code")) for n in d.get("nationalities") or []]
    res = [country_code(n.get("code")) for n in d.get("taxResidencies") or []]
    res += [
        country_code((a.get("country") or {}).get("code"))
        for a in d.get("addresses") or []
        if a.get("type") == "residence" and isinstance(a.get("country"), dict)
    ]
    return EntityRecord(
        id=f"bods:{key}",
        name=names[0].get("fullName")
        or " ".join(filter(None, (names[0].get("givenName"), names[0].get("familyName"))))
        or None,
        kind=NodeKind.PERSON,
        nationality=next((c for c in nat if c), None),
        residence=next((c for c in res if c), None),
        source=source,
        source_record=record,
    )


def _relationship(path: Path, out: Parsed, where: str, d: dict[str, Any], source: str, record: str) -> None:
    subject = _ref(d.get("subject"))
    party = d.get("interestedParty")
    if subject is None:
        raise SourceFormatError(str(path), where, "relationship without a subject")
    owned = f"bods:{subject}"
    if isinstance(party, dict) and ("reason" in party or "unspecified" in party):
        info = party.get("unspecified", party)
        out.exceptions.append(
            ExceptionRecord(
                owned,
                "unspecified-interested-party",
                str(info.get("reason")),
                source,
                f"{record}: {info.get('description', '')}".rstrip(": "),
            )
        )
        return
    owner_ref = _ref(party)
    if owner_ref is None:
        raise SourceFormatError(str(path), where, "relationship without an interested party")
    has_components = bool(d.get("componentRecords") or d.get("componentStatementIDs"))
    for k, interest in enumerate(d.get("interests") or [{}]):
        itype = interest.get("type")
        if itype not in INTEREST_KINDS:
            continue
        if interest.get("directOrIndirect") == "indirect" and has_components:
            continue
        lo, hi = share_range(interest.get("share"), f"{where} interest {k + 1}", path)
        out.edges.append(
            EdgeRecord(
                owner_id=f"bods:{owner_ref}",
                owned_id=owned,
                share_min=lo,
                share_max=hi,
                kind=INTEREST_KINDS[itype],
                source=source,
                source_record=f"{record} interest {k + 1} ({itype or 'unstated'})",
                valid_from=day(interest.get("startDate")),
                valid_to=day(interest.get("endDate")),
            )
        )
