"""Versioned region lists: which countries and sub-national regions are unsupported, and since when.

A region list is a data file in ``policy/data/`` (``<name>.yaml``): a list of versions, each with
its effective date, its source address and the date it was retrieved, and either an allowlist
(``supported:``, as the provider publishes it: every code outside it is unsupported, and
``except:`` names unsupported sub-national regions of supported countries) or a deny-list
(``unsupported:``). Codes are ISO 3166-1 alpha-2 countries or ISO 3166-2 sub-national regions
(``UA-43``): a region is unsupported when it is named as such or when its country is.

:func:`unsupported_regions` picks the version of a list in force on a date; a policy names its
list (``countries.regions``), and every reason that cites a region names the version it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import pycountry
import yaml

from ownergate.errors import NotFoundError, PolicyError

#: the region list the ``anthropic`` rule and policy use unless told otherwise
DEFAULT_REGIONS = "anthropic-supported-regions"
#: codes in use that ISO 3166-1 does not (yet) assign
_USER_ASSIGNED = {"XK": "Kosovo"}


@dataclass(frozen=True, slots=True)
class RegionList:
    """One version of a region list."""

    version: str
    effective: date
    source: str = ""
    retrieved: date | None = None
    supported: dict[str, str] | None = None  # an allowlist: code -> name (None: a deny-list)
    unsupported: dict[str, str] = field(default_factory=dict)  # deny-list entries, or an allowlist's exceptions
    list_name: str = DEFAULT_REGIONS

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.is_unsupported(code)

    @property
    def is_allowlist(self) -> bool:
        return self.supported is not None

    @property
    def countries(self) -> dict[str, str]:
        """The unsupported countries this version names (a deny-list's; empty for an allowlist)."""
        return {k: v for k, v in self.unsupported.items() if "-" not in k} if self.supported is None else {}

    @property
    def regions(self) -> dict[str, str]:
        """The sub-national regions named unsupported."""
        return {k: v for k, v in self.unsupported.items() if "-" in k}

    def is_unsupported(self, code: str | None) -> bool:
        """True for an unsupported country (``CN``) or region (``UA-43``); case-insensitive.

        None or an empty code is not a fact and is never unsupported here: callers treat a missing
        country as unknown (review), not as supported.
        """
        if not code:
            return False
        code = code.strip().upper()
        country = code.split("-", 1)[0]
        if code in self.unsupported or country in self.unsupported:
            return True
        if self.supported is not None:
            return country not in self.supported and code not in self.supported
        return False

    def name(self, code: str) -> str:
        code = code.strip().upper()
        found = self.unsupported.get(code) or (self.supported or {}).get(code)
        return found or country_name(code)

    def cite(self) -> dict[str, str]:
        """The version as evidence: list, version, effective date, source and retrieval date."""
        return {
            "regions": self.list_name,
            "regions_version": self.version,
            "regions_effective": self.effective.isoformat(),
            "regions_source": self.source,
            "regions_retrieved": self.retrieved.isoformat() if self.retrieved else "",
        }


#: the name this type had when every list was a deny-list
UnsupportedRegions = RegionList


def country_name(code: str) -> str:
    """A readable name for a country or region code, or the code itself."""
    code = code.upper()
    if code in _USER_ASSIGNED:
        return _USER_ASSIGNED[code]
    found = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if found is None and "-" in code:
        found = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    return str(getattr(found, "name", code)) if found is not None else code


def known_code(value: str | None) -> str | None:
    """``value`` as an ISO 3166-1 alpha-2 country or ISO 3166-2 region code (upper case), or None
    when it is not one (a country name such as ``China``, a typo, an alpha-3 code)."""
    code = (value or "").strip().upper()
    if len(code) == 2:
        return code if code in _USER_ASSIGNED or pycountry.countries.get(alpha_2=code) is not None else None
    if len(code) > 3 and code[2] == "-":
        return code if pycountry.subdivisions.get(code=code) is not None else None  # type: ignore[no-untyped-call]
    return None


def _codes(raw: Any, what: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError(f"{what} must map codes to names")
    out = {}
    for key, value in raw.items():
        code = known_code(str(key))
        if code is None:
            raise ValueError(f"{what}: {key!r} is not an ISO 3166 country or region code")
        out[code] = str(value)
    return out


def _day(value: Any, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{what} {value!r} is not a date") from None


def _parse(raw: Any, name: str) -> list[RegionList]:
    source = f"{name}.yaml"
    if not isinstance(raw, dict) or not isinstance(raw.get("versions"), list) or not raw["versions"]:
        raise PolicyError(f"{source}: expected a mapping with a non-empty 'versions' list")
    out: list[RegionList] = []
    for i, item in enumerate(raw["versions"]):
        try:
            if not isinstance(item, dict):
                raise ValueError("must be a mapping")
            has_supported = item.get("supported") is not None
            if has_supported == ("unsupported" in item):
                raise ValueError("needs either 'supported' (an allowlist) or 'unsupported' (a deny-list)")
            if not str(item.get("source") or "").strip():
                raise ValueError("needs its 'source' (where the list was published)")
            unsupported = (
                _codes(item.get("except"), "except") if has_supported else _codes(item["unsupported"], "unsupported")
            )
            out.append(
                RegionList(
                    version=str(item["version"]),
                    effective=_day(item["effective"], "effective"),
                    source=str(item["source"]).strip(),
                    retrieved=_day(item["retrieved"], "retrieved"),
                    supported=_codes(item["supported"], "supported") if has_supported else None,
                    unsupported=unsupported,
                    list_name=name,
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            problem = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            raise PolicyError(f"{source}: version #{i + 1}: {problem}") from exc
    return sorted(out, key=lambda v: v.effective)


def list_names() -> list[str]:
    """The region lists that ship with ownergate."""
    folder = resources.files("ownergate.policy") / "data"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def all_versions(name: str = DEFAULT_REGIONS) -> tuple[RegionList, ...]:
    """Every version of region list ``name``, oldest first (NotFoundError for an unknown list)."""
    return _versions(name)


@cache
def _versions(name: str) -> tuple[RegionList, ...]:
    if name not in list_names():
        raise NotFoundError(f"no region list {name!r}: known lists are {', '.join(list_names())}")
    text = resources.files("ownergate.policy").joinpath("data", f"{name}.yaml").read_text("utf-8")
    return tuple(_parse(yaml.safe_load(text), name))


def unsupported_regions(on: date | None = None, name: str = DEFAULT_REGIONS) -> RegionList:
    """The version of list ``name`` in force on ``on`` (default: the latest).

    Before the first version took effect, the first version applies: there is no date on which
    no list is in force.
    """
    versions = all_versions(name)
    if on is None:
        return versions[-1]
    current = versions[0]
    for v in versions:
        if v.effective <= on:
            current = v
    return current
