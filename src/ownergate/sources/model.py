"""The list entry: what every source parser yields, whatever the publisher's format.

An :class:`Entry` is one record of one list, with every value it names and a
:class:`Provenance` that traces it to the file, snapshot and record it came from.
Entries are plain ``__slots__`` dataclasses: parsers create hundreds of thousands.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Schema(StrEnum):
    """What kind of party an entry names."""

    ORGANIZATION = "organization"
    PERSON = "person"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"


class AliasKind(StrEnum):
    """How strongly the list vouches for an alias."""

    AKA = "aka"  # also known as
    FKA = "fka"  # formerly known as
    WEAK = "weak"  # OFAC "weak a.k.a.": low-quality, screen with care
    NATIVE = "native"  # the name in its original, non-Latin script


class CountryRole(StrEnum):
    """Why an entry names a country."""

    NATIONALITY = "nationality"
    CITIZENSHIP = "citizenship"
    ADDRESS = "address"
    INCORPORATION = "incorporation"
    HEADQUARTERS = "headquarters"
    BIRTH = "birth"
    OTHER = "other"


@dataclass(slots=True, frozen=True)
class Alias:
    name: str
    kind: AliasKind = AliasKind.AKA
    script: str | None = None  # ISO 15924 code such as "Hani", "Cyrl", "Arab" when not Latin
    # For a name read out of a published name (sources/qualifiers.py): what was taken off it
    # ("place: Chengdu, Sichuan", "short name: AETC", "parent organization: ..."). None otherwise.
    qualifier: str | None = None


@dataclass(slots=True, frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2, upper case
    role: CountryRole = CountryRole.OTHER


@dataclass(slots=True, frozen=True)
class Identifier:
    kind: str  # "lei", "registration", "tax", "imo", "website", "email", "swift", "passport", ...
    value: str
    country: str | None = None


@dataclass(slots=True, frozen=True)
class Provenance:
    """Where one entry came from: the file, the record inside it, and the snapshot."""

    source_file: str  # base name of the file read
    record: str  # locator inside it: "line 17", "row 4", "<sanctionEntity logicalId=12>"
    # The store snapshot that loaded this version of the entry (set when read back from the store).
    snapshot_id: int | None = None


@dataclass(slots=True)
class Entry:
    list_id: str  # stable list id, e.g. "us-ofac-sdn" (see docs/lists.md)
    entry_id: str  # the source's own record id (OFAC ent_num, UN reference number ...)
    schema: Schema
    name: str
    provenance: Provenance
    aliases: list[Alias] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    listed_on: date | None = None
    parents: list[str] = field(default_factory=list)  # owner / parent names the list itself gives
    birth_dates: list[str] = field(default_factory=list)  # ISO dates or partial dates ("1952", "1952-10")
    raw: dict[str, Any] = field(default_factory=dict)  # the source record as read, every field kept

    def content(self) -> dict[str, Any]:
        """The entry's values without provenance: what a diff compares.

        Built field by field (the same dict ``dataclasses.asdict`` gives, less provenance and raw):
        ``asdict`` deep-copies the raw record first and made loading ten times slower.
        """
        return {
            "list_id": self.list_id,
            "entry_id": self.entry_id,
            "schema": self.schema,
            "name": self.name,
            "aliases": [
                {"name": a.name, "kind": a.kind, "script": a.script}
                | ({"qualifier": a.qualifier} if a.qualifier is not None else {})
                for a in self.aliases
            ],
            "countries": [{"code": c.code, "role": c.role} for c in self.countries],
            "addresses": list(self.addresses),
            "identifiers": [{"kind": i.kind, "value": i.value, "country": i.country} for i in self.identifiers],
            "programs": list(self.programs),
            "listed_on": self.listed_on.isoformat() if self.listed_on else None,
            "parents": list(self.parents),
            "birth_dates": list(self.birth_dates),
        }

    def content_hash(self) -> str:
        blob = json.dumps(self.content(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def all_names(self) -> list[str]:
        """The name and every alias, as published."""
        return [self.name, *(a.name for a in self.aliases)]
