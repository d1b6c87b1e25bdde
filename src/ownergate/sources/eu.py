"""EU consolidated financial sanctions: the official FSF XML, and the per-act CSV transcription
(one CSV per legal act, ``celex,recordId,...``, loaded as a folder or one file at a time).

Both yield list ``eu-fsf``. In the CSV, values are separated by ``;``; a name followed by its
original-script form in parentheses (``Sergei AKSENOV (Сергей АКСЁНОВ)``) gives two aliases.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from ownergate.errors import SourceFormatError
from ownergate.sources.base import ListInfo, ListSource
from ownergate.sources.model import Alias, AliasKind, Country, CountryRole, Entry, Identifier, Provenance, Schema
from ownergate.sources.qualifiers import add_published_names
from ownergate.sources.text import (
    UniqueIds,
    clean,
    country_code,
    csv_records,
    parse_date,
    read_bytes,
    read_text,
    schema_of,
    script_of,
    slug,
    split,
)
from ownergate.sources.xmlsafe import date_in_head, flatten, parse_xml

_URL = "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw"
LISTS = (ListInfo("eu-fsf", "EU Consolidated Financial Sanctions List", "European Commission (FISMA)", _URL),)
CSV_COLUMNS = ("celex", "recordId", "schema", "name")
_CSV_COUNTRIES = (
    ("nationality", CountryRole.NATIONALITY),
    ("jurisdiction", CountryRole.INCORPORATION),
    ("country", CountryRole.OTHER),
)
_NATIVE = re.compile(r"^(.*?)\s*\(([^()]+)\)$")
_CSV_IDS = {
    "registrationNumber": "registration", "taxNumber": "tax", "idNumber": "national_id", "innCode": "tax",
    "ogrnCode": "registration", "kppCode": "registration", "okpoCode": "registration", "leiCode": "lei",
    "swiftBic": "swift", "imoNumber": "imo", "mmsi": "mmsi", "passportNumber": "passport", "email": "email",
    "website": "website",
}  # fmt: skip


def _names(value: str, kind: AliasKind) -> list[Alias]:
    out: list[Alias] = []
    for name in split(value):
        match = _NATIVE.match(name)
        if match and script_of(match.group(2)):
            out.append(Alias(match.group(1), kind, script_of(match.group(1))))
            out.append(Alias(match.group(2), AliasKind.NATIVE, script_of(match.group(2))))
        else:
            out.append(Alias(name, AliasKind.NATIVE if script_of(name) else kind, script_of(name)))
    return out


def _iso(value: str) -> str:
    """``26.11.1972`` -> ``1972-11-26``; partial or free-text dates stay as written."""
    parsed = parse_date(value)
    return parsed.isoformat() if parsed else value


def _first_bytes(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(64)


def _is_eu_csv(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"celex,recordId,")


class EuCsvSource(ListSource):
    format = "eu-csv"
    lists = LISTS

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            files = sorted(path.glob("*.csv"))
            return bool(files) and all(_is_eu_csv(_first_bytes(f)) for f in files[:3])
        return _is_eu_csv(head)

    def member_files(self, path: Path) -> list[Path]:
        return sorted(path.glob("*.csv")) if path.is_dir() else [path]

    def read(self, path: Path, list_id: str | None = None) -> Iterator[Entry]:
        unique = UniqueIds()
        for file in self.member_files(path):
            for line, row in csv_records(file, read_text(file), CSV_COLUMNS):
                if not row["celex"] or not row["name"]:
                    raise SourceFormatError(str(file), f"line {line}", "celex and name must not be empty")
                record = row["recordId"] or slug(row["name"])
                entry = Entry(
                    list_id=list_id or "eu-fsf",
                    entry_id=unique(f"{row['celex']}-{record}"),
                    schema=schema_of(row["schema"]),
                    name=clean(row["name"]),
                    provenance=Provenance(file.name, f"line {line}"),
                    aliases=_names(row.get("alias", ""), AliasKind.AKA)
                    + _names(row.get("weakAlias", ""), AliasKind.WEAK)
                    + _names(row.get("previousName", ""), AliasKind.FKA),
                    addresses=split(row.get("address")),
                    programs=split(row.get("programKey")),
                    listed_on=parse_date(row.get("startDate")),
                    birth_dates=[_iso(d) for d in split(row.get("birthDate"))],
                    raw={k: v for k, v in row.items() if v},
                )
                for column, role in _CSV_COUNTRIES:
                    for value in split(row.get(column)):
                        code = country_code(value)
                        if code and Country(code, role) not in entry.countries:
                            entry.countries.append(Country(code, role))
                for column, kind in _CSV_IDS.items():
                    entry.identifiers += [Identifier(kind, v) for v in split(row.get(column))]
                yield add_published_names(entry)


class EuXmlSource(ListSource):
    format = "eu-xml"
    lists = LISTS

    def sniff(self, path: Path, head: bytes) -> bool:
        return not path.is_dir() and b"<export" in head and b"sanctionEntity" in head

    def published(self, path: Path) -> date | None:
        return date_in_head(path, r'generationDate="(\d{4}-\d{2}-\d{2})')

    def read(self, path: Path, list_id: str | None = None) -> Iterator[Entry]:
        root = parse_xml(path, read_bytes(path))
        if root.tag != "export":
            raise SourceFormatError(str(path), f"<{root.tag}>", "root element is not <export>")
        unique = UniqueIds()
        for node in root.iter("sanctionEntity"):
            ref = node.get("euReferenceNumber") or node.get("logicalId") or ""
            where = f"<sanctionEntity logicalId={node.get('logicalId', '?')}>"
            names = [a for a in node.findall("nameAlias") if clean(a.get("wholeName"))]
            if not ref or not names:
                raise SourceFormatError(str(path), where, "needs a euReferenceNumber (or logicalId) and a nameAlias")
            kind = node.find("subjectType").get("code", "") if node.find("subjectType") is not None else ""  # type: ignore[union-attr]
            entry = Entry(
                list_id=list_id or "eu-fsf",
                entry_id=unique(ref),
                schema=Schema.PERSON if kind == "person" else Schema.ORGANIZATION,
                name=clean(names[0].get("wholeName")),
                provenance=Provenance(path.name, where),
                programs=[r.get("programme", "") for r in node.findall("regulation") if r.get("programme")],
                raw=flatten(node),  # type: ignore[arg-type]
            )
            dates = [parse_date(r.get("publicationDate")) for r in node.findall("regulation")]
            entry.listed_on = min((d for d in dates if d), default=None)
            for alias in names[1:]:
                text = clean(alias.get("wholeName"))
                weak = alias.get("strong", "true").lower() == "false"
                entry.aliases.append(Alias(text, AliasKind.WEAK if weak else AliasKind.AKA, script_of(text)))
            for tag, role in (("citizenship", CountryRole.CITIZENSHIP), ("address", CountryRole.ADDRESS)):
                for item in node.findall(tag):
                    code = (item.get("countryIso2Code") or "").upper()
                    if len(code) == 2 and code != "00" and Country(code, role) not in entry.countries:
                        entry.countries.append(Country(code, role))
            for address in node.findall("address"):
                parts = [clean(address.get(k)) for k in ("street", "poBox", "city", "zipCode", "countryDescription")]
                if any(parts):
                    entry.addresses.append(", ".join(p for p in parts if p))
            entry.birth_dates = [b.get("birthdate") or b.get("year") or "" for b in node.findall("birthdate")]
            entry.birth_dates = [b for b in entry.birth_dates if b]
            for ident in node.findall("identification"):
                if clean(ident.get("number")):
                    code = (ident.get("countryIso2Code") or "").upper()
                    entry.identifiers.append(
                        Identifier(ident.get("identificationTypeCode") or "other", clean(ident.get("number")),
                                   code if len(code) == 2 and code != "00" else None)
                    )  # fmt: skip
            yield add_published_names(entry)
