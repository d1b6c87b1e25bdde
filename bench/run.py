"""Run every benchmark in bench/ and print one table: each figure beside its baseline and target.

A benchmark is a module ``bench/bench_*.py`` with a function ``run() -> list[Result]``.
``python bench/run.py [NAME ...]`` runs the named ones (module name without ``bench_``).
Figures are measured in the same run as their baselines, so their ratio holds on a noisy machine.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import Result, print_table  # noqa: E402


def main(argv: list[str]) -> int:
    wanted = set(argv)
    results: list[Result] = []
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        started = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results.extend(module.run())
        print(f"  {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
