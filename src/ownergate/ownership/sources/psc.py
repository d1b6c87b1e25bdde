"""UK Companies House persons with significant control (bulk JSON lines or API responses).

The company is node ``gb-coh:<company_number>``. An individual is ``psc:<id from its self link>``
with nationality and residence; a corporate PSC registered in the UK with a registration number
is the node of that company (``gb-coh:<number>``), so chains join up. Natures of control become
edges: the statutory bands as share or voting ranges, "more than 25% but not more than 50%"
(``25-to-50``), "more than 50% but less than 75%" (``50-to-75``), "75% or more" (``75-to-100``);
the right to appoint directors and significant influence as control of unknown size.
``notified_on`` and ``ceased_on`` are the validity. PSC statements and exemptions are kept as
exceptions; totals records are skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ownergate.errors import SourceFormatError
from ownergate.ownership.graph import EdgeKind, NodeKind
from ownergate.ownership.sources.common import EXCLUSIVE_NUDGE, Shape, country_code, day, json_records
from ownergate.ownership.sources.records import EdgeRecord, EntityRecord, ExceptionRecord, Parsed

BANDS = {
    "25-to-50-percent": (0.25 + EXCLUSIVE_NUDGE, 0.50),
    "50-to-75-percent": (0.50 + EXCLUSIVE_NUDGE, 0.75 - EXCLUSIVE_NUDGE),
    "75-to-100-percent": (0.75, 1.0),
}
UK_REGISTERS = ("united kingdom", "england", "wales", "scotland", "northern ireland", "great britain", "uk")


def _nature(nature: str) -> tuple[EdgeKind, float | None, float | None] | None:
    for prefix, kind in (("ownership-of-shares-", EdgeKind.SHARES), ("voting-rights-", EdgeKind.VOTING)):
        if nature.startswith(prefix):
            for band, (lo, hi) in BANDS.items():
                if band in nature:
                    return kind, lo, hi
            return kind, None, None
    if nature.startswith(("right-to-appoint-and-remove", "significant-influence-or-control")):
        return EdgeKind.CONTROL, None, None
    return None


def _owner(shape: Shape, data: dict[str, Any]) -> EntityRecord:
    kind = shape.text(data, "kind", "data.kind") or ""
    link = shape.text(shape.obj(data, "links", "data.links"), "self", "data.links.self") or ""
    key = link.rsplit("/", 1)[-1] or shape.text(data, "etag", "data.etag")
    if not key:
        raise SourceFormatError(str(shape.path), shape.where, f"{kind} record without links.self or etag: no owner id")
    own_id = f"psc:{key}"
    elements = shape.obj(data, "name_elements", "data.name_elements")
    parts = (shape.text(elements, k, f"data.name_elements.{k}") for k in ("forename", "middle_name", "surname"))
    name = shape.text(data, "name", "data.name") or " ".join(filter(None, parts))
    if kind.startswith("individual"):
        nationality = shape.text(data, "nationality", "data.nationality")
        return EntityRecord(
            own_id,
            name or None,
            kind=NodeKind.PERSON,
            nationality=country_code(nationality) or nationality,
            residence=country_code(shape.text(data, "country_of_residence", "data.country_of_residence")),
            source="Companies House PSC",
        )
    ident = shape.obj(data, "identification", "data.identification")
    registered = shape.text(ident, "country_registered", "data.identification.country_registered") or (
        shape.text(ident, "legal_authority", "data.identification.legal_authority") or ""
    )
    number = (shape.text(ident, "registration_number", "data.identification.registration_number") or "").strip()
    if number and registered.lower().startswith(UK_REGISTERS):
        own_id = f"gb-coh:{number.zfill(8) if number.isdigit() else number}"
    return EntityRecord(
        own_id,
        name or None,
        incorporation_country=country_code(registered.split("(")[0]),
        identifiers={"registration_number": number} if number else {},
        source="Companies House PSC",
    )


def parse(path: Path) -> Parsed:
    out = Parsed(str(path), "psc")
    for where, rec in json_records(path):
        items = rec if isinstance(rec, list) else [rec]
        for item in items:
            _record(path, out, where, item)
    return out


def _record(path: Path, out: Parsed, where: str, rec: Any) -> None:
    if not isinstance(rec, dict) or not isinstance(rec.get("data"), dict):
        raise SourceFormatError(str(path), where, "a PSC record needs a 'data' object")
    shape = Shape(path, where, "?", "psc")
    data = rec["data"]
    kind = shape.text(data, "kind", "data.kind") or ""
    if kind.startswith("totals") or not kind:
        return
    company = (shape.text(rec, "company_number") or "").strip()
    if not company:
        raise SourceFormatError(str(path), where, f"{kind} record without a company_number")
    owned = f"gb-coh:{company.zfill(8) if company.isdigit() else company}"
    out.entities.append(
        EntityRecord(owned, None, incorporation_country="GB", source="Companies House PSC", source_record=where)
    )
    link = shape.text(shape.obj(data, "links", "data.links"), "self", "data.links.self")
    record = f"{where} {link or ''}".strip()
    ceased = shape.text(data, "ceased_on", "data.ceased_on")
    if "statement" in kind or "exemption" in kind or "super-secure" in kind:
        exemptions = data.get("exemptions")
        listed = ";".join(str(k) for k in exemptions) if isinstance(exemptions, dict) else ""
        reason = shape.text(data, "statement", "data.statement") or listed or kind
        if not ceased:
            out.exceptions.append(ExceptionRecord(owned, kind, reason, "Companies House PSC", record))
        return
    owner = _owner(shape, data)
    owner.source_record = where
    out.entities.append(owner)
    natures = data.get("natures_of_control") or []
    if not isinstance(natures, list):
        raise shape.fail("data.natures_of_control", "array", natures)
    for nature in natures:
        found = _nature(str(nature))
        if found is None:
            continue
        edge_kind, lo, hi = found
        out.edges.append(
            EdgeRecord(
                owner.id,
                owned,
                lo,
                hi,
                edge_kind,
                "Companies House PSC",
                f"{record} ({nature})",
                valid_from=day(shape.text(data, "notified_on", "data.notified_on")),
                valid_to=day(ceased),
            )
        )
