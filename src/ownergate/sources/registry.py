"""Every list format ownergate reads, and the functions that pick one for a file or folder.

``detect(path)`` sniffs the content (the first 64 KiB, decompressed for ``.gz``); ``read(path)``
yields the entries. ``format=`` forces a format by its short name (``ownergate lists load --format``).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from ownergate.errors import SourceFormatError
from ownergate.sources.base import ListInfo, ListSource
from ownergate.sources.model import Entry

HEAD_BYTES = 65536


@cache
def sources() -> tuple[ListSource, ...]:
    """Every registered source, most specific first (sniffing stops at the first that claims a file)."""
    from ownergate.sources.csl import CslSource
    from ownergate.sources.dpl import DplSource
    from ownergate.sources.eu import EuCsvSource, EuXmlSource
    from ownergate.sources.ftm_jsonl import FtmJsonlSource
    from ownergate.sources.ofac_csv import OfacCsvSource
    from ownergate.sources.ofac_enhanced_xml import OfacEnhancedXmlSource
    from ownergate.sources.ownergate_csv import OwnergateCsvSource
    from ownergate.sources.uk_csv import UkCsvSource, UkSplitSource
    from ownergate.sources.un_xml import UnXmlSource
    from ownergate.sources.us_lists import UsListsSource

    return (
        OwnergateCsvSource(),
        OfacEnhancedXmlSource(),
        OfacCsvSource(),
        CslSource(),
        DplSource(),
        UnXmlSource(),
        UkSplitSource(),
        UkCsvSource(),
        EuXmlSource(),
        EuCsvSource(),
        UsListsSource(),
        FtmJsonlSource(),
    )


def formats() -> list[str]:
    return [s.format for s in sources()]


def known_lists() -> dict[str, ListInfo]:
    """Every list id a format can yield, with its title, publisher and official address."""
    found: dict[str, ListInfo] = {}
    for source in sources():
        for info in source.lists:
            found.setdefault(info.list_id, info)
    return found


def formats_for(list_id: str) -> list[str]:
    """The formats whose content may fill the official list ``list_id`` ([] for a list of your own)."""
    return [s.format for s in sources() if list_id in s.official_lists()]


def head(path: Path) -> bytes:
    """The first bytes of a file (decompressed when gzip), or b'' for a folder."""
    if path.is_dir():
        return b""
    try:
        with path.open("rb") as handle:
            data = handle.read(HEAD_BYTES)
        if data[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as handle:
                data = handle.read(HEAD_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceFormatError(str(path), None, f"cannot read: {exc}") from exc
    return data


def by_format(name: str) -> ListSource:
    for source in sources():
        if source.format == name:
            return source
    raise SourceFormatError("--format", None, f"unknown format {name!r}; known: {', '.join(formats())}")


def sniff(path: Path) -> ListSource | None:
    """The source that recognises ``path``, or None."""
    if not path.exists():
        raise SourceFormatError(str(path), None, "no such file or folder")
    data = head(path)
    for source in sources():
        if source.sniff(path, data):
            return source
    return None


def detect(path: Path) -> ListSource:
    """The source for ``path``; a clear error when no format recognises it."""
    source = sniff(path)
    if source is None and path.is_dir():
        raise SourceFormatError(
            str(path), None, "not one list's set of files (to load every list under it: ownergate lists update --from)"
        )
    if source is None:
        raise SourceFormatError(str(path), None, f"not a known list format (use --format: {', '.join(formats())})")
    return source


def read(path: Path, format: str | None = None, list_id: str | None = None) -> Iterator[Entry]:
    """Every entry of ``path`` in the format detected (or forced by ``format``)."""
    source = by_format(format) if format else detect(path)
    return source.read(path, list_id)
