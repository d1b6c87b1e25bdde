"""The U.S. Consolidated Screening List (trade.gov), CSV or JSON: each source inside is its own list.

The CSV joins multiple values with ``; `` (addresses end with their ISO country code; ids read
``[country, [date,]] number, type``). The JSON layout (``{"results": [...]}``) has the same fields
as arrays and objects. Both become the same entries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ownergate.errors import SourceFormatError
from ownergate.sources.base import ListInfo, ListSource
from ownergate.sources.model import Alias, AliasKind, Country, CountryRole, Entry, Identifier, Provenance, Schema
from ownergate.sources.ofac_remarks import IDENTIFIER_LABELS
from ownergate.sources.qualifiers import add_published_names
from ownergate.sources.text import (
    UniqueIds,
    clean,
    country_code,
    csv_records,
    decode,
    looks_like_organization,
    parse_date,
    read_bytes,
    schema_of,
    script_of,
    slug,
    split,
)

_URL = "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"
# The abbreviation in each CSL source name -> (list id, title, publisher).
SOURCES = {
    "SDN": ("us-ofac-sdn", "OFAC Specially Designated Nationals", "US Treasury OFAC"),
    "EL": ("us-bis-entity", "BIS Entity List", "US Commerce BIS"),
    "MEU": ("us-bis-meu", "BIS Military End-User List", "US Commerce BIS"),
    "UVL": ("us-bis-unverified", "BIS Unverified List", "US Commerce BIS"),
    "DPL": ("us-bis-dpl", "BIS Denied Persons List", "US Commerce BIS"),
    "CMIC": ("us-ofac-nscmic", "OFAC Non-SDN Chinese Military-Industrial Complex", "US Treasury OFAC"),
    "SSI": ("us-ofac-ssi", "OFAC Sectoral Sanctions Identifications", "US Treasury OFAC"),
    "PLC": ("us-ofac-plc", "OFAC Non-SDN Palestinian Legislative Council", "US Treasury OFAC"),
    "CAP": ("us-ofac-capta", "OFAC CAPTA List", "US Treasury OFAC"),
    "NS-MBS LIST": ("us-ofac-nsmbs", "OFAC Non-SDN Menu-Based Sanctions", "US Treasury OFAC"),
    "FSE": ("us-ofac-fse", "OFAC Foreign Sanctions Evaders", "US Treasury OFAC"),
    "DTC": ("us-ddtc-debarred", "State Department ITAR Debarred", "US State DDTC"),
    "ISN": ("us-state-isn", "State Department Nonproliferation Sanctions", "US State ISN"),
}
COLUMNS = ("source", "entity_number", "type", "programs", "name", "addresses", "alt_names", "ids")
_ABBREVIATION = re.compile(r"\(([^()]+)\)")


def list_for(source_name: str) -> str:
    match = _ABBREVIATION.search(source_name)
    key = match.group(1).strip().upper() if match else source_name.upper()
    found = SOURCES.get(key)
    return found[0] if found else f"us-csl-{slug(key)}"


def _identifier(parts: list[str]) -> Identifier | None:
    """``[country, [date,]] number, type`` -> Identifier, for the id types we know."""
    if len(parts) < 2:
        return None
    kind = IDENTIFIER_LABELS.get(parts[-1].lower().rstrip(":"))
    if kind is None:
        return None
    country = country_code(parts[0]) if len(parts) > 2 and len(parts[0]) == 2 else None
    return Identifier(kind, parts[-2], country)


class CslSource(ListSource):
    format = "csl"
    lists = tuple(ListInfo(lid, title, publisher, _URL) for lid, title, publisher in SOURCES.values())

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return False
        text = head.lstrip(b"\xef\xbb\xbf").lstrip()
        if text.startswith(b"{") or text.startswith(b"["):
            return b'"source"' in text and b'"alt_names"' in text
        first = text.split(b"\n", 1)[0]
        return b"source" in first and b"alt_names" in first and b"entity_number" in first

    def read(self, path: Path, list_id: str | None = None) -> Iterator[Entry]:
        text = decode(path, read_bytes(path))
        unique = UniqueIds()
        if text.lstrip().startswith(("{", "[")):
            records = self._json_records(path, text)
        else:
            records = ((f"line {line}", self._from_csv(row)) for line, row in csv_records(path, text, COLUMNS))
        for where, record in records:
            yield self._entry(path, where, record, list_id, unique)

    @staticmethod
    def _json_records(path: Path, text: str) -> Iterator[tuple[str, dict[str, Any]]]:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceFormatError(str(path), f"line {exc.lineno}", f"malformed JSON: {exc.msg}") from exc
        results = data.get("results") if isinstance(data, dict) else data
        if not isinstance(results, list):
            raise SourceFormatError(str(path), None, "JSON has no 'results' array")
        for index, item in enumerate(results):
            if not isinstance(item, dict):
                raise SourceFormatError(str(path), f"results[{index}]", "is not an object")
            record = dict(item)
            record["addresses"] = [
                ", ".join(clean(str(a.get(k) or "")) for k in ("address", "city", "state", "postal_code", "country")
                          if clean(str(a.get(k) or "")))
                for a in item.get("addresses") or [] if isinstance(a, dict)
            ]  # fmt: skip
            record["ids"] = [
                [clean(str(i.get(k) or "")) for k in ("country", "number", "type") if clean(str(i.get(k) or ""))]
                for i in item.get("ids") or [] if isinstance(i, dict)
            ]  # fmt: skip
            for key in ("alt_names", "programs", "nationalities", "citizenships", "dates_of_birth"):
                value = item.get(key) or []
                record[key] = [clean(str(v)) for v in value] if isinstance(value, list) else split(str(value))
            yield f"results[{index}]", record

    @staticmethod
    def _from_csv(row: dict[str, str]) -> dict[str, Any]:
        record: dict[str, Any] = dict(row)
        record["addresses"] = split(row.get("addresses"))
        record["ids"] = [[p.strip() for p in part.split(",")] for part in split(row.get("ids"))]
        for key in ("alt_names", "programs", "nationalities", "citizenships", "dates_of_birth"):
            record[key] = split(row.get(key))
        return record

    def _entry(self, path: Path, where: str, record: dict[str, Any], list_id: str | None, unique: UniqueIds) -> Entry:
        name = clean(str(record.get("name") or ""))
        source = clean(str(record.get("source") or ""))
        if not name or not source:
            raise SourceFormatError(str(path), where, "name and source must not be empty")
        kind = clean(str(record.get("type") or ""))
        schema = schema_of(kind) if kind else (Schema.ORGANIZATION if looks_like_organization(name) else Schema.PERSON)
        entry_id = clean(str(record.get("entity_number") or "")) or clean(str(record.get("_id") or "")) or slug(name)
        countries: list[Country] = []
        for key, role in (("nationalities", CountryRole.NATIONALITY), ("citizenships", CountryRole.CITIZENSHIP)):
            countries += [Country(c, role) for c in (country_code(v) for v in record[key]) if c]
        for address in record["addresses"]:
            code = country_code(address.rsplit(",", 1)[-1].strip())
            if code and Country(code, CountryRole.ADDRESS) not in countries:
                countries.append(Country(code, CountryRole.ADDRESS))
        raw = {k: v for k, v in record.items() if v not in ("", None, [])}
        entry = Entry(
            list_id=list_id or list_for(source),
            entry_id=unique(entry_id),
            schema=schema,
            name=name,
            provenance=Provenance(path.name, where),
            aliases=[Alias(a, AliasKind.AKA, script_of(a)) for a in record["alt_names"]],
            countries=countries,
            addresses=list(record["addresses"]),
            identifiers=[i for i in (_identifier(parts) for parts in record["ids"]) if i],
            programs=list(record["programs"]),
            listed_on=parse_date(str(record.get("start_date") or "")),
            birth_dates=list(record["dates_of_birth"]),
            raw=raw,
        )
        return add_published_names(entry)
