"""What every ownership reader yields: entities, edges and reporting exceptions, each with its source record.

Every reader returns :class:`Records`, which ``ownership load`` writes to the store: the
document readers a :class:`Parsed` of lists; the E.csv/X.csv reader sequences over Arrow columns
that make each record only while it is written, so ten million rows never sit in memory as
objects. ``graph resolve`` reads E.csv/X.csv column-wise too (``edges_csv.graph_from_csv``), and
``load_graph`` reads the store into Arrow columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

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


class Records(Protocol):
    """What ``ownership load`` writes: a file's entities, edges and exceptions, any sequences."""

    @property
    def path(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def entities(self) -> Sequence[EntityRecord]: ...
    @property
    def edges(self) -> Sequence[EdgeRecord]: ...
    @property
    def exceptions(self) -> Sequence[ExceptionRecord]: ...
    @property
    def unique_ids(self) -> bool:
        """True when no entity id repeats (the store need not merge records by id)."""
        ...


@dataclass(slots=True)
class Parsed:
    """Everything one file gave, as lists of records (the documents' readers build these)."""

    path: str
    format: str
    entities: list[EntityRecord] = field(default_factory=list)
    edges: list[EdgeRecord] = field(default_factory=list)
    exceptions: list[ExceptionRecord] = field(default_factory=list)
    unique_ids: bool = False
