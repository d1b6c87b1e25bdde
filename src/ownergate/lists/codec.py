"""Entries to and from the JSON stored in ``list_entry.data`` and ``list_entry.raw``."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from ownergate.sources.model import Alias, AliasKind, Country, CountryRole, Entry, Identifier, Provenance, Schema


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def encode(entry: Entry) -> tuple[str, str, str]:
    """(data JSON, raw JSON, version hash): the hash covers both, so any change in the record counts."""
    data = dumps(entry.content())
    raw = dumps(entry.raw)
    digest = hashlib.sha256(data.encode("utf-8") + b"\x00" + raw.encode("utf-8")).hexdigest()
    return data, raw, digest


def decode(data: str, raw: str, source_file: str, record: str, snapshot_id: int | None = None) -> Entry:
    d = json.loads(data)
    return Entry(
        list_id=d["list_id"],
        entry_id=d["entry_id"],
        schema=Schema(d["schema"]),
        name=d["name"],
        provenance=Provenance(source_file, record, snapshot_id),
        aliases=[
            Alias(a["name"], AliasKind(a["kind"]), a.get("script"), a.get("qualifier")) for a in d.get("aliases", [])
        ],
        countries=[Country(c["code"], CountryRole(c["role"])) for c in d.get("countries", [])],
        addresses=list(d.get("addresses", [])),
        identifiers=[Identifier(i["kind"], i["value"], i.get("country")) for i in d.get("identifiers", [])],
        programs=list(d.get("programs", [])),
        listed_on=date.fromisoformat(d["listed_on"]) if d.get("listed_on") else None,
        parents=list(d.get("parents", [])),
        birth_dates=list(d.get("birth_dates", [])),
        raw=json.loads(raw),
    )


def changed_fields(old_data: str, old_raw: str, new_data: str, new_raw: str) -> list[str]:
    """The names of the entry fields that differ (``raw`` when only the source record differs)."""
    old, new = json.loads(old_data), json.loads(new_data)
    fields = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    if json.loads(old_raw) != json.loads(new_raw):
        fields.append("raw")
    return fields


def natural_key(value: str) -> tuple[int, int, str]:
    """Sort numeric ids (OFAC ent_num) by number, others by text."""
    return (0, int(value), "") if value.isdigit() else (1, 0, value)
