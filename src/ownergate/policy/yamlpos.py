"""YAML read with the line of every value, so policy errors can name the line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from ownergate.errors import PolicyError


@dataclass(slots=True)
class Located:
    """A parsed YAML document plus ``path -> line`` for every mapping key and sequence item."""

    data: Any
    lines: dict[tuple[str | int, ...], int]

    def line(self, *path: str | int) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def _build(node: yaml.Node, path: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int], src: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise PolicyError(f"{src}: line {key_node.start_mark.line + 1}: mapping keys must be plain names")
            key = str(key_node.value)
            if key in out:
                raise PolicyError(f"{src}: line {key_node.start_mark.line + 1}: duplicate key {key!r}")
            out[key] = _build(value_node, (*path, key), lines, src)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, src) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def parse(text: str, source: str) -> Located:
    """Parse one YAML document safely; a syntax error names the line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}" if mark else "unknown line"
        raise PolicyError(f"{source}: {where}: invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"{source}: invalid YAML: {exc}") from None
    if node is None:
        raise PolicyError(f"{source}: the policy file is empty")
    lines: dict[tuple[str | int, ...], int] = {}
    return Located(_build(node, (), lines, source), lines)
