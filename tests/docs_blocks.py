"""Fenced blocks of the docs: find them, run the runnable shell ones, check the excerpts' commands.

The convention (docs/architecture.md, "Docs that run"):

- Every fenced block names its language (```sh, ```python, ```text ...).
- A shell block (``sh``, ``bash``, ``shell``, ``console``) runs in ``tests/test_docs_run.py``
  unless the line before its fence is an HTML comment starting ``<!-- excerpt``, such as
  ``<!-- excerpt: needs a running server -->``. An excerpt does not run, but every ``ownergate``
  command in it must name real commands and options.
- In a runnable block, a line ``# => TEXT`` under a command says that the command's output
  (stdout and stderr) contains TEXT. Commands run in order in one ``bash -euo pipefail`` script,
  so a failing command fails the block, named by its file and line.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHELL = frozenset({"sh", "bash", "shell", "console"})
_FENCE = re.compile(r"^```(\S*)")
_MARK = "@@ownergate-doc-command"


@dataclass(slots=True)
class Block:
    path: Path
    line: int  # the line of the opening fence, 1-based
    language: str
    text: str
    excerpt: bool

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"

    @property
    def runnable(self) -> bool:
        return self.language in SHELL and not self.excerpt


@dataclass(slots=True)
class Command:
    line: int  # 1-based line in the document
    text: str
    expects: list[str] = field(default_factory=list)


def blocks(path: Path) -> list[Block]:
    """Every fenced block of a Markdown file, with its language and whether it is marked an excerpt."""
    found: list[Block] = []
    lines = path.read_text("utf-8").splitlines()
    k = 0
    while k < len(lines):
        opening = _FENCE.match(lines[k])
        if not opening:
            k += 1
            continue
        end = next((j for j in range(k + 1, len(lines)) if lines[j].startswith("```")), None)
        if end is None:
            raise AssertionError(f"{path.name}:{k + 1}: fence never closed")
        before = next((lines[j].strip() for j in range(k - 1, -1, -1) if lines[j].strip()), "")
        text = "\n".join(lines[k + 1 : end])
        found.append(Block(path, k + 1, opening.group(1), text, before.startswith("<!-- excerpt")))
        k = end + 1
    return found


def commands(block: Block) -> list[Command]:
    """The block's commands (continuation lines joined), each with the output it claims."""
    out: list[Command] = []
    pending = ""
    for offset, raw in enumerate(block.text.splitlines(), start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("# =>"):
            if not out:
                raise AssertionError(f"{block.path.name}:{block.line + offset}: `# =>` before any command")
            out[-1].expects.append(stripped[4:].strip())
            continue
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        out.append(Command(block.line + offset, pending + line))
        pending = ""
    return out


@dataclass(slots=True)
class Outcome:
    failures: list[str]
    outputs: dict[int, str]  # document line -> the output of the command there


def run_block(block: Block, cwd: Path, env: dict[str, str], timeout: float = 600) -> Outcome:
    """Run a runnable block as one bash script in ``cwd``; report every failed command or claim."""
    cmds = commands(block)
    script = ["set -euo pipefail", "exec 2>&1"]
    for k, cmd in enumerate(cmds):
        script += [f"printf '\\n{_MARK} {k}\\n'", cmd.text]
    result = subprocess.run(
        ["bash", "-c", "\n".join(script)], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    parts = re.split(rf"\n{_MARK} (\d+)\n", "\n" + result.stdout)
    outputs = {int(parts[j]): parts[j + 1] for j in range(1, len(parts) - 1, 2)}
    failures: list[str] = []
    last = max(outputs, default=-1)
    if result.returncode != 0:
        cmd = cmds[last] if last >= 0 else None
        text = outputs.get(last, result.stdout).strip().splitlines()[-5:]
        where = f"{block.path.name}:{cmd.line}: `{cmd.text.strip()}`" if cmd else block.where
        failures.append(f"{where} exited {result.returncode}: " + " | ".join(text))
    for k, cmd in enumerate(cmds):
        if k not in outputs:
            continue
        for expected in cmd.expects:
            if expected not in outputs[k]:
                shown = " | ".join(outputs[k].strip().splitlines()[:5])
                where = f"{block.path.name}:{cmd.line}: `{cmd.text.strip()}`"
                failures.append(f"{where} does not print {expected!r}; it printed: {shown}")
    return Outcome(failures, {cmds[k].line: text for k, text in outputs.items()})


# -- excerpts: the commands they name must exist ------------------------------------------------------


_PROGRAMS = frozenset({"ownergate", "og", "$og"})


def _words(text: str) -> list[str]:
    text = text.split(" #", 1)[0]
    try:
        return shlex.split(text, comments=True)
    except ValueError:
        return text.split()


def check_command_line(root: Any, text: str) -> list[str]:
    """Problems with one ``ownergate ...`` line: an unknown command or option (synopsis brackets allowed).

    ``root`` is the Typer app's click command (Typer ships its own copy of click, so commands and
    options are recognised by their attributes, not their classes).
    """
    problems: list[str] = []
    for part in re.split(r"\s;\s|&&|\|", text):
        words = _words(part.strip())
        if not words or (words[0].rsplit("/", 1)[-1] not in _PROGRAMS and words[0] not in _PROGRAMS):
            continue
        command = root
        path = ["ownergate"]
        rest = words[1:]
        while rest:
            word = rest[0].strip("[]")
            if word.startswith("-"):
                if not _has_option(command, word):
                    problems.append(f"`{' '.join(path)}` has no option {word}")
                rest = rest[1:]
                if command is root and word == "--db":
                    rest = rest[1:]
                continue
            group = hasattr(command, "commands")
            sub = command.commands.get(word) if group else None
            if sub is None:
                if group and re.fullmatch(r"[a-z][a-z-]*", word):
                    problems.append(f"`{' '.join(path)}` has no command {word!r}")
                    break
                rest = rest[1:]  # an argument or a placeholder
                continue
            command, path, rest = sub, [*path, word], rest[1:]
    return problems


def _has_option(command: Any, word: str) -> bool:
    name = re.split(r"[=\]\[|.]", word, maxsplit=1)[0]
    if name in ("--help", "-h"):
        return True
    options = [p for p in command.params if getattr(p, "param_type_name", "") == "option"]
    return any(name in (*p.opts, *p.secondary_opts) for p in options)
