"""FollowTheMoney entities as JSON lines: ``Ownership`` edges and the parties they join.

An ``Ownership`` entity (``owner`` -> ``asset``) becomes an edge of kind shares; its
``percentage`` (``"50"``, ``"50%"``, ``"25-50"``) gives the share, none given means control of
unknown size; ``startDate``/``endDate`` are the validity. ``Company``, ``Organization``,
``LegalEntity`` and ``Person`` entities become nodes: ``country``/``jurisdiction`` the
incorporation country, ``mainCountry`` (else ``country``) the headquarters; persons'
``nationality`` and ``country`` their nationality and residence; ``topics`` such as ``sanction``
become list ids ``ftm-topic:<topic>``. Other schemata are skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ownergate.errors import SourceFormatError
from ownergate.ownership.graph import EdgeKind, NodeKind
from ownergate.ownership.sources.common import country_code, day, json_records, percent
from ownergate.ownership.sources.records import EdgeRecord, EntityRecord, Parsed

PARTIES = {"Company", "Organization", "LegalEntity", "PublicBody", "Person"}


def _first(props: dict[str, Any], *names: str) -> str | None:
    for name in names:
        values = props.get(name) or []
        if values:
            return str(values[0])
    return None


def _share(text: str | None, where: str, path: Path) -> tuple[float | None, float | None]:
    if not text:
        return None, None
    cleaned = text.replace("%", "").strip()
    if "-" in cleaned[1:]:
        a, b = cleaned.split("-", 1)
        return percent(a, where, path), percent(b, where, path)
    x = percent(cleaned, where, path)
    return x, x


def parse(path: Path) -> Parsed:
    out = Parsed(str(path), "ftm")
    for where, ent in json_records(path):
        if not isinstance(ent, dict) or "schema" not in ent or not ent.get("id"):
            raise SourceFormatError(str(path), where, "a FollowTheMoney entity needs 'id' and 'schema'")
        schema, props, eid = ent["schema"], ent.get("properties") or {}, str(ent["id"])
        if schema == "Ownership":
            owner, asset = _first(props, "owner"), _first(props, "asset")
            if not owner or not asset:
                raise SourceFormatError(str(path), where, f"Ownership {eid} needs owner and asset")
            lo, hi = _share(_first(props, "percentage"), where, path)
            out.edges.append(
                EdgeRecord(
                    owner,
                    asset,
                    lo,
                    hi,
                    EdgeKind.SHARES if lo is not None else EdgeKind.CONTROL,
                    _first(props, "publisher") or "FollowTheMoney",
                    f"{where}: Ownership {eid}",
                    valid_from=day(_first(props, "startDate")),
                    valid_to=day(_first(props, "endDate")),
                )
            )
        elif schema in PARTIES:
            person = schema == "Person"
            country = country_code(_first(props, "country"))
            out.entities.append(
                EntityRecord(
                    eid,
                    _first(props, "name"),
                    kind=NodeKind.PERSON if person else NodeKind.STATE if schema == "PublicBody" else NodeKind.COMPANY,
                    hq_country=None if person else country_code(_first(props, "mainCountry")) or country,
                    incorporation_country=None if person else country_code(_first(props, "jurisdiction")) or country,
                    nationality=country_code(_first(props, "nationality")) if person else None,
                    residence=country if person else None,
                    lists=tuple(f"ftm-topic:{t}" for t in props.get("topics") or []),
                    identifiers={
                        k: str(props[k][0]) for k in ("leiCode", "registrationNumber", "innCode") if props.get(k)
                    },
                    source="FollowTheMoney",
                    source_record=f"{where}: {schema} {eid}",
                )
            )
    return out
