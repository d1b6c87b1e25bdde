"""Beneficial Ownership Data Standard statements as published: 0.4, 0.3 and 0.2.

- 0.4 statements carry ``recordId``/``recordType`` and the facts in ``recordDetails``; a record
  published in several statements is the one of the latest ``statementDate``. 0.2/0.3 statements
  carry ``statementID``/``statementType`` (``entityStatement``, ``personStatement``,
  ``ownershipOrControlStatement``) and the facts on the statement; a statement another one
  ``replacesStatements`` is dropped and references to it lead to its replacement.
- Entities and persons become nodes ``bods:<recordId>`` (0.2/0.3: ``bods:<statementID>``). The
  jurisdiction (0.2/0.3 ``incorporatedInJurisdiction``) is the incorporation country; a business
  (else registered) address gives the headquarters country. Persons keep nationality and
  residence. ``state``/``stateBody`` entities are states; ``arrangement`` entities (joint
  holdings, trusts, nominations) are arrangements.
- Relationships become edges as ``bods_interests`` says (trusts, nominees, indirect chains).
- An undisclosed party is an unknown, never a refusal: a subject or interested party given as
  ``{"reason": ...}`` (0.2/0.3: ``{"unspecified": {...}}``) is the node
  ``bods:unspecified:<statement>`` (subject) or ``bods:unspecified-party:<statement>`` (interested
  party): a party of unknown country, so the rules read it as possible, never clear; an interested
  party holds the relationship's interests, or control of unknown size when none is given (its
  exception is recorded on the subject it holds).
  Anonymous and unknown entities and persons (``unspecifiedEntityDetails``,
  ``unspecifiedPersonDetails``, ``unspecifiedRecordDetails``) are kept as nodes of unknown country.
  Each gap is also an exception with its reason code verbatim. An arrangement that no recorded
  party holds gets an unknown member ``bods:unspecified-member:<record>`` the same way.
- Every field is checked before it is read: a wrong shape is a
  :class:`~ownergate.errors.SourceFormatError` naming the file, the statement (id, else its place)
  and the field, with a code such as ``entity_addresses_not_array``,
  ``relationship_subject_missing``, ``relationship_interests_type_unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ownergate.errors import SourceFormatError
from ownergate.ownership.graph import EdgeKind, NodeKind
from ownergate.ownership.sources.bods_interests import Relationship, interest_edges, resolve_indirect, strict_day
from ownergate.ownership.sources.common import Shape, country_code, json_records
from ownergate.ownership.sources.records import EdgeRecord, EntityRecord, ExceptionRecord, Parsed

#: BODS entity types that are not companies
_ENTITY_KINDS = {"state": NodeKind.STATE, "stateBody": NodeKind.STATE, "arrangement": NodeKind.ARRANGEMENT}
_TYPES = {"entityStatement": "entity", "personStatement": "person", "ownershipOrControlStatement": "relationship"}
_UNSPECIFIED = ("unspecifiedEntityDetails", "unspecifiedPersonDetails", "unspecifiedRecordDetails")


def looks_like(first: Any) -> bool:
    return isinstance(first, dict) and ("recordType" in first or "statementType" in first)


@dataclass(slots=True)
class Statement:
    """One statement, checked: its record key, type, facts, date, what it replaces, its source."""

    shape: Shape
    key: str
    details: dict[str, Any]
    when: str
    replaces: tuple[str, ...]
    source: str

    @property
    def record(self) -> str:
        return f"BODS statement {self.shape.statement}"


def parse(path: Path) -> Parsed:
    out = Parsed(str(path), "bods")
    statements, aliases = _current(path)
    arrangements: set[str] = set()
    for s in statements:
        if s.shape.rtype != "relationship":
            entity = _entity(s) if s.shape.rtype == "entity" else _person(s)
            out.entities.append(entity)
            if entity.kind is NodeKind.ARRANGEMENT:
                arrangements.add(entity.id)
            _record_gap(s, entity.id, out)
    relationships = [
        _relationship(s, aliases, arrangements, out) for s in statements if s.shape.rtype == "relationship"
    ]
    out.edges.extend(resolve_indirect(relationships))
    _memberless(out, arrangements)
    return out


def _memberless(out: Parsed, arrangements: set[str]) -> None:
    """An arrangement no recorded party holds has no country of its own nor any member's: it gets an
    unknown member (control of unknown size), so what it holds is possible, never clear."""
    missing = arrangements - {e.owned_id for e in out.edges}
    records = {e.id: e for e in out.entities if e.id in missing}
    for node in sorted(missing):
        member = f"bods:unspecified-member:{node.removeprefix('bods:')}"
        source, record = records[node].source, records[node].source_record
        out.entities.append(EntityRecord(member, None, source=source, source_record=record))
        out.edges.append(
            EdgeRecord(member, node, None, None, EdgeKind.CONTROL, source, f"{record} (no member recorded)")
        )
        out.exceptions.append(ExceptionRecord(node, "arrangement-members-unknown", "noMemberRecorded", source, record))


def _current(path: Path) -> tuple[list[Statement], dict[str, str]]:
    """The statements in force (latest per 0.4 record, unreplaced 0.2/0.3 ones) and replaced id -> replacement."""
    latest: dict[str, Statement] = {}
    aliases: dict[str, str] = {}
    for where, raw in json_records(path):
        s = _statement(path, where, raw)
        for old in s.replaces:
            if old != s.key:
                aliases[old] = s.key
        if s.key not in latest or s.when >= latest[s.key].when:
            latest[s.key] = s
    return [s for key, s in latest.items() if key not in aliases], aliases


def _statement(path: Path, where: str, st: Any) -> Statement:
    if not isinstance(st, dict):
        raise SourceFormatError(str(path), where, "statement_not_object: a BODS statement must be an object")
    first = Shape(path, where, "?", "statement")
    v04 = "recordType" in st
    statement = first.text(st, "statementId" if v04 else "statementID") or first.text(st, "statementId") or "?"
    first = Shape(path, where, statement, "statement")
    rtype = first.text(st, "recordType") if v04 else _TYPES.get(first.text(st, "statementType") or "")
    if rtype not in ("entity", "person", "relationship"):
        field = "recordType" if v04 else "statementType"
        raise first.problem(field, "unknown", f"{st.get(field)!r} is not entity, person or relationship")
    shape = Shape(path, where, statement, rtype)
    if v04:
        key = shape.text(st, "recordId")
        if key is None:
            raise shape.problem("recordId", "missing", "a 0.4 statement names its record")
        if "recordDetails" not in st:
            raise shape.problem("recordDetails", "missing", "a 0.4 statement holds its record's details")
        details = shape.obj(st, "recordDetails")
    else:
        if statement == "?":
            raise shape.problem("statementID", "missing", "a 0.2/0.3 statement has an id")
        key, details = statement, st
    replaces = [] if v04 else st.get("replacesStatements") or []  # 0.4 supersedes by recordId
    if not isinstance(replaces, list) or not all(isinstance(r, str) for r in replaces):
        raise shape.fail("replacesStatements", "array of strings", replaces)
    when = strict_day(shape, st, "statementDate", "statementDate")
    publisher = shape.obj(shape.obj(st, "publicationDetails"), "publisher", "publicationDetails.publisher")
    source = shape.text(publisher, "name", "publicationDetails.publisher.name") or "bods"
    return Statement(shape, key, details, when.isoformat() if when else "", tuple(replaces), source)


def _record_gap(s: Statement, node: str, out: Parsed) -> None:
    """An anonymous or unknown entity or person: the node stays (of unknown country), its reason an exception."""
    for key in _UNSPECIFIED:
        if s.details.get(key) is not None:
            info = s.shape.obj(s.details, key)
            out.exceptions.append(_exception(s.shape, key, node, f"unspecified-{s.shape.rtype}", info, s))
            return


def _entity(s: Statement) -> EntityRecord:
    shape, d = s.shape, s.details
    addresses = {
        shape.text(a, "type", "addresses.type"): country_code(shape.code(a, "country", "addresses.country"))
        for a in shape.objects(d, "addresses")
    }
    jurisdiction = shape.obj(d, "jurisdiction") or shape.obj(d, "incorporatedInJurisdiction")
    field = "jurisdiction" if d.get("jurisdiction") else "incorporatedInJurisdiction"
    identifiers: dict[str, str] = {}
    for i in shape.objects(d, "identifiers"):
        ident = shape.text(i, "id", "identifiers.id")
        scheme = shape.text(i, "scheme", "identifiers.scheme") or shape.text(i, "schemeName", "identifiers.schemeName")
        if ident:
            identifiers[scheme or "id"] = ident
    return EntityRecord(
        id=f"bods:{s.key}",
        name=shape.text(d, "name"),
        kind=_ENTITY_KINDS.get(_entity_type(shape, d) or "", NodeKind.COMPANY),
        hq_country=addresses.get("business") or addresses.get("registered"),
        incorporation_country=country_code(shape.text(jurisdiction, "code", f"{field}.code")),
        identifiers=identifiers,
        source=s.source,
        source_record=s.record,
    )


def _entity_type(shape: Shape, d: dict[str, Any]) -> str | None:
    """``entityType``: a string (0.2/0.3) or an object with a ``type`` (0.4)."""
    value = d.get("entityType")
    if isinstance(value, dict):
        return shape.text(value, "type", "entityType.type")
    return shape.text(d, "entityType")


def _person(s: Statement) -> EntityRecord:
    shape, d = s.shape, s.details
    shape.text(d, "personType")
    names = shape.objects(d, "names") or [{}]
    first = names[0]
    nat = [country_code(shape.code(n, "code", "nationalities.code")) for n in shape.objects(d, "nationalities")]
    res = [country_code(shape.code(n, "code", "taxResidencies.code")) for n in shape.objects(d, "taxResidencies")]
    res += [
        country_code(shape.code(a, "country", "addresses.country"))
        for a in shape.objects(d, "addresses")
        if shape.text(a, "type", "addresses.type") == "residence"
    ]
    given = shape.text(first, "givenName", "names.givenName")
    family = shape.text(first, "familyName", "names.familyName")
    full = shape.text(first, "fullName", "names.fullName")
    return EntityRecord(
        id=f"bods:{s.key}",
        name=full or " ".join(filter(None, (given, family))) or None,
        kind=NodeKind.PERSON,
        nationality=next((c for c in nat if c), None),
        residence=next((c for c in res if c), None),
        source=s.source,
        source_record=s.record,
    )


def _relationship(s: Statement, aliases: dict[str, str], arrangements: set[str], out: Parsed) -> Relationship:
    shape, d = s.shape, s.details
    owned = _party(s, "subject", "bods:unspecified:", aliases, out, None)
    owner = _party(s, "interestedParty", "bods:unspecified-party:", aliases, out, owned)
    components = d.get("componentRecords", d.get("componentStatementIDs"))
    if components is not None and (not isinstance(components, list) or not all(isinstance(c, str) for c in components)):
        raise shape.fail("componentRecords", "array", components)
    interests = shape.objects(d, "interests") or [{}]
    rel = Relationship(s.key, owner, owned, components=tuple(_follow(aliases, str(c)) for c in components or ()))
    interest_edges(shape, rel, interests, owned in arrangements, s.source, s.record)
    return rel


def _party(s: Statement, side: str, unknown: str, aliases: dict[str, str], out: Parsed, subject: str | None) -> str:
    """The node id of a relationship's subject or interested party; an undisclosed one becomes an unknown node
    (its exception on the unknown subject, or on the subject an undisclosed party holds)."""
    shape, value = s.shape, s.details.get(side)
    if isinstance(value, dict) and ("reason" in value or "unspecified" in value):
        info = shape.obj(value, "unspecified", f"{side}.unspecified") if "unspecified" in value else value
        node = f"{unknown}{shape.statement if shape.statement != '?' else s.key}"
        out.entities.append(EntityRecord(node, None, source=s.source, source_record=s.record))
        out.exceptions.append(_exception(shape, side, subject or node, f"unspecified-{_KEBAB[side]}", info, s))
        return node
    ref = _ref(shape, value, side)
    if ref is None:
        raise shape.problem(side, "missing", f"a relationship names its {_KEBAB[side].replace('-', ' ')}")
    return f"bods:{_follow(aliases, ref)}"


_KEBAB = {"subject": "subject", "interestedParty": "interested-party"}


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


def _follow(aliases: dict[str, str], ref: str) -> str:
    """A reference to a replaced 0.2/0.3 statement, led to the statement that replaced it (cycles stop)."""
    seen = {ref}
    while ref in aliases and aliases[ref] not in seen:
        ref = aliases[ref]
        seen.add(ref)
    return ref


def _exception(
    shape: Shape, field: str, node: str, category: str, info: dict[str, Any], s: Statement
) -> ExceptionRecord:
    reason = shape.text(info, "reason", f"{field}.reason") or "unspecified"
    description = shape.text(info, "description", f"{field}.description") or ""
    return ExceptionRecord(node, category, reason, s.source, f"{s.record}: {description}".rstrip(": "))
