"""A WHERE clause from optional filters: constant SQL fragments, values always as parameters."""

from __future__ import annotations

from typing import Any

_UNSET = object()


def where(*conditions: tuple[str, Any]) -> tuple[str, list[Any]]:
    """`` WHERE a = ? AND b IS NULL`` and its parameters, from (fragment, value) pairs.

    A pair whose value is None is left out; a fragment without ``?`` takes ``True`` to apply.
    """
    clauses: list[str] = []
    params: list[Any] = []
    for fragment, value in conditions:
        if value is None or value is False:
            continue
        clauses.append(fragment)
        if "?" in fragment:
            params.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params
