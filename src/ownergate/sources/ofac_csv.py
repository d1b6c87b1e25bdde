"""OFAC's classic CSV sets: the SDN list (sdn/add/alt/sdn_comments.csv) and the consolidated
non-SDN lists (cons_prim/add/alt/comments.csv, including NS-CMIC).

The files have no header; ``-0-`` means empty; a DOS end-of-file byte (0x1A) may close them.
Addresses (add) and aliases (alt) join to the primary record by ``ent_num``; the comments file
continues remarks that overflowed. A primary file loads alone too (``sdn_2024-05-03.csv``).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ownergate.errors import SourceFormatError
from ownergate.sources.base import ListInfo, ListSource
from ownergate.sources.model import Alias, AliasKind, Country, CountryRole, Entry, Provenance, Schema
from ownergate.sources.ofac_remarks import parse_remarks
from ownergate.sources.qualifiers import add_published_names
from ownergate.sources.text import clean, country_code, csv_rows, read_text, schema_of, script_of

SDN_COLUMNS = (
    "ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign",
    "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks",
)  # fmt: skip
ADD_COLUMNS = ("ent_num", "Add_num", "Address", "City/State/Province/Postal Code", "Country", "Add_remarks")
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
COMMENT_COLUMNS = ("ent_num", "Remarks_Extended")
_ALIAS_KINDS = {"aka": AliasKind.AKA, "fka": AliasKind.FKA, "nka": AliasKind.AKA}
_BASE = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
# Sibling files of each primary file, by role.
_SETS = {
    "sdn.csv": {"add": "add.csv", "alt": "alt.csv", "comments": "sdn_comments.csv"},
    "cons_prim.csv": {"add": "cons_add.csv", "alt": "cons_alt.csv", "comments": "cons_comments.csv"},
}


def _cons_list(programs: list[str]) -> str:
    """The non-SDN list a consolidated record belongs to, from its programs."""
    joined = " ".join(programs).upper()
    if "CMIC" in joined:
        return "us-ofac-nscmic"
    if "UKRAINE-EO13662" in joined:
        return "us-ofac-ssi"
    if "NS-PLC" in joined:
        return "us-ofac-plc"
    return "us-ofac-cons"


def _sibling(folder: Path, name: str) -> Path | None:
    for candidate in folder.iterdir():
        if candidate.name.lower() == name:
            return candidate
    return None


def _primary(path: Path) -> Path:
    if path.is_dir():
        for name in _SETS:
            found = _sibling(path, name)
            if found:
                return found
        raise SourceFormatError(str(path), None, "folder holds no sdn.csv or cons_prim.csv")
    return path


def _looks_primary(head: bytes) -> bool:
    lines = head.lstrip(b"\xef\xbb\xbf").decode("utf-8", "replace").splitlines()
    try:
        fields = next(iter(csv.reader(lines[:1])), [])
    except csv.Error:
        return False
    return len(fields) == 12 and fields[0].strip().isdigit() and not fields[1].strip().isdigit()


class OfacCsvSource(ListSource):
    format = "ofac-csv"
    lists = (
        ListInfo("us-ofac-sdn", "OFAC Specially Designated Nationals", "US Treasury OFAC", _BASE + "SDN.CSV"),
        ListInfo("us-ofac-nscmic", "OFAC Non-SDN Chinese Military-Industrial Complex", "US Treasury OFAC",
                 _BASE + "CONS_PRIM.CSV"),
        ListInfo("us-ofac-ssi", "OFAC Sectoral Sanctions Identifications", "US Treasury OFAC", _BASE + "CONS_PRIM.CSV"),
        ListInfo("us-ofac-plc", "OFAC Non-SDN Palestinian Legislative Council", "US Treasury OFAC",
                 _BASE + "CONS_PRIM.CSV"),
        ListInfo("us-ofac-cons", "OFAC other consolidated non-SDN lists", "US Treasury OFAC", _BASE + "CONS_PRIM.CSV"),
    )  # fmt: skip

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return any(_sibling(path, name) for name in _SETS)
        if path.name.lower() in ("add.csv", "alt.csv", "sdn_comments.csv") or path.name.lower().startswith(
            ("cons_add", "cons_alt", "cons_comments")
        ):
            return False
        return _looks_primary(head)

    def member_files(self, path: Path) -> list[Path]:
        primary = _primary(path)
        found = [primary]
        for name in _SETS.get(primary.name.lower(), {}).values():
            sibling = _sibling(primary.parent, name)
            if sibling:
                found.append(sibling)
        return found

    def read(self, path: Path, list_id: str | None = None) -> Iterator[Entry]:
        primary = _primary(path)
        siblings = {role: _sibling(primary.parent, name) for role, name in _SETS.get(primary.name.lower(), {}).items()}
        consolidated = primary.name.lower().startswith("cons")
        addresses = self._joined(siblings.get("add"), ADD_COLUMNS)
        aliases = self._joined(siblings.get("alt"), ALT_COLUMNS)
        comments = self._joined(siblings.get("comments"), COMMENT_COLUMNS)
        for line, row in csv_rows(primary, read_text(primary), len(SDN_COLUMNS)):
            record = dict(zip(SDN_COLUMNS, (v.strip() for v in row), strict=True))
            ent_num = record["ent_num"]
            if not ent_num.isdigit():
                raise SourceFormatError(str(primary), f"line {line}", f"ent_num {ent_num!r} is not a number")
            name = clean(record["SDN_Name"])
            if not name:
                raise SourceFormatError(str(primary), f"line {line}", "SDN_Name is empty")
            programs = [p.strip("[] ") for p in clean(record["Program"]).split("] [") if p.strip("[] ")]
            target = list_id or (_cons_list(programs) if consolidated else "us-ofac-sdn")
            yield self._entry(
                target, record, line, primary.name, programs,
                addresses.get(ent_num, []), aliases.get(ent_num, []), comments.get(ent_num, []),
            )  # fmt: skip

    @staticmethod
    def _joined(path: Path | None, columns: tuple[str, ...]) -> dict[str, list[dict[str, str]]]:
        out: dict[str, list[dict[str, str]]] = defaultdict(list)
        if path is None:
            return out
        for line, row in csv_rows(path, read_text(path), len(columns)):
            record = dict(zip(columns, (v.strip() for v in row), strict=True))
            if not record["ent_num"].isdigit():
                raise SourceFormatError(str(path), f"line {line}", f"ent_num {record['ent_num']!r} is not a number")
            out[record["ent_num"]].append(record)
        return out

    def _entry(
        self,
        list_id: str,
        record: dict[str, str],
        line: int,
        file_name: str,
        programs: list[str],
        addresses: list[dict[str, str]],
        aliases: list[dict[str, str]],
        comments: list[dict[str, str]],
    ) -> Entry:
        remarks_text = clean(record["Remarks"]) + "".join(c["Remarks_Extended"].strip() for c in comments)
        remarks = parse_remarks(remarks_text)
        entry = Entry(
            list_id=list_id,
            entry_id=record["ent_num"],
            schema=schema_of(record["SDN_Type"], Schema.ORGANIZATION),
            name=clean(record["SDN_Name"]),
            provenance=Provenance(file_name, f"line {line}"),
            programs=programs,
            birth_dates=remarks.birth_dates,
            identifiers=remarks.identifiers,
        )
        for alt in aliases:
            alt_name = clean(alt["alt_name"])
            if alt_name:
                kind = _ALIAS_KINDS.get(clean(alt["alt_type"]).lower().strip("."), AliasKind.AKA)
                entry.aliases.append(Alias(alt_name, kind, script_of(alt_name)))
        entry.aliases.extend(remarks.aliases)
        countries: list[Country] = list(remarks.countries)
        for add in addresses:
            parts = [clean(add[c]) for c in ("Address", "City/State/Province/Postal Code", "Country")]
            text = ", ".join(p for p in parts if p)
            if text:
                entry.addresses.append(text)
            code = country_code(clean(add["Country"])) if clean(add["Country"]) else None
            if code and Country(code, CountryRole.ADDRESS) not in countries:
                countries.append(Country(code, CountryRole.ADDRESS))
        entry.countries = countries
        raw: dict[str, Any] = dict(record)
        if addresses:
            raw["addresses"] = addresses
        if aliases:
            raw["aliases"] = aliases
        if comments:
            raw["comments"] = [c["Remarks_Extended"] for c in comments]
        entry.raw = raw
        return add_published_names(entry)
