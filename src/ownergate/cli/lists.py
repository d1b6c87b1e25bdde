"""``ownergate lists``: load list files, show their snapshots and diffs, update from the publishers."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from ownergate.cli.app import app, print_json, state
from ownergate.lists import last_diff, load_paths
from ownergate.lists.loader import Guards
from ownergate.lists.model import LoadResult
from ownergate.lists.repository import current_snapshots, entry_names
from ownergate.lists.update import update as update_lists
from ownergate.settings import load_settings

lists_app = typer.Typer(help="Load sanctions and export-control lists; show snapshots and diffs.", no_args_is_help=True)
app.add_typer(lists_app, name="lists")


def _summary(results: list[LoadResult]) -> None:
    for r in results:
        typer.echo(
            f"{r.list_id}: {r.status} snapshot {r.snapshot_id if r.snapshot_id is not None else '-'}, "
            f"{r.entries} entries (+{r.added} -{r.removed} ~{r.changed}) from {', '.join(r.source_files)} [{r.format}]"
        )


@lists_app.command("load")
def load(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="List files, or folders holding one list's set of files.")],
    list_id: Annotated[str | None, typer.Option("--list", help="Put every entry on this list id.")] = None,
    format: Annotated[str | None, typer.Option("--format", help="Force the format instead of sniffing.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="With --list: let a file of another format fill an official list.")
    ] = False,
    allow_shrink: Annotated[
        bool,
        typer.Option("--allow-shrink", help="Allow removing more of an official list than OWNERGATE_LIST_MAX_SHRINK."),
    ] = False,
) -> None:
    """Load files atomically: every list they hold gets a new snapshot and a diff, or nothing changes."""
    guards = Guards(force=force, allow_shrink=allow_shrink)
    results = load_paths(
        state(ctx).store(), paths, list_id=list_id, format=format, guards=guards, actor=f"cli:{getpass.getuser()}"
    )
    if as_json:
        print_json([r.as_json() for r in results])
    else:
        _summary(results)


@lists_app.command("status")
def status(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print the snapshots as JSON.")] = False
) -> None:
    """The current snapshot of every list."""
    snaps = current_snapshots(state(ctx).store())
    if as_json:
        print_json([s.as_json() for s in snaps])
        return
    if not snaps:
        typer.echo("no lists loaded (try `ownergate lists update`)")
    for s in snaps:
        typer.echo(
            f"{s.list_id}: snapshot {s.snapshot_id}, {s.entries} entries, published {s.published or '-'}, "
            f"loaded {s.loaded_at} from {', '.join(s.source_files)}"
        )


@lists_app.command("diff")
def diff(
    ctx: typer.Context,
    list_id: Annotated[str, typer.Argument(help="The list id, e.g. us-ofac-sdn (see `lists status`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the diff as JSON (with each entry's name).")] = False,
) -> None:
    """What the last load of LIST added, removed and changed: each entry's id and name."""
    store = state(ctx).store()
    result = last_diff(store, list_id)
    names = entry_names(store, list_id, result.to_snapshot, [*result.added, *result.changed])
    if result.removed and result.from_snapshot is not None:
        names |= entry_names(store, list_id, result.from_snapshot, list(result.removed))
    if as_json:
        print_json({**result.as_json(), "names": {i: names.get(i) for i in (*result.added, *result.removed,
                                                                          *result.changed)}})  # fmt: skip
        return
    typer.echo(f"{result.list_id}: snapshot {result.from_snapshot or '-'} -> {result.to_snapshot}")
    for label, ids in (("added", result.added), ("removed", result.removed), ("changed", result.changed)):
        typer.echo(f"  {label} ({len(ids)})" + (":" if ids else ""))
        for entry_id in ids[:20]:
            fields = result.changed_fields.get(entry_id, ()) if label == "changed" else ()
            typer.echo(f"    {entry_id}  {names.get(entry_id, '?')}" + (f"  [{', '.join(fields)}]" if fields else ""))
        if len(ids) > 20:
            typer.echo(f"    ... and {len(ids) - 20} more (--json lists them all)")


_MODES = {
    "online": "downloaded from the publishers",
    "folder": "loaded the folder {folder}",
    "sample": "loaded the shipped sample lists (fictional, sample-*)",
}


@lists_app.command("update")
def update(
    ctx: typer.Context,
    from_dir: Annotated[
        Path | None,
        typer.Option("--from", help="Load every list file under this folder instead of downloading."),
    ] = None,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="Do not try the publishers (also OWNERGATE_OFFLINE=1): load OWNERGATE_LISTS_FROM, else the sample.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Download every official list; offline, load OWNERGATE_LISTS_FROM, else the sample into an empty store."""
    settings = load_settings()
    report = update_lists(
        state(ctx).store(), from_dir=from_dir, offline=offline or settings.offline, fallback_dir=settings.lists_from
    )
    if as_json:
        print_json({"mode": report.mode, "folder": None if report.folder is None else str(report.folder),
                    "results": [r.as_json() for r in report.results],
                    "notes": report.notes, "failures": report.failures})  # fmt: skip
    else:
        typer.echo(f"lists update: {_MODES[report.mode].format(folder=report.folder)}")
        for note in report.notes:
            typer.echo(f"  note: {note}")
        _summary(report.results)
        for failure in report.failures:
            typer.echo(f"  failed: {failure}", err=True)
    if report.failures:
        raise typer.Exit(3)
