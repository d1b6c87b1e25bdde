"""UK Sanctions List (FCDO): the official CSV, and the normalised folder split into
``subjects.csv``, ``subject_names.csv``, ``subject_countries.csv``, ``subject_dobs.csv`` and
``subject_identifiers.csv`` (joined by ``unique_id``).

The official CSV has one row per name of a designation (grouped by ``Unique ID``), after a
``Report Date`` line; columns are found by their header names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from ownergate.errors import SourceFormatError
from ownergate.sources.base import ListInfo, ListSource
from ownergate.sources.model import Alias, AliasKind, Country, CountryRole, Entry, Identifier, Provenance, Schema
from ownergate.sources.qualifiers import add_published_names
from ownergate.sources.text import clean, country_code, csv_records, parse_date, read_text, schema_of, script_of, split

_URL = "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv"
LISTS = (ListInfo("uk-sanctions", "UK Sanctions List", "UK FCDO", _URL),)
_SPLIT_FILES = ("subjects", "subject_names", "subject_countries", "subject_dobs", "subject_identifiers")
_ROLES = {"address": CountryRole.ADDRESS, "birth": CountryRole.BIRTH, "nationality": CountryRole.NATIONALITY}
_ID_KINDS = {"passport": "passport", "national": "national_id", "business_registration_numbers": "registration"}
_SCHEMAS = {"ship": Schema.VESSEL}


def _alias_kind(name_type: str, strength: str) -> AliasKind:
    return AliasKind.WEAK if "low" in strength.lower() else AliasKind.AKA


class UkSplitSource(ListSource):
    format = "uk-split"
    lists = LISTS

    def sniff(self, path: Path, head: bytes) -> bool:
        return path.is_dir() and (path / "subjects.csv").is_file() and (path / "subject_names.csv").is_file()

    def member_files(self, path: Path) -> list[Path]:
        return [path / f"{name}.csv" for name in _SPLIT_FILES if (path / f"{name}.csv").is_file()]

    def read(self, path: Path, list_id: str | None = None) -> Iterator[Entry]:
        joined: dict[str, dict[str, list[dict[str, str]]]] = {}
        for name, required in (
            ("subject_names", ("unique_id", "name_type", "full_name")),
            ("subject_countries", ("unique_id", "country_type", "iso")),
            ("subject_dobs", ("unique_id", "year")),
            ("subject_identifiers", ("unique_id", "raw_value", "identifier_type")),
        ):
            file = path / f"{name}.csv"
            rows: dict[str, list[dict[str, str]]] = defaultdict(list)
            if file.is_file():
                for _, row in csv_records(file, read_text(file), required):
                    rows[row["unique_id"]].append(row)
            joined[name] = rows
        subjects = path / "subjects.csv"
        for line, row in csv_records(subjects, read_text(subjects), ("unique_id", "subject_type", "date_designated")):
            uid = row["unique_id"]
            names = joined["subject_names"].get(uid, [])
            primary = [n for n in names if n["name_type"] == "primary"] or names
            if not uid or not primary:
                raise SourceFormatError(str(subjects), f"line {line}", f"subject {uid!r} has no name")
            entry = Entry(
                list_id=list_id or "uk-sanctions",
                entry_id=uid,
                schema=_SCHEMAS.get(row["subject_type"]) or schema_of(row["subject_type"]),
                name=clean(primary[0]["full_name"]),
                provenance=Provenance(subjects.name, f"line {line}"),
                listed_on=parse_date(row["date_designated"]),
            )
            for other in names:
                alias = clean(other["full_name"])
                if other is not primary[0] and alias and alias != entry.name:
                    entry.aliases.append(
                        Alias(alias, _alias_kind(other["name_type"], other.get("alias_strength", "")), script_of(alias))
                    )
            for country in joined["subject_countries"].get(uid, []):
                item = Country(country["iso"].upper(), _ROLES.get(country["country_type"], CountryRole.OTHER))
                if len(item.code) == 2 and item not in entry.countries:
                    entry.countries.append(item)
            for dob in joined["subject_dobs"].get(uid, []):
                entry.birth_dates.append("-".join(p for p in (dob["year"], dob.get("month"), dob.get("day")) if p))
            for ident in joined["subject_identifiers"].get(uid, []):
                kind = _ID_KINDS.get(ident["identifier_type"], ident["identifier_type"] or "other")
                identifier = Identifier(kind, clean(ident["raw_value"]).lstrip("'"))
                if identifier.value and identifier not in entry.identifiers:
                    entry.identifiers.append(identifier)
            entry.raw = {**row, **{k: v.get(uid, []) for k, v in joined.items()}}
            yield add_published_names(entry)


def _col(row: dict[str, str], *names: str) -> str:
    """The first non-empty of the named columns; header names match whatever their case."""
    for name in names:
        value = row.get(name.lower())
        if value:
            return clean(value)
    return ""


class UkCsvSource(ListSource):
    format = "uk-csv"
    lists = LISTS

    def sniff(self, path: Path, head: bytes) -> bool:
        return not path.is_dir() and b"Unique ID" in head[:4096] and b"Name 6" in head[:4096]

    def read(self, path: Path, list_id: str | None = None) -> Iterator[Entry]:
        text = read_text(path)
        lines = text.splitlines(keepends=True)
        skipped = next((i for i, line in enumerate(lines[:5]) if "Unique ID" in line), None)
        if skipped is None:
            raise SourceFormatError(str(path), "line 1", "no header row with a 'Unique ID' column")
        groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
        for line, record in csv_records(path, "".join(lines[skipped:]), ("Unique ID", "Name 6")):
            row = {k.lower(): v for k, v in record.items()}
            uid = clean(row["unique id"])
            if not uid:
                raise SourceFormatError(str(path), f"line {line + skipped}", "Unique ID is empty")
            groups.setdefault(uid, []).append((line + skipped, row))
        for uid, rows in groups.items():
            yield self._entry(path, uid, rows, list_id or "uk-sanctions")

    @staticmethod
    def _entry(path: Path, uid: str, rows: list[tuple[int, dict[str, str]]], list_id: str) -> Entry:
        def full(row: dict[str, str]) -> str:
            parts = [_col(row, f"Name {i}") for i in (1, 2, 3, 4, 5, 6)]
            return " ".join(p for p in parts if p)

        primary = next((r for _, r in rows if "primary" in _col(r, "Name type", "Name Type").lower()), rows[0][1])
        first = rows[0][1]
        kind = _col(first, "Individual, Entity, Ship", "Subject Type", "Group Type")
        entry = Entry(
            list_id=list_id,
            entry_id=uid,
            schema=_SCHEMAS.get(kind.lower()) or schema_of(kind),
            name=full(primary),
            provenance=Provenance(path.name, f"line {rows[0][0]}"),
            programs=split(_col(first, "Regime", "Regime Name")),
            listed_on=parse_date(_col(first, "Date designated", "Date Designated")),
            raw={"rows": [r for _, r in rows]},
        )
        for _, row in rows:
            alias = full(row)
            if alias and alias != entry.name and all(a.name != alias for a in entry.aliases):
                entry.aliases.append(Alias(alias, _alias_kind("", _col(row, "Alias strength")), script_of(alias)))
            native = _col(row, "Name non-latin script")
            if native and all(a.name != native for a in entry.aliases):
                entry.aliases.append(Alias(native, AliasKind.NATIVE, script_of(native)))
        for value in split(_col(first, "Nationality(/ies)", "Nationality")):
            if code := country_code(value):
                entry.countries.append(Country(code, CountryRole.NATIONALITY))
        for _, row in rows:
            address = ", ".join(p for p in (_col(row, f"Address line {i}") for i in range(1, 7)) if p)
            country = _col(row, "Address country", "Address Country")
            if address or country:
                full_address = ", ".join(p for p in (address, country) if p)
                if full_address not in entry.addresses:
                    entry.addresses.append(full_address)
            if (code := country_code(country)) and Country(code, CountryRole.ADDRESS) not in entry.countries:
                entry.countries.append(Country(code, CountryRole.ADDRESS))
        entry.birth_dates = split(_col(first, "D.O.B", "DOB"))
        for label, kind_name in (("Passport number", "passport"), ("National Identifier number", "national_id"),
                                 ("Business registration number (s)", "registration"), ("IMO number", "imo"),
                                 ("Website", "website"), ("Email address", "email")):  # fmt: skip
            entry.identifiers += [Identifier(kind_name, v) for v in split(_col(first, label))]
        entry.parents = split(_col(first, "Parent company"))
        return add_published_names(entry)
