"""Helpers every ownership reader shares: JSON documents or lines, percentages, countries, dates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pycountry

from ownergate.errors import SourceFormatError
from ownergate.sources.text import read_text

#: an exclusive bound ("more than 25%") is taken this far inside the range
EXCLUSIVE_NUDGE = 1e-6

_UK_PARTS = {"ENGLAND", "WALES", "SCOTLAND", "NORTHERN IRELAND", "ENGLAND AND WALES", "GREAT BRITAIN", "UK"}


_KINDS: dict[type, str] = {dict: "object", list: "array", str: "string"}


@dataclass(frozen=True, slots=True)
class Shape:
    """Shape checks for one record: each refusal names the record, the field and a code
    ``<record type>_<field>_not_<shape>``."""

    path: Path
    where: str
    statement: str
    rtype: str

    @property
    def at(self) -> str:
        return self.where if self.statement == "?" else f"{self.where} (statement {self.statement})"

    def fail(self, field: str, expected: str, value: Any) -> SourceFormatError:
        code = f"{self.rtype}_{field.replace('.', '_')}_not_{expected.replace(' ', '_')}"
        got = _KINDS.get(type(value), type(value).__name__ if value is not None else "null")
        return SourceFormatError(str(self.path), f"{self.at} field {field}", f"{code}: {got} given")

    def problem(self, field: str, what: str, detail: str) -> SourceFormatError:
        """Any other refusal of a field, coded ``<record type>_<field>_<what>`` (``relationship_subject_missing``)."""
        code = f"{self.rtype}_{field.replace('.', '_')}_{what}"
        return SourceFormatError(str(self.path), f"{self.at} field {field}", f"{code}: {detail}")

    def obj(self, d: dict[str, Any], key: str, field: str | None = None) -> dict[str, Any]:
        value = d.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(field or key, "object", value)
        return value

    def objects(self, d: dict[str, Any], key: str, field: str | None = None) -> list[dict[str, Any]]:
        """An optional array of objects."""
        name = field or key
        value = d.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(name, "array", value)
        for item in value:
            if not isinstance(item, dict):
                raise self.fail(f"{name}.item", "object", item)
        return value

    def text(self, d: dict[str, Any], key: str, field: str | None = None) -> str | None:
        value = d.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise self.fail(field or key, "string", value)
        return value

    def code(self, d: dict[str, Any], key: str, field: str) -> str | None:
        """A country given as a code or as an object with a ``code``."""
        value = d.get(key)
        if isinstance(value, dict):
            return self.text(value, "code", f"{field}.code")
        return self.text(d, key, field)


def _loads(path: Path, where: str | None, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceFormatError(str(path), where or f"line {exc.lineno}", f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise SourceFormatError(str(path), where, "invalid JSON: nested too deeply") from None


def json_records(path: Path) -> Iterator[tuple[str, Any]]:
    """Each record of a JSON array, a single JSON object, or JSON lines, with its locator.

    The text is read strictly (UTF-8, gzip decompressed within the limits of ``sources.decompress``).
    """
    text = read_text(path)
    stripped = text.lstrip()
    if stripped.startswith("["):
        document = _loads(path, None, text)
        if not isinstance(document, list):
            raise SourceFormatError(str(path), "line 1", "invalid JSON: expected an array")
        for k, item in enumerate(document):
            yield f"item {k + 1}", item
        return
    if stripped.startswith("{") and "\n{" not in stripped.rstrip():
        yield "document", _loads(path, None, text)
        return
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip().rstrip(",")
        if not line or line in "[]":
            continue
        yield f"line {lineno}", _loads(path, f"line {lineno}", line)


def percent(value: object, where: str, path: Path) -> float:
    """A percentage (number or text, ``"50"`` or ``"50%"``) as a fraction in [0, 1]."""
    try:
        x = float(str(value).strip().rstrip("%"))
    except ValueError:
        raise SourceFormatError(str(path), where, f"share {value!r} is not a number") from None
    if not 0 <= x <= 100:
        raise SourceFormatError(str(path), where, f"share {value!r} is not a percentage in [0, 100]")
    return x / 100


def share_range(share: dict[str, Any] | None, where: str, path: Path) -> tuple[float | None, float | None]:
    """A BODS-style share object (``exact``, ``minimum``/``maximum``, ``exclusiveMinimum``/``exclusiveMaximum``)."""
    if not share:
        return None, None
    if share.get("exact") is not None:
        x = percent(share["exact"], where, path)
        return x, x
    lo, hi = 0.0, 1.0
    if share.get("minimum") is not None:
        lo = percent(share["minimum"], where, path)
    elif share.get("exclusiveMinimum") is not None:
        lo = percent(share["exclusiveMinimum"], where, path) + EXCLUSIVE_NUDGE
    if share.get("maximum") is not None:
        hi = percent(share["maximum"], where, path)
    elif share.get("exclusiveMaximum") is not None:
        hi = percent(share["exclusiveMaximum"], where, path) - EXCLUSIVE_NUDGE
    if (
        lo == 0.0
        and hi == 1.0
        and not any(k in share for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"))
    ):
        return None, None
    if lo > hi:
        raise SourceFormatError(str(path), where, f"share range {share} is empty")
    return min(lo, 1.0), max(hi, 0.0)


def country_code(text: str | None) -> str | None:
    """An ISO 3166 code for a country code or name ("GB", "United Kingdom", "England"); None if unknown."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip()
    upper = value.upper()
    if upper in _UK_PARTS or upper.startswith("ENGLAND"):
        return "GB"
    if len(value) == 2 and value.isalpha():
        return upper
    if len(value) > 3 and value[2] == "-" and value[:2].isalpha():
        return upper  # an ISO 3166-2 region such as UA-43 or US-MA
    try:
        return str(pycountry.countries.lookup(value).alpha_2)
    except LookupError:
        return None


def day(text: object) -> date | None:
    """The date part of an ISO date or timestamp; None when empty or not a date."""
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None
