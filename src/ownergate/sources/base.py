"""The interface every list source implements, and the registry that finds one for a file.

A source reads one publisher's format and yields :class:`~ownergate.sources.model.Entry`
objects. It never touches the store: the loader (``ownergate.lists``) does that, atomically.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ownergate.sources.model import Entry


@dataclass(slots=True, frozen=True)
class ListInfo:
    """A list a source can yield entries for."""

    list_id: str  # stable id, e.g. "us-ofac-sdn"
    title: str
    publisher: str
    url: str | None = None  # the official download address, for `ownergate lists update`


class ListSource(abc.ABC):
    """One publisher format. Subclasses are stateless; one instance serves every file."""

    #: short format name for ``--format``, e.g. "ofac-csv"
    format: str = ""
    #: the lists this format can yield
    lists: tuple[ListInfo, ...] = ()

    @abc.abstractmethod
    def sniff(self, path: Path, head: bytes) -> bool:
        """True when ``path`` (whose first 64 KiB are ``head``) is in this format."""

    @abc.abstractmethod
    def read(self, path: Path, list_id: str | None = None) -> Iterator[Entry]:
        """Yield every entry of ``path``; ``list_id`` overrides the list the entries belong to.

        Raises :class:`~ownergate.errors.SourceFormatError` naming the file and the line or
        element for anything malformed. Unknown but harmless fields are kept in ``Entry.raw``.
        """

    def official_lists(self) -> frozenset[str]:
        """The official list ids this format's content may put entries on (``lists``, by default)."""
        return frozenset(info.list_id for info in self.lists)

    def member_files(self, path: Path) -> list[Path]:
        """The files a read of ``path`` uses (a folder or a set of sibling files), for hashing and provenance."""
        if path.is_dir():
            return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        return [path]

    def published(self, path: Path) -> date | None:
        """The publication date the file states, when it states one."""
        return None
