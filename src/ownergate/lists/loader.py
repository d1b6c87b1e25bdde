"""Load list files into the store: parse everything first, then write every snapshot in one transaction.

For each list a file yields, a load records a snapshot (publication date, content hash, counts,
source files) and its diff against the previous snapshot of that list. Entry versions carry
``valid_from``/``valid_to`` snapshot ids, so an unchanged entry is stored once, and loading the
same file twice records a snapshot with an empty diff (``unchanged``). Any error, in parsing or
in writing, leaves the store exactly as it was.

Guards (docs/lists.md, "Integrity guards"): an official list only takes files in one of its own
formats, unless the caller names the list and forces it (:func:`check_format`); a load that would
remove more than ``OWNERGATE_LIST_MAX_SHRINK`` of an official list's entries is refused unless
allowed (:func:`check_shrink`). Each snapshot records the SHA-256 of its files, an audit record
(``list.load``) and a ``list.loaded`` outbox event, in the load's transaction.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ownergate import audit
from ownergate.errors import InputError, SourceFormatError
from ownergate.lists import codec
from ownergate.lists.model import LoadResult, LoadStatus
from ownergate.monitor import outbox
from ownergate.settings import load_settings
from ownergate.sources import registry
from ownergate.sources.base import ListSource
from ownergate.sources.model import Entry
from ownergate.sources.text import date_in_name, sha256_of
from ownergate.store import Store, Transaction

_BATCH = 500


@dataclass(slots=True)
class ParsedSource:
    """One path read into entries, grouped by the list they belong to."""

    path: Path
    source: ListSource
    files: list[Path]
    content_hash: str
    published: date | None
    lists: dict[str, list[Entry]] = field(default_factory=dict)
    files_sha256: dict[str, str] = field(default_factory=dict)  # file name -> SHA-256 of its bytes

    @property
    def file_sha256(self) -> str:
        """The file's SHA-256; for a set of files, the SHA-256 of their ``sha256sum`` manifest."""
        if len(self.files_sha256) == 1:
            return next(iter(self.files_sha256.values()))
        manifest = "".join(f"{digest}  {name}\n" for name, digest in sorted(self.files_sha256.items()))
        return hashlib.sha256(manifest.encode("utf-8")).hexdigest()


def content_hash(files: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode("utf-8") + b"\x00")
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def parse_path(path: Path, list_id: str | None = None, format: str | None = None) -> ParsedSource:
    """Read one file or folder completely (nothing is written): entries per list, hash, date."""
    source = registry.by_format(format) if format else registry.detect(path)
    files = source.member_files(path)
    parsed = ParsedSource(path, source, files, content_hash(files), source.published(path) or date_in_name(path))
    parsed.files_sha256 = {p.name: sha256_of(p) for p in files}
    seen: dict[tuple[str, str], Entry] = {}
    for entry in source.read(path, list_id):
        _check_text(entry)
        key = (entry.list_id, entry.entry_id)
        if key in seen:
            first = seen[key]
            raise SourceFormatError(
                entry.provenance.source_file,
                entry.provenance.record,
                f"entry id {entry.entry_id!r} of list {entry.list_id} repeats {first.provenance.record}",
            )
        seen[key] = entry
        parsed.lists.setdefault(entry.list_id, []).append(entry)
    if not parsed.lists:
        raise SourceFormatError(str(path), None, "holds no entries")
    return parsed


#: C0 control characters and DEL: never in an id or a name (they break XML and the review desk's SVG).
#: Lists keep C1 characters, which real files carry (CSL's "Xi\x92an", a Windows-1252 apostrophe).
_C0 = re.compile("[\x00-\x1f\x7f]")


def _check_text(entry: Entry) -> None:
    """An entry's id must be non-empty; its id, name and aliases free of C0 control characters."""
    problem = None if entry.entry_id.strip() else "entry id is empty"
    for what, value in (
        ("entry id", entry.entry_id),
        ("name", entry.name),
        *(("alias", a.name) for a in entry.aliases),
    ):
        found = _C0.search(value)
        if problem is None and found:
            problem = f"{what} {value!r} holds a control character (U+{ord(found.group()):04X})"
    if problem:
        raise SourceFormatError(entry.provenance.source_file, entry.provenance.record, problem)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Guards:
    """What a load may do to an official list (docs/lists.md, "Integrity guards")."""

    force: bool = False  # with an explicit list id: let a file of another format fill an official list
    allow_shrink: bool = False  # let a load remove more than ``max_shrink`` of an official list
    max_shrink: float | None = None  # None: OWNERGATE_LIST_MAX_SHRINK


def check_format(item: ParsedSource, list_id: str | None, force: bool) -> None:
    """Refuse a file whose format is not one of the official list's own, unless named and forced."""
    for lid in item.lists:
        allowed = registry.formats_for(lid)
        if not allowed or item.source.format in allowed:
            continue
        if list_id == lid and force:
            continue
        how = "add --force" if list_id == lid else f"name the list with --list {lid} and add --force"
        raise InputError(
            f"{item.path}: a file in format {item.source.format} cannot replace the official list {lid}, which is read"
            f" from {', '.join(allowed)} files only (to load it there anyway, {how})"
        )


