"""GLEIF golden copy: Level 1 entities, Level 2 relationship records and reporting exceptions (XML or JSON).

- Level 1 (``lei-data``): node ``lei:<LEI>`` with the legal name, the legal address's country as
  incorporation country and the headquarters address's country as headquarters.
- Level 2 relationships (``rr-data``): "is directly/ultimately consolidated by" are accounting
  consolidation, which carries no percentage: an edge parent -> child of kind control, size
  unknown (rules count it as a majority only for ``possible`` unless their policy says
  otherwise). Fund management, sub-fund and feeder relationships are not ownership and are
  skipped. The relationship period gives the validity; an inactive relationship without an end
  date ends at its last update.
- Reporting exceptions (``repex-data``): kept with their category and reason (NO_KNOWN_PERSON,
  NON_CONSOLIDATING, NATURAL_PERSONS ...).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from ownergate.errors import SourceFormatError
from ownergate.ownership.graph import EdgeKind
from ownergate.ownership.sources.common import Shape, country_code, day, json_records
from ownergate.ownership.sources.records import EdgeRecord, EntityRecord, ExceptionRecord, Parsed
from ownergate.sources.text import read_bytes
from ownergate.sources.xmlsafe import parse_xml

CONSOLIDATION = {"IS_DIRECTLY_CONSOLIDATED_BY": "direct parent", "IS_ULTIMATELY_CONSOLIDATED_BY": "ultimate parent"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _to_dict(el: Element) -> Any:
    """An XML element as the same nested dicts and lists the JSON edition uses."""
    children = list(el)
    if not children:
        return (el.text or "").strip()
    out: dict[str, Any] = {}
    for child in children:
        key = _local(child.tag)
        value = _to_dict(child)
        if key in out:
            out[key] = out[key] if isinstance(out[key], list) else [out[key]]
            out[key].append(value)
        else:
            out[key] = value
    return out


def _records(path: Path, tag: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if path.suffix.lower() == ".xml":
        root = parse_xml(path, read_bytes(path))  # no DTD, no entities; gzip within limits
        for k, el in enumerate(e for e in root.iter() if _local(e.tag) == tag):
            yield f"<{tag}> #{k + 1}", _to_dict(el)
    else:
        for where, rec in json_records(path):
            if not isinstance(rec, dict):
                raise SourceFormatError(str(path), where, "expected an object")
            yield where, rec


def _periods(shape: Shape, rel: dict[str, Any]) -> list[dict[str, Any]]:
    periods = rel.get("RelationshipPeriods") or []
    if isinstance(periods, dict):
        periods = periods.get("RelationshipPeriod") or []
    periods = periods if isinstance(periods, list) else [periods]
    for period in periods:
        if not isinstance(period, dict):
            raise shape.fail("RelationshipPeriods.item", "object", period)
    return periods


def parse_relationships(path: Path) -> Parsed:
    out = Parsed(str(path), "gleif-rr")
    for where, rec in _records(path, "RelationshipRecord"):
        shape = Shape(path, where, "?", "relationship")
        rel = shape.obj(rec, "Relationship")
        rtype = shape.text(rel, "RelationshipType", "Relationship.RelationshipType")
        child = shape.text(shape.obj(rel, "StartNode", "Relationship.StartNode"), "NodeID", "StartNode.NodeID")
        parent = shape.text(shape.obj(rel, "EndNode", "Relationship.EndNode"), "NodeID", "EndNode.NodeID")
        for field, node in (("StartNode.NodeID", child), ("EndNode.NodeID", parent)):
            if not node:
                raise SourceFormatError(str(path), f"{where} field {field}", "relationship node id is empty")
        if rtype not in CONSOLIDATION:
            continue
        periods = _periods(shape, rel)
        period = next((p for p in periods if p.get("PeriodType") == "RELATIONSHIP_PERIOD"), {})
        end = day(shape.text(period, "EndDate", "RelationshipPeriod.EndDate"))
        if end is None and rel.get("RelationshipStatus") == "INACTIVE":
            registration = shape.obj(rec, "Registration")
            end = day(shape.text(registration, "LastUpdateDate", "Registration.LastUpdateDate"))
        out.edges.append(
            EdgeRecord(
                f"lei:{parent}",
                f"lei:{child}",
                None,
                None,
                EdgeKind.CONTROL,
                "GLEIF",
                f"{where}: {child} {rtype} {parent} (accounting consolidation, {CONSOLIDATION[rtype]})",
                valid_from=day(shape.text(period, "StartDate", "RelationshipPeriod.StartDate")),
                valid_to=end,
            )
        )
    return out


def parse_exceptions(path: Path) -> Parsed:
    out = Parsed(str(path), "gleif-repex")
    for where, rec in _records(path, "Exception"):
        shape = Shape(path, where, "?", "exception")
        lei = shape.text(rec, "LEI")
        if not lei:
            raise SourceFormatError(str(path), where, "reporting exception without an LEI")
        reason = rec.get("ExceptionReason")
        reasons = reason if isinstance(reason, list) else [reason]
        out.exceptions.append(
            ExceptionRecord(
                f"lei:{lei}", str(rec.get("ExceptionCategory")), ";".join(str(r) for r in reasons), "GLEIF", where
            )
        )
    return out


def parse_entities(path: Path) -> Parsed:
    out = Parsed(str(path), "gleif-lei")
    for where, rec in _records(path, "LEIRecord"):
        shape = Shape(path, where, "?", "lei")
        lei, entity = shape.text(rec, "LEI"), shape.obj(rec, "Entity")
        if not lei:
            raise SourceFormatError(str(path), where, "LEI record without an LEI")
        name = entity.get("LegalName")
        hq = shape.obj(entity, "HeadquartersAddress", "Entity.HeadquartersAddress")
        legal = shape.obj(entity, "LegalAddress", "Entity.LegalAddress")
        jurisdiction = shape.text(entity, "LegalJurisdiction", "Entity.LegalJurisdiction") or ""
        out.entities.append(
            EntityRecord(
                f"lei:{lei}",
                name if isinstance(name, str) else None,
                hq_country=country_code(shape.text(hq, "Country", "Entity.HeadquartersAddress.Country")),
                incorporation_country=country_code(
                    jurisdiction[:2] or shape.text(legal, "Country", "Entity.LegalAddress.Country")
                ),
                identifiers={"lei": lei},
                source="GLEIF",
                source_record=where,
            )
        )
    return out
