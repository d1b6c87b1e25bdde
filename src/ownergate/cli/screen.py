"""``ownergate screen``: screen one name, or a CSV file of names, against the loaded lists."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ownergate.cli.app import app, print_json, state
from ownergate.errors import InputError
from ownergate.matching.index import ScreeningIndex
from ownergate.matching.screen import index_for_store, parse_birth_date, read_queries, screen_file
from ownergate.sources.model import Schema


@app.command("screen")
def screen(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="The name to screen.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="ISO 3166-1 alpha-2 country.")] = None,
    schema: Annotated[Schema, typer.Option("--schema", help="What the name is.")] = Schema.ORGANIZATION,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most hits per name.")] = 10,
    threshold: Annotated[float | None, typer.Option("--threshold", help="Least score [default: 0.75].")] = None,
    birth_date: Annotated[
        str | None, typer.Option("--birth-date", help="Date of birth of a person: YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    lists: Annotated[list[str] | None, typer.Option("--list", help="Only this list (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    file: Annotated[Path | None, typer.Option("--file", help="CSV with id,name[,country,schema,birth_date].")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="CSV to write the hits of --file to.")] = None,
) -> None:
    """Screen a name (or --file IN.csv --out OUT.csv) against every loaded list."""
    if (name is None) == (file is None):
        raise InputError("give either a NAME or --file IN.csv --out OUT.csv")
    if file is not None:
        given = [o for o, v in (("--country", country), ("--birth-date", birth_date)) if v is not None]
        given += ["--schema"] if schema != Schema.ORGANIZATION else []
        if given:
            # never silently dropped: each row says its own country, schema and birth_date
            raise InputError(f"{', '.join(given)} applies to one NAME; with --file, give it as a column of the file")
        if out is None:
            raise InputError("--file needs --out OUT.csv")
        _screen_file(index_for_store(state(ctx).store()), file, out, limit, threshold, lists)
        return
    assert name is not None
    born = parse_birth_date(birth_date, "--birth-date")
    index = index_for_store(state(ctx).store())
    hits = index.search(
        name, country=country, schema=schema, birth_date=born, limit=limit, threshold=threshold, lists=lists
    )
    if as_json:
        print_json({"query": name, "hits": [h.to_dict() for h in hits]})
        return
    if not hits:
        typer.echo("no hit")
    for hit in hits:
        typer.echo(f"{hit.score:.3f}  {hit.list_id}  {hit.entry_id}  {hit.name}  (matched: {hit.matched_name})")


def _screen_file(
    index: ScreeningIndex, file: Path, out: Path, limit: int, threshold: float | None, lists: list[str] | None
) -> None:
    if not sys.stderr.isatty():
        queries, hits = screen_file(index, file, out, limit=limit, threshold=threshold, lists=lists)
    else:
        from rich.console import Console
        from rich.progress import Progress

        rows = sum(1 for _ in read_queries(file))
        with Progress(console=Console(stderr=True)) as bar:
            task = bar.add_task("screening", total=rows)
            queries, hits = screen_file(
                index,
                file,
                out,
                limit=limit,
                threshold=threshold,
                lists=lists,
                progress=lambda n: bar.advance(task, n),
            )
    typer.echo(f"screened {queries} names: {hits} hits written to {out}", err=True)