def check_shrink(item: ParsedSource, list_id: str, current: int, removed: int, guards: Guards) -> None:
    """Refuse a load that removes more than the allowed share of an official list's entries."""
    if guards.allow_shrink or not current or removed <= 0 or not registry.formats_for(list_id):
        return
    limit = guards.max_shrink if guards.max_shrink is not None else load_settings().list_max_shrink
    if removed / current > limit:
        raise InputError(
            f"{item.path}: loading it would remove {removed} of the {current} entries of the official list"
            f" {list_id} ({removed / current:.0%}, more than the {limit:.0%} OWNERGATE_LIST_MAX_SHRINK allows);"
            " refused: check the file, or add --allow-shrink if the list really shrank"
        )


def load_paths(
    store: Store,
    paths: Sequence[Path],
    list_id: str | None = None,
    format: str | None = None,
    *,
    skip_known: bool = False,
    clock: Callable[[], datetime] = _now,
    guards: Guards | None = None,
    actor: str = "system",
) -> list[LoadResult]:
    """Load every path (a file, or a folder holding one list's set of files) atomically.

    ``list_id`` puts every entry on that list; ``format`` forces the format. With ``skip_known``
    (``lists update``), a file set already loaded into a list that is no longer current is skipped
    rather than loaded again over a newer snapshot. ``guards`` relax the integrity guards; ``actor``
    is who the audit records name.
    """
    guards = guards or Guards()
    parsed = [parse_path(Path(p), list_id, format) for p in paths]
    for item in parsed:
        check_format(item, list_id, guards.force)
    results: list[LoadResult] = []
    with store.transaction() as tx:
        if store.dialect == "postgresql":
            tx.execute("LOCK TABLE list_snapshot IN SHARE ROW EXCLUSIVE MODE")
        for item in parsed:
            for lid, entries in item.lists.items():
                result = _load_list(tx, item, lid, entries, skip_known, clock(), guards)
                if result.snapshot_id is not None:
                    _announce(tx, item, result, actor, guards)
                results.append(result)
    return results


def _announce(tx: Transaction, item: ParsedSource, result: LoadResult, actor: str, guards: Guards) -> None:
    """The audit record and the ``list.loaded`` event of one new snapshot, in the load's transaction."""
    details = {
        **result.as_json(),
        "published": item.published.isoformat() if item.published else None,
        "file_sha256": item.file_sha256,
        "files_sha256": dict(item.files_sha256),
    }
    audit_details = {**details, "forced": guards.force, "allow_shrink": guards.allow_shrink}
    audit.append(tx, actor=actor, action="list.load", subject=f"list:{result.list_id}", details=audit_details)
    outbox.enqueue(tx, "list.loaded", details)


def _ensure_list(tx: Transaction, list_id: str) -> None:
    if tx.scalar("SELECT 1 FROM list_info WHERE list_id = ?", (list_id,)):
        return
    info = registry.known_lists().get(list_id)
    title, publisher, url = (info.title, info.publisher, info.url) if info else (list_id, "unknown", None)
    tx.execute(
        "INSERT INTO list_info (list_id, title, publisher, url) VALUES (?, ?, ?, ?)", (list_id, title, publisher, url)
    )


