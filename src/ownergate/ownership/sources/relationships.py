"""Relationship tables derived from the lists: OFAC's enhanced XML relationships and the 1260H parents.

- OFAC (``entity_id,entity_name,programs,relationship_type,related_entity_id,related_entity_name``):
  "Owned or Controlled By" is control of unknown size from the related entity to the entity;
  other relationship types (acting for, associate of, leader of ...) are not ownership. Ids are
  ``ofac:<ent_num>``; each entity keeps its OFAC programs as an identifier, not as a list
  membership (the list engineers link entities to list entries).
- DoD 1260H (``child_name,parent_name,child_start_date,child_end_date,source``): the parent
  controls the child, size unknown, valid from the child's listing. Ids are ``name:<normalised name>``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ownergate.errors import SourceFormatError
from ownergate.ownership.graph import EdgeKind
from ownergate.ownership.sources.common import day
from ownergate.ownership.sources.records import EdgeRecord, EntityRecord, Parsed
from ownergate.sources.text import read_text

OWNED_OR_CONTROLLED = "owned or controlled by"


def _rows(path: Path, required: set[str]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    try:
        missing = required - set(reader.fieldnames or [])
        if missing:
            raise SourceFormatError(str(path), "line 1", f"missing column(s) {', '.join(sorted(missing))}")
        rows = []
        for row in reader:
            if None in row:
                raise SourceFormatError(str(path), f"line {reader.line_num}", "more fields than the header has")
            rows.append((reader.line_num, {k: v or "" for k, v in row.items()}))
        return rows
    except csv.Error as exc:
        raise SourceFormatError(str(path), f"line {reader.line_num}", f"malformed CSV: {exc}") from None


def parse_ofac(path: Path) -> Parsed:
    out = Parsed(str(path), "ofac-relationships")
    required = {"entity_id", "entity_name", "programs", "relationship_type", "related_entity_id", "related_entity_name"}
    for line, row in _rows(path, required):
        if row["relationship_type"].strip().lower() != OWNED_OR_CONTROLLED:
            continue
        owned, owner = f"ofac:{row['entity_id'].strip()}", f"ofac:{row['related_entity_id'].strip()}"
        if owned == "ofac:" or owner == "ofac:":
            raise SourceFormatError(str(path), f"line {line}", "entity_id and related_entity_id are required")
        out.entities.append(
            EntityRecord(
                owned,
                row["entity_name"],
                identifiers={"ofac-programs": row["programs"], "ofac-ent-num": owned[5:]},
                source="OFAC",
                source_record=f"line {line}",
            )
        )
        out.entities.append(
            EntityRecord(
                owner,
                row["related_entity_name"],
                identifiers={"ofac-ent-num": owner[5:]},
                source="OFAC",
                source_record=f"line {line}",
            )
        )
        out.edges.append(
            EdgeRecord(
                owner,
                owned,
                None,
                None,
                EdgeKind.CONTROL,
                "OFAC enhanced XML",
                f"line {line}: {row['entity_name']} Owned or Controlled By {row['related_entity_name']}",
            )
        )
    return out


def name_id(name: str) -> str:
    return "name:" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def parse_dod1260h(path: Path) -> Parsed:
    out = Parsed(str(path), "dod-1260h-parents")
    for line, row in _rows(path, {"child_name", "parent_name"}):
        child, parent = row["child_name"].strip(), row["parent_name"].strip()
        if not child or not parent:
            raise SourceFormatError(str(path), f"line {line}", "child_name and parent_name are required")
        out.entities.append(EntityRecord(name_id(child), child, source="DoD 1260H", source_record=f"line {line}"))
        out.entities.append(EntityRecord(name_id(parent), parent, source="DoD 1260H", source_record=f"line {line}"))
        out.edges.append(
            EdgeRecord(
                name_id(parent),
                name_id(child),
                None,
                None,
                EdgeKind.CONTROL,
                "DoD 1260H",
                f"line {line}: {child} (parent {parent})",
                valid_from=day(row.get("child_start_date")),
                valid_to=day(row.get("child_end_date")),
            )
        )
    return out
