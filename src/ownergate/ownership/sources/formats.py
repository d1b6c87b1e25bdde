"""Which reader reads a file: named explicitly, or told from its extension and first record."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ownergate.errors import InputError, SourceFormatError
from ownergate.ownership.sources import bods, edges_csv, ftm, gleif, psc, relationships
from ownergate.ownership.sources.common import json_records
from ownergate.ownership.sources.records import Parsed, Records
from ownergate.sources.text import text_problem

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
    try:
        return edges_csv.read_header(path)
    except SourceFormatError as exc:
        if exc.problem == "the file is empty":
            return []
        raise


def _near_edges_csv(path: Path, header: set[str]) -> None:
    """A CSV that looks like E.csv or X.csv but lacks some of their columns: say which."""
    for kind, columns in (
        ("an entities file (E.csv)", edges_csv.ENTITY_COLUMNS),
        ("an edges file (X.csv)", edges_csv.EDGE_COLUMNS),
    ):
        present = header & set(columns)
        if len(present) >= 2:
            missing = [c for c in columns if c not in header]
            hint = " (an exact share goes in both share_min and share_max)" if "share_min" in missing else ""
            raise SourceFormatError(
                str(path), None, f"read as {kind}, the header lacks the columns {', '.join(missing)}{hint}"
            )


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
        _near_edges_csv(path, header)
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
    """Read ``path`` with the named reader, or the one :func:`detect` picks; ids and names checked.

    Readers raise :class:`SourceFormatError` naming the record and field; should one still fail
    on some input in another way, that becomes a ``SourceFormatError`` naming the file too, so no
    input file ever ends in a traceback (the fuzz test calls the readers without this net).
    """
    name = format or detect(path)
    reader = FORMATS.get(name)
    if reader is None:
        raise InputError(f"unknown ownership format {name!r} (known: {', '.join(FORMATS)})")
    try:
        records = reader(path)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError, UnicodeError) as exc:
        raise SourceFormatError(str(path), None, f"unreadable as {name} ({type(exc).__name__}: {exc})") from exc
    if isinstance(records, Parsed):
        check_records(records)
    return records


def _check(path: str, where: str, value: str | None, what: str, *, required: bool = True) -> None:
    if required and value is not None and value.endswith(":"):
        value = ""  # "lei:" or "bods:" with nothing after the prefix
    problem = text_problem(value, what, required=required)
    if problem:
        raise SourceFormatError(path, where or None, problem)


def check_records(records: Parsed) -> None:
    """Every id non-empty and free of control characters, every name free of them, naming the record."""
    path = records.path
    for entity in records.entities:
        _check(path, entity.source_record, entity.id, "id")
        _check(path, entity.source_record, entity.name, "name", required=False)
    for edge in records.edges:
        _check(path, edge.source_record, edge.owner_id, "owner_id")
        _check(path, edge.source_record, edge.owned_id, "owned_id")
    for gap in records.exceptions:
        _check(path, gap.source_record, gap.entity_id, "entity_id")
