"""Smaller U.S. lists in OpenSanctions' CSV transcriptions: DoD Section 1260H Chinese military
companies (with the parent each names), the FCC covered list, BIS military-intelligence end users,
FinCEN section 311 special measures, and the NDAA / State Department section lists.

These files carry no record ids: an entry's id is a slug of its name (``#2`` for a repeat).
Which list a file holds is read from its header and, for the NDAA family, its file name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
    read_text,
    schema_of,
    script_of,
    slug,
    split,
)

_OS = "https://data.opensanctions.org/datasets/latest/"
LISTS = (
    ListInfo("us-dod-1260h", "DoD Section 1260H Chinese Military Companies", "US Department of Defense",
             _OS + "us_dod_chinese_milcorps/entities.ftm.json"),
    ListInfo("us-fcc-covered", "FCC Covered List", "US Federal Communications Commission", None),
    ListInfo("us-bis-mieu", "BIS Military-Intelligence End Users", "US Commerce BIS", None),
    ListInfo("us-fincen-311", "FinCEN Section 311 Special Measures", "US Treasury FinCEN", None),
    ListInfo("us-state-inksna", "Iran, North Korea, and Syria Nonproliferation Act sanctions", "US State Department",
             None),
    ListInfo("us-ndaa-1286", "NDAA FY2019 Section 1286 list", "US Congress / DoD", None),
    ListInfo("us-ndaa-889", "NDAA FY2019 Section 889 covered companies", "US Congress", None),
    ListInfo("us-ndaa-5949", "NDAA FY2023 Section 5949 semiconductor companies", "US Congress", None),
    ListInfo("us-ndaa-154", "NDAA FY2024 Section 154 battery makers", "US Congress", None),
    ListInfo("us-state-353", "Section 353 Corrupt and Undemocratic Actors", "US State Department", None),
)  # fmt: skip
# Header signature (first columns) -> (list id, name column, required columns).
_LAYOUTS = {
    "Name,Clean Name,Alias,Previous Name,Parent Name": ("us-dod-1260h", ("Name", "Parent Name")),
    "covered_equipment_or_services,date_of_inclusion_on_covered_list": (
        "us-fcc-covered", ("covered_equipment_or_services",)),
    "Type,Name,Alias,Country,Topics,Program": ("us-bis-mieu", ("Name", "Program")),
    "Measure,Relationship,Type,Name,Alias,Country": ("us-fincen-311", ("Name", "Measure")),
    "schema,name,aliases,topics,program": ("us-special-leg", ("schema", "name")),
}  # fmt: skip
_SPECIAL = {"inksna": "us-state-inksna", "1286": "us-ndaa-1286", "889": "us-ndaa-889", "5949": "us-ndaa-5949",
            "154": "us-ndaa-154", "353": "us-state-353"}  # fmt: skip
_FCC_NAME = re.compile(r"(?:produced|provided) by ([^,]+?)(?:,| and its | including|\.|$)", re.IGNORECASE)
_PAREN = re.compile(r"^(.*?)\s*\(([^()]*)\)\*?$")


def _layout(head: bytes) -> tuple[str, tuple[str, ...]] | None:
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace").replace('"', "").strip()
    for signature, layout in _LAYOUTS.items():
        if first.startswith(signature):
            return layout
    return None


def _special_list(path: Path) -> str:
    for key, list_id in _SPECIAL.items():
        if re.search(rf"(^|_){key}(\.|_|$)", path.stem):
            return list_id
    return "us-" + slug(path.stem)


class UsListsSource(ListSource):
    format = "us-lists-csv"
    lists = LISTS

    def sniff(self, path: Path, head: bytes) -> bool:
        return not path.is_dir() and _layout(head) is not None

    def read(self, path: Path, list_id: str | None = None) -> Iterator[Entry]:
        text = read_text(path)
        layout = _layout(text[:4096].encode("utf-8"))
        if layout is None:
            raise SourceFormatError(str(path), "line 1", "header matches none of the U.S. list layouts")
        target, required = layout
        if target == "us-special-leg":
            target = _special_list(path)
        unique = UniqueIds()
        for line, row in csv_records(path, text, required):
            entry = self._entry(target, row)
            if entry is None:
                raise SourceFormatError(str(path), f"line {line}", "no name")
            entry.list_id = list_id or target
            entry.entry_id = unique(slug(entry.name))
            entry.provenance = Provenance(path.name, f"line {line}")
            entry.raw = {k: v for k, v in row.items() if v}
            yield add_published_names(entry)

    @staticmethod
    def _entry(target: str, row: dict[str, str]) -> Entry | None:
        if target == "us-dod-1260h":
            name = clean(row.get("Clean Name")) or clean(row["Name"]).rstrip("*")
            entry = _base(name, Schema.ORGANIZATION, row.get("Alias"), row.get("Start date"))
            entry.aliases += [Alias(n, AliasKind.FKA, script_of(n)) for n in split(row.get("Previous Name"))]
            entry.parents = split(row.get("Parent Name"))
            entry.countries = [Country("CN", CountryRole.OTHER)]
            entry.programs = ["US-DOD-1260H"]
            return entry if name else None
        if target == "us-fcc-covered":
            text = clean(row["covered_equipment_or_services"])
            match = _FCC_NAME.search(text)
            name = clean(match.group(1)) if match else text
            entry = _base(name, Schema.ORGANIZATION, "", row.get("date_of_inclusion_on_covered_list"))
            entry.programs = ["US-FCC-COVERED"]
            return entry if name else None
        if target == "us-bis-mieu":
            entry = _base(clean(row["Name"]), schema_of(row.get("Type")), row.get("Alias"), row.get("Date"))
            entry.programs = split(row.get("Program"))
        elif target == "us-fincen-311":
            entry = _base(clean(row["Name"]), schema_of(row.get("Type")), row.get("Alias"), None)
            entry.programs = [f"FINCEN-311: {clean(row['Measure'])}"]
            entry.addresses = split(row.get("Address"))
            entry.identifiers = [Identifier("registration", v) for v in split(row.get("Registration number"))]
        else:
            entry = _base(clean(row["name"]), schema_of(row.get("schema")), row.get("aliases"), row.get("start-date"))
            entry.programs = split(row.get("program"))
        for value in split(row.get("Country") or row.get("country")):
            code = country_code(value)
            if code and Country(code, CountryRole.OTHER) not in entry.countries:
                entry.countries.append(Country(code, CountryRole.OTHER))
        return entry if entry.name else None


def _base(name: str, schema: Schema, aliases: str | None, listed: str | None) -> Entry:
    entry = Entry("", "", schema, name, Provenance("", ""), listed_on=parse_date(listed))
    entry.aliases = [Alias(a, AliasKind.AKA, script_of(a)) for a in split(aliases)]
    return entry
