"""Run the Typer app, turning expected errors into one line on stderr and their exit code.

Typer (0.2x) ships its own copy of click: usage errors raised while parsing are
``typer.exceptions.TyperException`` subclasses, not ``click.ClickException``; both are handled.
"""

from __future__ import annotations

import sys

import click
import typer
from typer.exceptions import TyperException

from ownergate.errors import OwnergateError


def run_cli(app: typer.Typer, args: list[str] | None = None) -> int:
    command = typer.main.get_command(app)
    try:
        # Without standalone mode, click returns (not raises) the code of a `typer.Exit(code)`.
        result = command.main(args=args, prog_name="ownergate", standalone_mode=False)
    except OwnergateError as exc:
        print(f"ownergate: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except (click.exceptions.Abort, typer.Abort):
        print("ownergate: aborted", file=sys.stderr)
        return 130
    except (click.ClickException, TyperException) as exc:
        # A usage error (unknown option, missing argument, bad value): one line, naming where help is.
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        message = " ".join(exc.format_message().split())
        if message:  # empty after a group's help, shown because no command was given
            print(f"ownergate: error: {message}{hint}", file=sys.stderr)
        return int(getattr(exc, "exit_code", 2))
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return result if isinstance(result, int) else 0
