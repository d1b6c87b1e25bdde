"""Which reader reads a file: named explicitly, or told from its extension and first record."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ownergate.errors import InputError, SourceFormatError
from ownergate.ownership.sources import bods, edges_csv, ftm, gleif, psc, relationships
from ownergate.ownership.sources.common import json_records
from ownergate.ownership.sources.records import Records

FORMATS: dict[str, Callable[[Path], Records]] = {
    "edges-csv": lambda p: edges_csv.parse(p, _csv_header(p)),
    "ofac-relationships": relationships.parse_ofac,
    "dod-1260h-parents": relationships.parse_dod1260h,
    "bods": bods.parse,
    "gleif-rr": gleif.parse_relationships,
    "gleif-repex": gleif.parse_exceptions,
    "gleif-lei": gleif.parse_entities,
    "psc": psc.parse,
    "ftm": ftm.parse,
}


def _csv_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return next(csv.reader(fh), [])


def detect(path: Path) -> str:
    """The format of ``path``, from its extension and its header or first record."""
    if not path.is_file():
        raise SourceFormatError(str(path), None, "no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header = {h.strip().lower() for h in _csv_header(path)}
        if edges_csv.is_entities(list(header)) or edges_csv.is_edges(list(header)):
            return "edges-csv"
        if {"relationship_type", "related_entity_id"} <= header:
            return "ofac-relationships"
        if {"child_name", "parent_name"} <= header:
            return "dod-1260h-parents"
    elif suffix == ".xml":
        with path.open("rb") as fh:
            head = fh.read(4096)
        for marker, name in (
            (b"RelationshipData", "gleif-rr"),
            (b"ReportingExceptionData", "gleif-repex"),
            (b"LEIData", "gleif-lei"),
        ):
            if marker in head:
                return name
    elif suffix in (".json", ".jsonl", ".ndjson"):
        first: Any = next((rec for _, rec in json_records(path)), None)
        if bods.looks_like(first):
            return "bods"
        if isinstance(first, dict):
            if "Relationship" in first:
                return "gleif-rr"
            if "ExceptionCategory" in first:
                return "gleif-repex"
            if "LEI" in first and "Entity" in first:
                return "gleif-lei"
            if "schema" in first and "properties" in first:
                return "ftm"
            if "company_number" in first or str((first.get("data") or {}).get("kind", "")).find("significant") >= 0:
                return "psc"
    raise SourceFormatError(str(path), None, f"cannot tell the ownership format (known: {', '.join(FORMATS)})")


def parse_file(path: Path, format: str | None = None) -> Records:
    """Read ``path`` with the named reader, or the one :func:`detect` picks."""
    name = format or detect(path)
    reader = FORMATS.get(name)
    if reader is None:
        raise InputError(f"unknown ownership format {name!r} (known: {', '.join(FORMATS)})")
    return reader(path)
