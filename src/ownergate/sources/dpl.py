"""BIS Denied Persons List: the tab-separated ``dpl.txt`` with a quoted header row.

The file gives no record id; an entry's id is a short hash of its name, street address and
effective date, which stays stable across publications while those do not change.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ownergate.errors import SourceFormatError
from ownergate.sources.base import ListInfo, ListSource
from ownergate.sources.model import Country, CountryRole, Entry, Provenance, Schema
from ownergate.sources.qualifiers import add_published_names
from ownergate.sources.text import (
    UniqueIds,
    clean,
    country_code,
    csv_records,
    hashlib_id,
    looks_like_organization,
    parse_date,
    read_text,
)

COLUMNS = ("Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date", "FR_Citation")


class DplSource(ListSource):
    format = "bis-dpl"
    lists = (
        ListInfo("us-bis-dpl", "BIS Denied Persons List", "US Commerce BIS", "https://www.bis.doc.gov/dpl/dpl.txt"),
    )

    def sniff(self, path: Path, head: bytes) -> bool:
        return not path.is_dir() and head.lstrip(b"\xef\xbb\xbf").startswith(b'"Name"\t"Street_Address"')

    def read(self, path: Path, list_id: str | None = None) -> Iterator[Entry]:
        unique = UniqueIds()
        for line, row in csv_records(path, read_text(path), COLUMNS, delimiter="\t"):
            name = clean(row["Name"])
            if not name:
                raise SourceFormatError(str(path), f"line {line}", "Name is empty")
            key = "|".join(clean(row[c]) for c in ("Name", "Street_Address", "City", "Effective_Date"))
            entry_id = unique(hashlib_id(key))
            address = ", ".join(
                p for p in (clean(row[c]) for c in ("Street_Address", "City", "State", "Postal_Code", "Country")) if p
            )
            code = country_code(clean(row["Country"])) if clean(row["Country"]) else None
            entry = Entry(
                list_id=list_id or "us-bis-dpl",
                entry_id=entry_id,
                schema=Schema.ORGANIZATION if looks_like_organization(name) else Schema.PERSON,
                name=name,
                provenance=Provenance(path.name, f"line {line}"),
                addresses=[address] if address else [],
                countries=[Country(code, CountryRole.ADDRESS)] if code else [],
                programs=["US-BIS-DPL"],
                listed_on=parse_date(row["Effective_Date"]),
                raw=row,
            )
            yield add_published_names(entry)
