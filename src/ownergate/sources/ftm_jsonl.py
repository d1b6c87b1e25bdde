"""FollowTheMoney entities as JSON lines (what OpenSanctions publishes as ``entities.ftm.json``).

Each line is one entity ``{"id", "schema", "properties": {...}, "datasets": [...]}``, read through
the ``followthemoney`` library's model. Parties (Person, Company, Organization, LegalEntity,
PublicBody, Vessel, Airplane ...) become entries; other schemata (Address, Sanction, Ownership ...)
are not parties and are skipped. ``parent`` references resolve to the parent's name when the
parent is in the same file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ownergate.errors import SourceFormatError
from ownergate.sources.base import ListSource
from ownergate.sources.model import Alias, AliasKind, Country, CountryRole, Entry, Identifier, Provenance, Schema
from ownergate.sources.qualifiers import add_published_names
from ownergate.sources.text import country_code, parse_date, read_text, script_of

# OpenSanctions dataset name -> ownergate list id.
DATASETS = {
    "us_ofac_sdn": "us-ofac-sdn", "us_ofac_cons": "us-ofac-cons", "us_dod_chinese_milcorps": "us-dod-1260h",
    "us_bis_denied": "us-bis-dpl", "un_sc_sanctions": "un-sc", "gb_fcdo_sanctions": "uk-sanctions",
    "eu_fsf": "eu-fsf", "us_fcc_covered_list": "us-fcc-covered",
}  # fmt: skip
_NAMES = (("name", AliasKind.AKA), ("alias", AliasKind.AKA), ("weakAlias", AliasKind.WEAK),
          ("previousName", AliasKind.FKA))  # fmt: skip
_COUNTRIES = (("nationality", CountryRole.NATIONALITY), ("citizenship", CountryRole.CITIZENSHIP),
              ("jurisdiction", CountryRole.INCORPORATION), ("mainCountry", CountryRole.HEADQUARTERS),
              ("country", CountryRole.OTHER))  # fmt: skip
_IDS = {"registrationNumber": "registration", "taxNumber": "tax", "leiCode": "lei", "imoNumber": "imo",
        "innCode": "tax", "ogrnCode": "registration", "swiftBic": "swift", "email": "email", "website": "website",
        "idNumber": "national_id", "passportNumber": "passport", "mmsi": "mmsi", "uscCode": "registration"}  # fmt: skip


def _schema(proxy: Any) -> Schema | None:
    schema = proxy.schema
    if schema.is_a("Person"):
        return Schema.PERSON
    if schema.is_a("Vessel"):
        return Schema.VESSEL
    if schema.is_a("Airplane"):
        return Schema.AIRCRAFT
    if schema.is_a("LegalEntity"):
        return Schema.ORGANIZATION
    return None


class FtmJsonlSource(ListSource):
    format = "ftm-jsonl"

    def official_lists(self) -> frozenset[str]:
        """OpenSanctions exports name their dataset in each record (``datasets``), not in the file name."""
        return frozenset(DATASETS.values())

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return False
        first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip()
        return first.startswith(b"{") and b'"schema"' in first and b'"properties"' in first

    def read(self, path: Path, list_id: str | None = None) -> Iterator[Entry]:
        # Imported here: the library takes seconds to load, and only this format needs it.
        from followthemoney import model
        from followthemoney.exc import FollowTheMoneyException

        records: list[tuple[int, dict[str, Any], Any]] = []
        for number, line in enumerate(read_text(path).splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict) or not isinstance(data.get("properties", {}), dict):
                    raise ValueError("not an entity object")
                proxy = model.get_proxy(data, cleaned=False)
            except (ValueError, TypeError, KeyError, AttributeError, FollowTheMoneyException) as exc:
                raise SourceFormatError(str(path), f"line {number}", f"not a FollowTheMoney entity: {exc}") from exc
            records.append((number, data, proxy))
        captions = {p.id: p.caption for _, _, p in records}
        for number, data, proxy in records:
            schema = _schema(proxy)
            if schema is None:
                continue
            names = [(n, kind) for prop, kind in _NAMES for n in proxy.get(prop, quiet=True)]
            if not names or not proxy.id:
                raise SourceFormatError(str(path), f"line {number}", "a party needs an id and a name")
            datasets = [str(d) for d in data.get("datasets", []) if isinstance(d, str)]
            target = list_id or next((DATASETS[d] for d in datasets if d in DATASETS), None)
            target = target or ("os-" + datasets[0].replace("_", "-") if datasets else "ftm")
            entry = Entry(
                list_id=target,
                entry_id=str(proxy.id),
                schema=schema,
                name=names[0][0],
                provenance=Provenance(path.name, f"line {number}"),
                aliases=[Alias(n, AliasKind.NATIVE if script_of(n) else k, script_of(n)) for n, k in names[1:]],
                addresses=list(proxy.get("address", quiet=True)),
                identifiers=[Identifier(kind, v) for prop, kind in _IDS.items() for v in proxy.get(prop, quiet=True)],
                programs=list(proxy.get("program", quiet=True)) + list(proxy.get("topics", quiet=True)),
                listed_on=parse_date(str(data.get("first_seen") or "")[:10]),
                parents=[captions.get(p, p) for p in proxy.get("parent", quiet=True)],
                birth_dates=list(proxy.get("birthDate", quiet=True)),
                raw=data,
            )
            for prop, role in _COUNTRIES:
                for value in proxy.get(prop, quiet=True):
                    code = country_code(value)
                    if code and Country(code, role) not in entry.countries:
                        entry.countries.append(Country(code, role))
            yield add_published_names(entry)
