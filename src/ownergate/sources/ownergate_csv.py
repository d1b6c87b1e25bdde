"""ownergate's own CSV for internal deny/allow lists: ``id,name,aliases,country,type``.

Aliases and countries are separated by ``;``; ``type`` is one of organization, person, vessel,
aircraft. Lines starting with ``#`` before the header are comments (the shipped sample says there
that it is a sample). The list id is ``--list`` or the file's stem (``sample-sanctions.csv``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ownergate.errors import SourceFormatError
from ownergate.sources.base import ListSource
from ownergate.sources.model import Alias, AliasKind, Country, CountryRole, Entry, Provenance, Schema
from ownergate.sources.text import clean, country_code, csv_records, read_text, script_of, split

COLUMNS = ("id", "name", "aliases", "country", "type")


def _body(text: str) -> tuple[int, str]:
    """Skip leading ``#`` comment lines: (number of lines skipped, the rest)."""
    lines = text.splitlines(keepends=True)
    skipped = 0
    while skipped < len(lines) and lines[skipped].lstrip().startswith("#"):
        skipped += 1
    return skipped, "".join(lines[skipped:])


def list_id_for(path: Path) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return slug or "internal"


class OwnergateCsvSource(ListSource):
    format = "ownergate-csv"

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return False
        _, body = _body(head.decode("utf-8", "replace"))
        header = body.split("\n", 1)[0].strip().lower().replace(" ", "")
        return header.startswith(",".join(COLUMNS))

    def read(self, path: Path, list_id: str | None = None) -> Iterator[Entry]:
        skipped, body = _body(read_text(path))
        target = list_id or list_id_for(path)
        for line, row in csv_records(path, body, COLUMNS):
            line += skipped
            entry_id, name = clean(row["id"]), clean(row["name"])
            if not entry_id or not name:
                raise SourceFormatError(str(path), f"line {line}", "id and name must not be empty")
            kind = clean(row["type"]).lower() or "organization"
            try:
                schema = Schema(kind)
            except ValueError:
                raise SourceFormatError(
                    str(path), f"line {line}", f"type {kind!r} is not one of organization|person|vessel|aircraft"
                ) from None
            countries = []
            for value in split(row["country"]):
                code = country_code(value)
                if code is None:
                    raise SourceFormatError(str(path), f"line {line}", f"unknown country {value!r}")
                countries.append(Country(code, CountryRole.OTHER))
            yield Entry(
                list_id=target,
                entry_id=entry_id,
                schema=schema,
                name=name,
                provenance=Provenance(path.name, f"line {line}"),
                aliases=[Alias(a, AliasKind.AKA, script_of(a)) for a in split(row["aliases"])],
                countries=countries,
                raw=row,
            )
