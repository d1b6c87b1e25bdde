"""What every ownership reader yields: entities, edges and reporting exceptions, each with its source record.

Every reader returns a :class:`Parsed` of records, which ``ownership load`` writes to the store.
The array engine does not go through records: ``graph resolve`` reads E.csv/X.csv column-wise
(``edges_csv.graph_from_csv``) and ``load_graph`` reads the store into Arrow columns, so ten
million edges never become ten million objects there. Loading that many through records takes
about 1.5 GB per million edges (measured at 1e6 nodes / 1.57e6 edges: 27 s, 1.5 GB).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from ownergate.ownership.graph import EdgeKind, NodeKind


@dataclass(slots=True)
class EntityRecord:
    id: str
    name: str | None = None
    kind: NodeKind = NodeKind.COMPANY
    hq_country: str | None = None
    incorporation_country: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)  # scheme -> value
    lists: tuple[str, ...] = ()
    nationality: str | None = None  # persons
    residence: str | None = None  # persons
    source: str = ""
    source_record: str = ""


@dataclass(slots=True)
class EdgeRecord:
    owner_id: str
    owned_id: str
    share_min: float | None  # None for both: control of unknown size
    share_max: float | None
    kind: EdgeKind = EdgeKind.SHARES
    source: str = ""
    source_record: str = ""
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(slots=True)
class ExceptionRecord:
    """A declared gap: no reportable owner, a GLEIF reporting exception, a PSC statement."""

    entity_id: str
    category: str
    reason: str
    source: str = ""
    source_record: str = ""


@dataclass(slots=True)
class Parsed:
    """Everything one file gave."""

    path: str
    format: str
    entities: list[EntityRecord] = field(default_factory=list)
    edges: list[EdgeRecord] = field(default_factory=list)
    exceptions: list[ExceptionRecord] = field(default_factory=list)


def nan_to_none(x: float) -> float | None:
    return None if math.isnan(x) else x
