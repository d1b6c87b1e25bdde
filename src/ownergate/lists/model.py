"""What the lists area returns: snapshot descriptions, diffs and load results (plain frozen records)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class LoadStatus(StrEnum):
    LOADED = "loaded"  # a new snapshot with changes
    UNCHANGED = "unchanged"  # a new snapshot identical to the previous one: the diff is empty
    SKIPPED = "skipped"  # `lists update` only: this exact content was loaded before and is not current


@dataclass(slots=True, frozen=True)
class SnapshotInfo:
    snapshot_id: int
    list_id: str
    format: str
    published: str | None  # ISO date the source states (or its file name carries), if any
    loaded_at: str  # ISO timestamp, UTC
    content_hash: str  # sha256 over the source files' bytes
    source_files: tuple[str, ...]
    entries: int
    added: int
    removed: int
    changed: int
    previous_id: int | None
    file_sha256: str | None = None  # SHA-256 of the file (of the sha256sum manifest for a set); None before 0011
    files_sha256: dict[str, str] = field(default_factory=dict)  # file name -> SHA-256

    def as_json(self) -> dict[str, Any]:
        return {
            "list": self.list_id,
            "snapshot": self.snapshot_id,
            "entries": self.entries,
            "loaded_at": self.loaded_at,
            "published": self.published,
            "format": self.format,
            "content_hash": self.content_hash,
            "source_files": list(self.source_files),
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "previous": self.previous_id,
            "file_sha256": self.file_sha256,
            "files_sha256": dict(self.files_sha256),
        }


@dataclass(slots=True, frozen=True)
class Diff:
    """What one snapshot changed against the previous snapshot of the same list (source record ids)."""

    list_id: str
    from_snapshot: int | None
    to_snapshot: int
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    changed_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "list": self.list_id,
            "from": self.from_snapshot,
            "to": self.to_snapshot,
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": list(self.changed),
            "changed_fields": {k: list(v) for k, v in self.changed_fields.items()},
        }


@dataclass(slots=True, frozen=True)
class LoadResult:
    list_id: str
    status: LoadStatus
    snapshot_id: int | None
    format: str
    entries: int
    added: int
    removed: int
    changed: int
    source_files: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "list": self.list_id,
            "status": str(self.status),
            "snapshot": self.snapshot_id,
            "format": self.format,
            "entries": self.entries,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "source_files": list(self.source_files),
        }
