"""The docs run: every runnable shell block of README.md and docs/*.md, against a fresh store.

Each block runs in a temporary folder holding links to the project's ``.venv`` and ``examples/``,
with ``ownergate`` on the PATH, ``OWNERGATE_DB`` a new SQLite file (migrated, as ``make run`` leaves
it), and the lists offline: ``lists update`` loads a folder of real list files (the trade.gov
Consolidated Screening List and the DoD
1260H list from the shared test data) instead of downloading. The convention is described in
``tests/docs_blocks.py`` and docs/architecture.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from docs_blocks import Block, blocks, check_command_line, commands, run_block

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BIN = Path(sys.executable).parent
LISTS = ("csl/consolidated_2022-05.csv.gz", "us_lists/us_dod_chinese_milcorps_sanctions.csv")


def _all_blocks() -> list[Block]:
    return [b for doc in DOCS for b in blocks(doc)]


def _root_command() -> typer.main.TyperGroup:
    from ownergate.cli import _register, app

    _register()
    command = typer.main.get_command(app)
    assert isinstance(command, typer.main.TyperGroup)
    return command


def _sandbox(tmp_path: Path, testdata: Path) -> tuple[Path, dict[str, str]]:
    work = tmp_path / "work"
    work.mkdir()
    (work / ".venv").symlink_to(BIN.parent)
    (work / "examples").symlink_to(ROOT / "examples")
    lists = tmp_path / "lists"
    lists.mkdir()
    for name in LISTS:
        (lists / Path(name).name).symlink_to(testdata / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OWNERGATE_")}
    env |= {
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        "OWNERGATE_DB": f"sqlite:///{tmp_path / 'store.sqlite3'}",
        "OWNERGATE_OFFLINE": "1",
        "OWNERGATE_LISTS_FROM": str(lists),
        "COLUMNS": "200",
    }
    # The docs start where `make run` leaves a user: the store created (its first step).
    subprocess.run([str(BIN / "ownergate"), "store", "migrate"], env=env, cwd=work, check=True, capture_output=True)
    return work, env


RUNNABLE = [b for b in _all_blocks() if b.runnable]


def test_the_docs_have_runnable_blocks() -> None:
    assert {b.path.name for b in RUNNABLE} >= {"README.md", "decisions.md"}


@pytest.mark.slow
@pytest.mark.parametrize("block", RUNNABLE, ids=[b.where for b in RUNNABLE])
def test_runnable_block(block: Block, tmp_path: Path, testdata: Path) -> None:
    work, env = _sandbox(tmp_path, testdata)
    outcome = run_block(block, work, env)
    assert not outcome.failures, "\n".join(outcome.failures)


def test_every_fence_names_its_language() -> None:
    bare = [b.where for b in _all_blocks() if not b.language]
    assert not bare, f"name the language of these blocks (```sh, ```text ...): {bare}"


def test_excerpts_name_real_commands_and_options() -> None:
    root = _root_command()
    problems = []
    for block in _all_blocks():
        if block.language in ("sh", "bash", "shell", "console", "text"):
            for cmd in commands(block):
                problems += [f"{block.path.name}:{cmd.line}: {p}" for p in check_command_line(root, cmd.text)]
    assert not problems, "\n".join(problems)


# -- the docs test itself: it fails when a documented command breaks -----------------------------------


def _doc(tmp_path: Path, body: str) -> Block:
    path = tmp_path / "doc.md"
    path.write_text(f"# A page\n\n```sh\n{body}\n```\n")
    (block,) = blocks(path)
    return block


def test_a_working_block_passes(tmp_path: Path, testdata: Path) -> None:
    work, env = _sandbox(tmp_path, testdata)
    block = _doc(
        tmp_path, "ownergate lists status --json\n# => []\nog=.venv/bin/ownergate\n$og --version\n# => ownergate"
    )
    outcome = run_block(block, work, env)
    assert outcome.failures == []
    assert outcome.outputs[4].strip() == "[]"


def test_a_broken_command_fails_naming_its_line(tmp_path: Path, testdata: Path) -> None:
    work, env = _sandbox(tmp_path, testdata)
    block = _doc(tmp_path, "ownergate lists status\nownergate lists status --jsn\nownergate lists status")
    outcome = run_block(block, work, env)
    assert len(outcome.failures) == 1
    assert outcome.failures[0].startswith("doc.md:5: `ownergate lists status --jsn` exited 2: ")
    assert "No such option" in outcome.failures[0]
    assert 6 not in outcome.outputs  # the block stops at the broken command


def test_a_false_output_claim_fails(tmp_path: Path, testdata: Path) -> None:
    work, env = _sandbox(tmp_path, testdata)
    block = _doc(tmp_path, "ownergate lists status\n# => us-ofac-sdn: snapshot")
    outcome = run_block(block, work, env)
    assert outcome.failures == [
        "doc.md:4: `ownergate lists status` does not print 'us-ofac-sdn: snapshot'; it printed: "
        "no lists loaded (try `ownergate lists update`)"
    ]


def test_an_excerpt_naming_a_missing_option_or_command_fails(tmp_path: Path) -> None:
    root = _root_command()
    assert check_command_line(root, "ownergate lists load PATH... [--list NAME] [--format FORMAT] [--json]") == []
    assert check_command_line(root, "ownergate --db x.sqlite3 decide ID [--as-of DATE]") == []
    assert check_command_line(root, "ownergate lists load PATH [--lst NAME]") == [
        "`ownergate lists load` has no option --lst"
    ]
    assert check_command_line(root, "ownergate lists reload") == ["`ownergate lists` has no command 'reload'"]
    path = tmp_path / "doc.md"
    path.write_text("<!-- excerpt: a synopsis -->\n```sh\nownergate decide ID [--explain]\n```\n")
    (block,) = blocks(path)
    assert block.excerpt and not block.runnable
    assert [check_command_line(root, c.text) for c in commands(block)] == [
        ["`ownergate decide` has no option --explain"]
    ]
