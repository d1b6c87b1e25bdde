"""``ownergate lists update``: bring every list up to date from the publishers, a folder, or the sample.

- ``from_dir`` (``--from`` or ``OWNERGATE_LISTS_FROM``): load every list file found under it.
- otherwise, online: download each official source (:mod:`ownergate.lists.download`) and load it.
- when no publisher answers (offline), load the sample shipped in ``ownergate.sources.sample``.

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

from ownergate.errors import OwnergateError
from ownergate.lists.discover import discover
from ownergate.lists.download import OFFICIAL, HttpTransport, OfflineError, Transport, fetch
from ownergate.lists.loader import content_hash, load_paths
from ownergate.lists.model import LoadResult, LoadStatus
from ownergate.sources import registry
from ownergate.store import Store


@dataclass(slots=True)
class UpdateReport:
    mode: str  # "folder", "online" or "sample"
    results: list[LoadResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def update(
    store: Store, from_dir: Path | None = None, transport: Transport | None = None, offline: bool = False
) -> UpdateReport:
    if from_dir is not None:
        found = discover(from_dir)
        report = UpdateReport("folder", notes=list(found.notes))
        _load_each(store, found.paths, report)
        return report
    if not offline:
        try:
            return _online(store, transport or HttpTransport())
        except OfflineError as exc:
            report = UpdateReport("sample", notes=[f"offline ({exc}): loading the shipped sample lists"])
            _load_each(store, sample_paths(), report, format="ownergate-csv")
            return report
    report = UpdateReport("sample", notes=["offline: loading the shipped sample lists"])
    _load_each(store, sample_paths(), report, format="ownergate-csv")
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
