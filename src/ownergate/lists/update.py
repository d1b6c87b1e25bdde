"""``ownergate lists update``: bring every list up to date from the publishers, a folder, or the sample.

- ``from_dir`` (``--from``): load every list file found under it, and nothing else.
- otherwise, online: download each official source (:mod:`ownergate.lists.download`) and load it.
- when no publisher answers (offline, or ``offline=True``): load ``fallback_dir``
  (``OWNERGATE_LISTS_FROM``) when given; else the labelled sample shipped in
  ``ownergate.sources.sample``, but only into a store that holds no real list: fictional
  ``sample-*`` entries beside real ones would pass for screening data, so that case raises
  :class:`SampleRefused` (exit 2) naming the way out.

A publisher that cannot be reached or answers badly is reported as a note (its list keeps its
current snapshot); a file that cannot be read is a failure. Each path loads in its own
transaction; a file set whose exact content was loaded before is not parsed again, so a second
run with nothing new is quick and records nothing.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ownergate.errors import ConfigError, InputError, OwnergateError
from ownergate.lists.discover import discover
from ownergate.lists.download import OFFICIAL, HttpTransport, OfflineError, Transport, fetch
from ownergate.lists.loader import content_hash, load_paths
from ownergate.lists.model import LoadResult, LoadStatus
from ownergate.sources import registry
from ownergate.store import Store

#: List ids of the shipped sample start with this; every other list is a real one.
SAMPLE_PREFIX = "sample-"


class SampleRefused(ConfigError):
    """Offline, with no folder to load, and the store already holds real lists."""

    code = "sample-refused"


@dataclass(slots=True)
class UpdateReport:
    mode: str  # "folder", "online" or "sample"
    folder: Path | None = None
    results: list[LoadResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def update(
    store: Store,
    from_dir: Path | None = None,
    transport: Transport | None = None,
    offline: bool = False,
    fallback_dir: Path | None = None,
) -> UpdateReport:
    if from_dir is not None:
        return _folder(store, from_dir, [])
    reason = "offline: --offline or OWNERGATE_OFFLINE=1"
    if not offline:
        try:
            return _online(store, transport or HttpTransport())
        except OfflineError as exc:
            reason = f"offline ({exc})"
    if fallback_dir is not None:
        return _folder(store, fallback_dir, [f"{reason}: loading the folder {fallback_dir}"])
    real = real_lists(store)
    if real:
        raise SampleRefused(
            f"{reason}, and no list folder given: the store holds real lists ({', '.join(real)}), so the "
            "fictional sample lists are not added; pass --from DIR or set OWNERGATE_LISTS_FROM"
        )
    report = UpdateReport("sample", notes=[f"{reason}: loading the shipped sample lists (fictional, sample-*)"])
    _load_each(store, sample_paths(), report, format="ownergate-csv")
    return report


def real_lists(store: Store) -> list[str]:
    """The ids of the lists in the store that are not the shipped sample."""
    with store.read() as tx:
        rows = tx.fetchall("SELECT DISTINCT list_id FROM list_snapshot ORDER BY list_id", ())
    return [str(r[0]) for r in rows if not str(r[0]).startswith(SAMPLE_PREFIX)]


def _folder(store: Store, folder: Path, notes: list[str]) -> UpdateReport:
    if not folder.is_dir():
        raise InputError(f"list folder {folder} does not exist or is not a folder")
    found = discover(folder)
    report = UpdateReport("folder", folder, notes=[*notes, *found.notes])
    _load_each(store, found.paths, report)
    return report


def sample_paths() -> list[Path]:
    folder = resources.files("ownergate.sources") / "sample"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".csv"))


def _online(store: Store, transport: Transport) -> UpdateReport:
    report = UpdateReport("online")
    with tempfile.TemporaryDirectory(prefix="ownergate-lists-") as tmp:
        paths: list[Path] = []
        for index, download in enumerate(OFFICIAL):
            try:
                paths.append(fetch(transport, download, Path(tmp)))
            except OfflineError:
                if index == 0:
                    raise
                report.notes.append(f"not downloaded: {download.name}: publisher unreachable")
            except OwnergateError as exc:
                report.notes.append(f"not downloaded: {download.name}: {exc}")
        _load_each(store, paths, report)
    return report


def _load_each(store: Store, paths: list[Path], report: UpdateReport, format: str | None = None) -> None:
    for path in paths:
        try:
            source = registry.by_format(format) if format else registry.detect(path)
            known = _already_loaded(store, content_hash(source.member_files(path)))
            if known:
                report.results.extend(known)
                continue
            report.results.extend(load_paths(store, [path], format=format, skip_known=True, actor="lists-update"))
        except OwnergateError as exc:
            report.failures.append(f"{path.name}: {exc}")


def _already_loaded(store: Store, digest: str) -> list[LoadResult]:
    """The lists a file set with this content hash was loaded into: unchanged if current, else skipped."""
    with store.read() as tx:
        rows = tx.fetchall(
            "SELECT s.list_id, MAX(s.id), MAX(s.format), MAX(s.entries), MAX(s.source_files),"
            " (SELECT MAX(id) FROM list_snapshot c WHERE c.list_id = s.list_id)"
            " FROM list_snapshot s WHERE s.content_hash = ? GROUP BY s.list_id ORDER BY s.list_id",
            (digest,),
        )
    out = []
    for list_id, snapshot_id, fmt, entries, files, current in rows:
        status = LoadStatus.UNCHANGED if snapshot_id == current else LoadStatus.SKIPPED
        out.append(LoadResult(list_id, status, int(snapshot_id), fmt, int(entries), 0, 0, 0, tuple(_names(files))))
    return out


def _names(files: str) -> list[str]:
    import json

    return [str(f) for f in json.loads(files)]
