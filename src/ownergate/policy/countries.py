"""Versioned country data: which countries and sub-national regions are unsupported, and since when.

The data lives in ``policy/data/unsupported_regions.yaml``: a list of versions, each with an
effective date, its countries (ISO 3166-1 alpha-2) and its sub-national regions (ISO 3166-2,
such as the occupied regions of Ukraine). :func:`unsupported_regions` picks the version in force
on a date. A location is unsupported when its country is, or when its region code is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import pycountry
import yaml

from ownergate.errors import PolicyError

DATA_FILE = "unsupported_regions.yaml"


@dataclass(frozen=True, slots=True)
class UnsupportedRegions:
    """One version of the unsupported-region list."""

    version: str
    effective: date
    countries: dict[str, str]  # alpha-2 -> name
    regions: dict[str, str]  # ISO 3166-2 -> name

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.is_unsupported(code)

    def is_unsupported(self, code: str | None) -> bool:
        """True for an unsupported country (``CN``) or region (``UA-43``); case-insensitive."""
        if not code:
            return False
        code = code.strip().upper()
        return code in self.countries or code in self.regions

    def name(self, code: str) -> str:
        code = code.upper()
        return self.countries.get(code) or self.regions.get(code) or country_name(code)


def country_name(code: str) -> str:
    """A readable name for a country or region code, or the code itself."""
    found = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    if found is None and "-" in code:
        found = pycountry.subdivisions.get(code=code.upper())  # type: ignore[no-untyped-call]
    return str(getattr(found, "name", code)) if found is not None else code


def _parse(raw: Any) -> list[UnsupportedRegions]:
    if not isinstance(raw, dict) or not isinstance(raw.get("versions"), list):
        raise PolicyError(f"{DATA_FILE}: expected a mapping with a 'versions' list")
    out: list[UnsupportedRegions] = []
    for i, item in enumerate(raw["versions"]):
        try:
            effective = item["effective"]
            if not isinstance(effective, date):
                effective = date.fromisoformat(str(effective))
            out.append(
                UnsupportedRegions(
                    version=str(item["version"]),
                    effective=effective,
                    countries={str(k).upper(): str(v) for k, v in (item.get("countries") or {}).items()},
                    regions={str(k).upper(): str(v) for k, v in (item.get("regions") or {}).items()},
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PolicyError(f"{DATA_FILE}: version #{i + 1}: {exc!r}") from exc
    return sorted(out, key=lambda v: v.effective)


@cache
def all_versions() -> tuple[UnsupportedRegions, ...]:
    text = resources.files("ownergate.policy").joinpath("data", DATA_FILE).read_text("utf-8")
    return tuple(_parse(yaml.safe_load(text)))


def unsupported_regions(on: date | None = None) -> UnsupportedRegions:
    """The version in force on ``on`` (default: the latest); the earliest if ``on`` precedes all."""
    versions = all_versions()
    if on is None:
        return versions[-1]
    current = versions[0]
    for v in versions:
        if v.effective <= on:
            current = v
    return current
