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
from ownergate.ownership.sources.common import EXCLUSIVE_NUDGE, country_code, day, json_records
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


def _owner(path: Path, where: str, data: dict[str, Any]) -> EntityRecord:
    kind = str(data.get("kind", ""))
    links = data.get("links") or {}
    link = str(links.get("self") or "") if isinstance(links, dict) else ""
    key = link.rsplit("/", 1)[-1] or str(data.get("etag") or "")
    if not key:
        raise SourceFormatError(str(path), where, f"{kind} record without links.self or etag: no id for the owner")
    own_id = f"psc:{key}"
    name = data.get("name") or " ".join(
        filter(None, ((data.get("name_elements") or {}).get(k) for k in ("forename", "middle_name", "surname")))
    )
    if kind.startswith("individual"):
        return EntityRecord(
            own_id,
            name or None,
            kind=NodeKind.PERSON,
            nationality=country_code(data.get("nationality")) or data.get("nationality"),
            residence=country_code(data.get("country_of_residence")),
            source="Companies House PSC",
        )
    ident = data.get("identification") or {}
    registered = str(ident.get("country_registered") or ident.get("legal_authority") or "")
    number = str(ident.get("registration_number") or "").strip()
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
    data, kind = rec["data"], rec["data"].get("kind", "")
    if not isinstance(kind, str):
        raise SourceFormatError(str(path), where, f"data.kind {kind!r} is not text")
    if kind.startswith("totals") or not kind:
        return
    company = str(rec.get("company_number") or "").strip()
    if not company:
        raise SourceFormatError(str(path), where, f"{kind} record without a company_number")
    owned = f"gb-coh:{company.zfill(8) if company.isdigit() else company}"
    out.entities.append(
        EntityRecord(owned, None, incorporation_country="GB", source="Companies House PSC", source_record=where)
    )
    links = data.get("links") if isinstance(data.get("links"), dict) else {}
    record = f"{where} {links.get('self') or ''}".strip()
    if "statement" in kind or "exemption" in kind or "super-secure" in kind:
        reason = (
            data.get("statement")
            or ";".join(data.get("exemptions", {}) if isinstance(data.get("exemptions"), dict) else [])
            or kind
        )
        if not data.get("ceased_on"):
            out.exceptions.append(ExceptionRecord(owned, kind, str(reason), "Companies House PSC", record))
        return
    owner = _owner(path, where, data)
    owner.source_record = where
    out.entities.append(owner)
    for nature in data.get("natures_of_control") or []:
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
                valid_from=day(data.get("notified_on")),
                valid_to=day(data.get("ceased_on")),
            )
        )