def _load_list(
    tx: Transaction,
    item: ParsedSource,
    list_id: str,
    entries: list[Entry],
    skip_known: bool,
    now: datetime,
    guards: Guards,
) -> LoadResult:
    files = tuple(p.name for p in item.files)
    _ensure_list(tx, list_id)
    previous = tx.fetchone(
        "SELECT id, content_hash, format FROM list_snapshot WHERE list_id = ? ORDER BY id DESC LIMIT 1", (list_id,)
    )
    previous_format = previous[2] if previous else None
    if skip_known and (previous is None or previous[1] != item.content_hash):
        known = tx.scalar(
            "SELECT id FROM list_snapshot WHERE list_id = ? AND content_hash = ? LIMIT 1", (list_id, item.content_hash)
        )
        if known is not None:
            return LoadResult(list_id, LoadStatus.SKIPPED, None, item.source.format, len(entries), 0, 0, 0, files)
    snapshot_id = int(tx.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM list_snapshot"))
    published = item.published.isoformat() if item.published else None
    loaded_at = now.isoformat(timespec="microseconds")
    effective = f"{published}T00:00:00.000000+00:00" if published else loaded_at
    tx.execute(
        "INSERT INTO list_snapshot (id, list_id, format, published, effective_at, loaded_at, content_hash,"
        " source_files, entries, added, removed, changed, previous_id, file_sha256, files_sha256)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?, ?, ?)",
        (snapshot_id, list_id, item.source.format, published, effective, loaded_at, item.content_hash,
         json.dumps(files), previous[0] if previous else None, item.file_sha256,
         json.dumps(item.files_sha256, sort_keys=True)),
    )  # fmt: skip
    current = {
        row[1]: (int(row[0]), row[2])
        for row in tx.fetchall(
            "SELECT id, entry_id, version_hash FROM list_entry WHERE list_id = ? AND valid_to IS NULL", (list_id,)
        )
    }
    encoded = {e.entry_id: (e, *codec.encode(e)) for e in entries}
    added = sorted((i for i in encoded if i not in current), key=codec.natural_key)
    removed = sorted((i for i in current if i not in encoded), key=codec.natural_key)
    # Another format numbers entries its own way (CSL vs bis-dpl ids): then only the count can shrink.
    same_format = previous is None or previous_format == item.source.format
    check_shrink(item, list_id, len(current), len(removed) if same_format else len(current) - len(entries), guards)
    changed = sorted((i for i in encoded if i in current and current[i][1] != encoded[i][3]), key=codec.natural_key)
    fields = _changed_fields(tx, changed, current, encoded)
    retire = [(snapshot_id, current[i][0]) for i in (*removed, *changed)]
    tx.executemany("UPDATE list_entry SET valid_to = ? WHERE id = ?", retire)
    _insert_versions(tx, list_id, snapshot_id, [encoded[i] for i in (*added, *changed)])
    diff_rows = [(snapshot_id, i, "added", "[]") for i in added]
    diff_rows += [(snapshot_id, i, "removed", "[]") for i in removed]
    diff_rows += [(snapshot_id, i, "changed", json.dumps(fields[i])) for i in changed]
    tx.executemany("INSERT INTO list_diff (snapshot_id, entry_id, change, fields) VALUES (?, ?, ?, ?)", diff_rows)
    tx.execute(
        "UPDATE list_snapshot SET entries = ?, added = ?, removed = ?, changed = ? WHERE id = ?",
        (len(entries), len(added), len(removed), len(changed), snapshot_id),
    )
    status = LoadStatus.LOADED if (added or removed or changed) else LoadStatus.UNCHANGED
    return LoadResult(
        list_id, status, snapshot_id, item.source.format, len(entries), len(added), len(removed), len(changed), files
    )


def _changed_fields(
    tx: Transaction,
    changed: list[str],
    current: dict[str, tuple[int, str]],
    encoded: dict[str, tuple[Entry, str, str, str]],
) -> dict[str, list[str]]:
    rows: dict[int, tuple[str, str]] = {}
    ids = [current[i][0] for i in changed]
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        marks = ", ".join("?" * len(chunk))
        for row in tx.fetchall(f"SELECT id, data, raw FROM list_entry WHERE id IN ({marks})", chunk):  # noqa: S608
            rows[int(row[0])] = (row[1], row[2])
    out: dict[str, list[str]] = {}
    for entry_id in changed:
        old_data, old_raw = rows[current[entry_id][0]]
        _, new_data, new_raw, _ = encoded[entry_id]
        out[entry_id] = codec.changed_fields(old_data, old_raw, new_data, new_raw)
    return out


def _insert_versions(
    tx: Transaction, list_id: str, snapshot_id: int, versions: list[tuple[Entry, str, str, str]]
) -> None:
    if not versions:
        return
    next_row = int(tx.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM list_entry"))
    entry_rows: list[tuple[object, ...]] = []
    names: list[tuple[int, str, str, str | None]] = []
    identifiers: list[tuple[int, str, str, str | None]] = []
    countries: list[tuple[int, str, str]] = []
    for row_id, (entry, data, raw, digest) in enumerate(versions, start=next_row):
        entry_rows.append((
            row_id, list_id, entry.entry_id, snapshot_id, digest, str(entry.schema), entry.name,
            entry.listed_on.isoformat() if entry.listed_on else None,
            entry.provenance.source_file, entry.provenance.record, data, raw,
        ))  # fmt: skip
        names.append((row_id, entry.name, "primary", None))
        names.extend((row_id, a.name, str(a.kind), a.script) for a in entry.aliases)
        identifiers.extend((row_id, i.kind, i.value, i.country) for i in entry.identifiers)
        countries.extend((row_id, c.code, str(c.role)) for c in entry.countries)
    tx.executemany(
        "INSERT INTO list_entry (id, list_id, entry_id, valid_from, version_hash, schema, name, listed_on,"
        " source_file, record, data, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        entry_rows,
    )
    tx.executemany("INSERT INTO list_name (entry_row, name, kind, script) VALUES (?, ?, ?, ?)", names)
    tx.executemany("INSERT INTO list_identifier (entry_row, kind, value, country) VALUES (?, ?, ?, ?)", identifiers)
    tx.executemany("INSERT INTO list_country (entry_row, code, role) VALUES (?, ?, ?)", countries)
