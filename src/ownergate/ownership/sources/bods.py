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
- A relationship whose subject is such an object (``{"reason": "subjectExemptFromDisclosure"}``)
  points at an unknown node ``bods:unspecified:<statement>`` that carries the exception.
- When a record appears in several statements, the latest ``statementDate`` wins.
- Every field is checked for its shape before it is read: a wrong shape is a
  :class:`~ownergate.errors.SourceFormatError` naming the statement, the field and a code
  ``<record type>_<field>_not_<shape>`` (``entity_addresses_not_array``,
  ``person_names_not_array``, ``relationship_interests_share_not_object`` ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ownergate.errors import SourceFormatError
from ownergate.ownership.graph import EdgeKind, NodeKind
from ownergate.ownership.sources.common import Shape, country_code, day, json_records, share_range
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


def _ref(shape: Shape, value: Any, field: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        for key in ("describedByEntityStatement", "describedByPersonStatement"):
            found = shape.text(value, key, f"{field}.{key}")
            if found:
                return found
        return None
    raise shape.fail(field, "string or object", value)


def _unspecified(value: Any) -> dict[str, Any] | None:
    """The ``{"reason": ...}`` object standing for an undisclosed party, or None."""
    if isinstance(value, dict) and ("reason" in value or "unspecified" in value):
        info = value.get("unspecified", value)
        return info if isinstance(info, dict) else {"reason": info}
    return None


_TYPES = {"entityStatement": "entity", "personStatement": "person", "ownershipOrControlStatement": "relationship"}


def parse(path: Path) -> Parsed:
    out = Parsed(str(path), "bods")
    latest: dict[str, tuple[str, Shape, dict[str, Any]]] = {}
    for where, st in json_records(path):
        if not isinstance(st, dict):
            raise SourceFormatError(str(path), where, "statement_not_object: a BODS statement must be an object")
        first = Shape(path, where, "?", "statement")
        statement = first.text(st, "statementId") or "?"
        first = Shape(path, where, statement, "statement")
        rtype = first.text(st, "recordType") or _TYPES.get(first.text(st, "statementType") or "")
        if rtype not in ("entity", "person", "relationship"):
            raise SourceFormatError(
                str(path), f"{where} (statement {statement})", "no recordType (0.4) or statementType (0.3) known"
            )
        shape = Shape(path, where, statement, rtype)
        key = shape.text(st, "recordId") or shape.text(st, "statementId") or where
        when = shape.text(st, "statementDate") or ""
        if key not in latest or when >= latest[key][0]:
            latest[key] = (when, shape, st)
    for key, (_, shape, st) in latest.items():
        details = shape.obj(st, "recordDetails") if "recordDetails" in st else st
        record = f"BODS statement {st.get('statementId', key)}"
        publisher = shape.obj(shape.obj(st, "publicationDetails"), "publisher", "publicationDetails.publisher")
        source = shape.text(publisher, "name", "publicationDetails.publisher.name") or "bods"
        if shape.rtype == "entity":
            out.entities.append(_entity(shape, key, details, source, record))
        elif shape.rtype == "person":
            out.entities.append(_person(shape, key, details, source, record))
        else:
            _relationship(shape, out, details, source, record)
    return out


def _entity(shape: Shape, key: str, d: dict[str, Any], source: str, record: str) -> EntityRecord:
    addresses = {
        shape.text(a, "type", "addresses.type"): country_code(shape.code(a, "country", "addresses.country"))
        for a in shape.objects(d, "addresses")
    }
    jurisdiction = shape.obj(d, "jurisdiction") or shape.obj(d, "incorporatedInJurisdiction")
    identifiers: dict[str, str] = {}
    for i in shape.objects(d, "identifiers"):
        ident = shape.text(i, "id", "identifiers.id")
        if ident:
            scheme = shape.text(i, "scheme", "identifiers.scheme") or shape.text(
                i, "schemeName", "identifiers.schemeName"
            )
            identifiers[scheme or "id"] = ident
    etype = d.get("entityType")
    etype = etype.get("type") if isinstance(etype, dict) else etype
    kind = _ENTITY_KINDS.get(etype if isinstance(etype, str) else "", NodeKind.COMPANY)
    return EntityRecord(
        id=f"bods:{key}",
        name=shape.text(d, "name"),
        kind=kind,
        hq_country=addresses.get("business") or addresses.get("registered"),
        incorporation_country=country_code(shape.text(jurisdiction, "code", "jurisdiction.code")),
        identifiers=identifiers,
        source=source,
        source_record=record,
    )


def _person(shape: Shape, key: str, d: dict[str, Any], source: str, record: str) -> EntityRecord:
    names = shape.objects(d, "names") or [{}]
    first = names[0]
    nat = [country_code(shape.text(n, "code", "nationalities.code")) for n in shape.objects(d, "nationalities")]
    res = [country_code(shape.text(n, "code", "taxResidencies.code")) for n in shape.objects(d, "taxResidencies")]
    res += [
        country_code(shape.code(a, "country", "addresses.country"))
        for a in shape.objects(d, "addresses")
        if shape.text(a, "type", "addresses.type") == "residence"
    ]
    given, family = (
        shape.text(first, "givenName", "names.givenName"),
        shape.text(first, "familyName", "names.familyName"),
    )
    return EntityRecord(
        id=f"bods:{key}",
        name=shape.text(first, "fullName", "names.fullName") or " ".join(filter(None, (given, family))) or None,
        kind=NodeKind.PERSON,
        nationality=next((c for c in nat if c), None),
        residence=next((c for c in res if c), None),
        source=source,
        source_record=record,
    )


def _relationship(shape: Shape, out: Parsed, d: dict[str, Any], source: str, record: str) -> None:
    path, where = shape.path, shape.at
    gap = _unspecified(d.get("subject"))
    if gap is not None:
        owned = f"bods:unspecified:{shape.statement}"
        out.entities.append(EntityRecord(owned, None, source=source, source_record=record))
        out.exceptions.append(_exception(owned, "unspecified-subject", gap, source, record))
    else:
        subject = _ref(shape, d.get("subject"), "subject")
        if subject is None:
            raise SourceFormatError(str(path), f"{where} field subject", "relationship_subject_missing")
        owned = f"bods:{subject}"
    party = d.get("interestedParty")
    gap = _unspecified(party)
    if gap is not None:
        out.exceptions.append(_exception(owned, "unspecified-interested-party", gap, source, record))
        return
    owner_ref = _ref(shape, party, "interestedParty")
    if owner_ref is None:
        raise SourceFormatError(str(path), f"{where} field interestedParty", "relationship_interestedParty_missing")
    components = d.get("componentRecords") or d.get("componentStatementIDs")
    if components is not None and not isinstance(components, list):
        raise shape.fail("componentRecords", "array", components)
    interests = shape.objects(d, "interests") if d.get("interests") is not None else [{}]
    for k, interest in enumerate(interests or [{}]):
        itype = shape.text(interest, "type", "interests.type")
        if itype not in INTEREST_KINDS:
            continue
        if interest.get("directOrIndirect") == "indirect" and components:
            continue
        share = shape.obj(interest, "share", "interests.share")
        lo, hi = share_range(share, f"{where} interest {k + 1}", path)
        out.edges.append(
            EdgeRecord(
                owner_id=f"bods:{owner_ref}",
                owned_id=owned,
                share_min=lo,
                share_max=hi,
                kind=INTEREST_KINDS[itype],
                source=source,
                source_record=f"{record} interest {k + 1} ({itype or 'unstated'})",
                valid_from=day(shape.text(interest, "startDate", "interests.startDate")),
                valid_to=day(shape.text(interest, "endDate", "interests.endDate")),
            )
        )


def _exception(node: str, category: str, info: dict[str, Any], source: str, record: str) -> ExceptionRecord:
    description = info.get("description", "")
    return ExceptionRecord(node, category, str(info.get("reason")), source, f"{record}: {description}".rstrip(": "))
