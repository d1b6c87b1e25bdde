"""Run the Typer app, turning expected errors into one line on stderr and their exit code."""

from __future__ import annotations

import sys

import click
import typer

from ownergate.errors import OwnergateError


def run_cli(app: typer.Typer, args: list[str] | None = None) -> int:
    command = typer.main.get_command(app)
    try:
        # Without standalone mode, click returns (not raises) the code of a `typer.Exit(code)`.
        result = command.main(args=args, prog_name="ownergate", standalone_mode=False)
    except OwnergateError as exc:
        print(f"ownergate: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except click.exceptions.Abort:
        print("ownergate: aborted", file=sys.stderr)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return result if isinstance(result, int) else 0
