"""Lists in the store: atomic loads into snapshots, diffs, and the repository other areas query.

- :mod:`ownergate.lists.loader`: ``load_paths`` parses files, then writes one snapshot per list atomically
- :mod:`ownergate.lists.repository`: current entries, entries as of a date, snapshots, diffs
- :mod:`ownergate.lists.discover`: finds the list files under a folder
- :mod:`ownergate.lists.download` / :mod:`ownergate.lists.update`: ``ownergate lists update``
"""

from ownergate.lists.loader import load_paths
from ownergate.lists.model import Diff, LoadResult, SnapshotInfo
from ownergate.lists.repository import (
    current_entries,
    current_snapshot_ids,
    entries_as_of,
    entries_at,
    get_entry,
    last_diff,
    snapshots,
)

__all__ = [
    "Diff",
    "LoadResult",
    "SnapshotInfo",
    "current_entries",
    "current_snapshot_ids",
    "entries_as_of",
    "entries_at",
    "get_entry",
    "last_diff",
    "load_paths",
    "snapshots",
]
