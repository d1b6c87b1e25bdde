"""Find the list files under a folder (``ownergate lists update --from DIR``).

A folder that is itself one list's set of files (the UK split, the EU per-act CSVs) is taken whole;
otherwise each file a format recognises is taken, and sub-folders are walked. Folders of other
data (names, ownership, BODS, GLEIF, PSC) are skipped with a note, as is every file no format knows.
Found paths are ordered by publication date, so the newest snapshot of each list is loaded last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ownergate.errors import SourceFormatError
from ownergate.sources import registry
from ownergate.sources.base import ListSource
from ownergate.sources.text import date_in_name

NOT_LISTS = frozenset({"names", "ownership", "bods", "gleif", "psc"})
FOLDER_FORMATS = frozenset({"uk-split", "eu-csv"})
_QUIET = frozenset({".md", ".txt.md", ".json.md", ".py", ".pyc"})


@dataclass(slots=True)
class Found:
    paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def discover(root: Path) -> Found:
    found = Found()
    dated: list[tuple[date, str, Path]] = []
    _walk(root, root, dated, found)
    found.paths = [p for _, _, p in sorted(dated, key=lambda t: (t[0], t[1]))]
    return found


def _walk(root: Path, folder: Path, dated: list[tuple[date, str, Path]], found: Found) -> None:
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        rel = str(path.relative_to(root))
        if path.is_dir():
            if path.name.lower() in NOT_LISTS:
                found.notes.append(f"skipped {rel}/: not list data")
                continue
            source = registry.sniff(path)
            if source is not None and source.format in FOLDER_FORMATS:
                dated.append((_published(source, path), rel, path))
            else:
                _walk(root, path, dated, found)
            continue
        try:
            source = registry.sniff(path)
        except SourceFormatError as exc:
            found.notes.append(f"skipped {rel}: {exc.problem}")
            continue
        if source is None:
            if path.suffix.lower() not in _QUIET:
                found.notes.append(f"skipped {rel}: not a list file on its own")
            continue
        dated.append((_published(source, path), rel, path))


def _published(source: ListSource, path: Path) -> date:
    try:
        return source.published(path) or date_in_name(path) or date.min
    except SourceFormatError:
        return date_in_name(path) or date.min
