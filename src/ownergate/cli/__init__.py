"""The ``ownergate`` command line: parse options, call one library function, render its result.

Each command group lives in its own module here and is registered below. Expected errors
(:class:`~ownergate.errors.OwnergateError`) print one line and exit with their code.
"""

from __future__ import annotations

import sys

from ownergate.cli.app import app
from ownergate.cli.run import run_cli


def _register() -> None:
    # Each module adds its commands to `app` when imported.
    from ownergate.cli import (  # noqa: F401
        audit,
        customers,
        graph,
        keys,
        lists,
        ownership,
        screen,
        serve,
        store,
        tokens,
        webhooks,
    )


def main() -> None:
    _register()
    sys.exit(run_cli(app))


__all__ = ["app", "main"]
