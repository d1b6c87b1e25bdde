"""The ``ownergate`` command line: parse options, call one library function, render its result.

Each command group lives in its own module in this package and registers itself on ``app``
when imported; :func:`_register` imports every module here, so adding a command group is adding
a module. Expected errors (:class:`~ownergate.errors.OwnergateError`) print one line and exit
with their code.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

from ownergate.cli.app import app
from ownergate.cli.run import run_cli

_NOT_COMMANDS = frozenset({"app", "run"})


def _register() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name not in _NOT_COMMANDS and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


def main() -> None:
    _register()
    sys.exit(run_cli(app))


__all__ = ["app", "main"]
