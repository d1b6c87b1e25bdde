"""Read and validate policy files; every error names the file, the line and the problem."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Collection
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from ownergate.errors import PolicyError
from ownergate.ownership.rules import get_rule
from ownergate.policy.countries import DEFAULT_REGIONS, list_names
from ownergate.policy.model import (
    CONTROL_VALUES,
    DEFAULT_MAX_LIST_AGE,
    PERSON_VALUES,
    OwnershipRule,
    Policy,
    UnknownControl,
)
from ownergate.policy.yamlpos import Located, parse

RULES = ("anthropic", "ofac", "bis", "eu", "uk", "lookthrough")
REASONS = ("owned-by-unsupported-region", "owned-by-listed-party")

_TOP = {
    "name",
    "version",
    "effective_from",
    "description",
    "lists",
    "screening",
    "ownership",
    "countries",
    "review",
    "max_list_age",
}
_SECTIONS: dict[str, set[str]] = {
    "lists": {"deny", "flag", "max_list_age"},
    "screening": {"deny_at", "review_at"},
    "ownership": {"rules", "control_without_share"},
    "countries": {"regions", "unsupported", "deny_headquarters", "deny_incorporation", "deny_ip"},
    "review": {"possible_ownership", "unresolved", "contradicting_declarations"},
}
_REQUIRED = ("name", "version", "effective_from", "lists", "screening")
_RULE_KEYS = {"rule", "reason", "lists", "threshold", "strict", "review_at", "control", "persons"}


def _choice(c: _Checker, path: tuple[str | int, ...], value: Any, allowed: Collection[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in allowed:
        raise c.fail(path, f"must be one of {', '.join(allowed)}, got {value!r}")
    return value


class _Checker:
    def __init__(self, doc: Located, source: str) -> None:
        self.doc = doc
        self.source = source

    def fail(self, path: tuple[str | int, ...], problem: str) -> PolicyError:
        line = self.doc.line(*path)
        where = f"line {line}: " if line else ""
        key = ".".join(str(p) for p in path)
        return PolicyError(f"{self.source}: {where}{key + ': ' if key else ''}{problem}")

    def mapping(self, path: tuple[str, ...], value: Any, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, "must be a mapping")
        for key in value:
            if key not in allowed:
                raise self.fail((*path, key), f"unknown key (allowed: {', '.join(sorted(allowed))})")
        return value

    def number(self, path: tuple[str, ...], value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"must be a number, got {value!r}")
        if not 0.0 <= float(value) <= 1.0:
            raise self.fail(path, f"must be between 0 and 1, got {value}")
        return float(value)

    def boolean(self, path: tuple[str, ...], value: Any) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"must be true or false, got {value!r}")
        return value

    def lists(self, path: tuple[str, ...], value: Any, known: Collection[str] | None) -> frozenset[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(path, "must be a list of list ids")
        for i, list_id in enumerate(value):
            if known is not None and list_id not in known:
                raise self.fail((*path, i), f"unknown list id {list_id!r}")
        return frozenset(value)


def parse_policy(text: str, source: str, known_lists: Collection[str] | None) -> Policy:
    """Validate policy YAML. ``known_lists`` is the set of valid list ids (None: do not check)."""
    doc = parse(text, source)
    c = _Checker(doc, source)
    top = c.mapping((), doc.data, _TOP)
    for key in _REQUIRED:
        if key not in top:
            raise c.fail((), f"missing required key {key!r}")
    sections = {name: c.mapping((name,), top.get(name, {}), keys) for name, keys in _SECTIONS.items()}

    effective = top["effective_from"]
    if not isinstance(effective, date):
        raise c.fail(("effective_from",), f"must be a date (YYYY-MM-DD), got {effective!r}")
    for key in ("name", "version"):
        if not isinstance(top[key], str | int | float) or not str(top[key]).strip():
            raise c.fail((key,), "must be a non-empty string")

    deny = c.lists(("lists", "deny"), sections["lists"].get("deny", []), known_lists)
    flag = c.lists(("lists", "flag"), sections["lists"].get("flag", []), known_lists)
    both = deny & flag
    if both:
        raise c.fail(("lists",), f"lists both deny and flag: {', '.join(sorted(both))}")

    screening = sections["screening"]
    deny_at = c.number(("screening", "deny_at"), screening.get("deny_at", 0.9))
    review_at = c.number(("screening", "review_at"), screening.get("review_at", 0.75))
    if review_at > deny_at:
        raise c.fail(("screening", "review_at"), f"must not exceed deny_at ({deny_at})")

    own = sections["ownership"]
    rules = own.get("rules", [])
    if not isinstance(rules, list):
        raise c.fail(("ownership", "rules"), "must be a list of {rule, reason}")
    parsed_rules = []
    for i, item in enumerate(rules):
        path = ("ownership", "rules", i)
        entry = c.mapping(path, item, _RULE_KEYS)  # type: ignore[arg-type]
        if entry.get("rule") not in RULES:
            raise c.fail((*path, "rule"), f"unknown rule {entry.get('rule')!r} (known: {', '.join(RULES)})")
        reason = entry.get("reason", "owned-by-listed-party")
        if reason not in REASONS:
            raise c.fail((*path, "reason"), f"unknown reason {reason!r} (known: {', '.join(REASONS)})")
        seed_lists = c.lists((*path, "lists"), entry["lists"], known_lists) if "lists" in entry else None  # type: ignore[arg-type]
        threshold = c.number((*path, "threshold"), entry["threshold"]) if "threshold" in entry else None  # type: ignore[arg-type]
        strict = c.boolean((*path, "strict"), entry["strict"]) if "strict" in entry else None  # type: ignore[arg-type]
        tier = c.number((*path, "review_at"), entry["review_at"]) if "review_at" in entry else None  # type: ignore[arg-type]
        if tier is not None:
            limit = threshold if threshold is not None else get_rule(entry["rule"]).threshold
            if tier >= limit:
                raise c.fail((*path, "review_at"), f"must be below the rule's threshold ({limit:g})")
        control = _choice(c, (*path, "control"), entry.get("control"), CONTROL_VALUES)
        persons = entry.get("persons")
        if persons is not None and persons not in PERSON_VALUES:
            raise c.fail((*path, "persons"), f"must be one of {', '.join(PERSON_VALUES)}, got {persons!r}")
        parsed_rules.append(
            OwnershipRule(
                entry["rule"],
                reason,
                tuple(sorted(seed_lists)) if seed_lists is not None else None,
                threshold,
                strict,
                tier,
                CONTROL_VALUES[control] if control is not None else None,
                persons,
            )
        )
    try:
        unknown = UnknownControl(own.get("control_without_share", "possible"))
    except ValueError:
        allowed = ", ".join(u.value for u in UnknownControl)
        raise c.fail(("ownership", "control_without_share"), f"must be one of {allowed}") from None

    regions = _regions(c, sections["countries"])
    max_age = _max_list_age(c, top, sections["lists"])

    def flag_of(section: str, key: str, default: bool) -> bool:
        return c.boolean((section, key), sections[section].get(key, default))

    return Policy(
        name=str(top["name"]),
        version=str(top["version"]),
        effective_from=effective,
        description=str(top.get("description", "")).strip(),
        deny_lists=deny,
        flag_lists=flag,
        deny_at=deny_at,
        review_at=review_at,
        ownership=tuple(parsed_rules),
        unknown_control=unknown,
        countries=regions,
        deny_headquarters=flag_of("countries", "deny_headquarters", True),
        deny_incorporation=flag_of("countries", "deny_incorporation", False),
        deny_ip=flag_of("countries", "deny_ip", True),
        review_possible_ownership=flag_of("review", "possible_ownership", True),
        review_unresolved=flag_of("review", "unresolved", True),
        review_contradictions=flag_of("review", "contradicting_declarations", True),
        max_list_age=max_age,
        source=source,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def _regions(c: _Checker, section: dict[str, Any]) -> str:
    """The region list the policy names (``regions``; ``unsupported`` is its older spelling)."""
    if "regions" in section and "unsupported" in section:
        raise c.fail(("countries", "unsupported"), "give either regions or unsupported (its older name), not both")
    key = "regions" if "regions" in section else "unsupported"
    name = section.get(key, DEFAULT_REGIONS)
    if not isinstance(name, str) or name not in list_names():
        raise c.fail(("countries", key), f"unknown region list {name!r} (known: {', '.join(list_names())})")
    return name


def _max_list_age(c: _Checker, top: dict[str, Any], lists: dict[str, Any]) -> float:
    """Days after which a list's latest snapshot is stale (``max_list_age``, at the top or under lists)."""
    if "max_list_age" in top and "max_list_age" in lists:
        raise c.fail(("lists", "max_list_age"), "given twice (at the top and under lists)")
    path: tuple[str, ...] = ("max_list_age",) if "max_list_age" in top else ("lists", "max_list_age")
    value = top.get("max_list_age", lists.get("max_list_age", DEFAULT_MAX_LIST_AGE))
    if isinstance(value, str) and value.strip().lower().endswith("d"):
        with contextlib.suppress(ValueError):
            value = float(value.strip()[:-1])
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < float(value) <= 3650:
        raise c.fail(path, f"must be a number of days between 0 and 3650 (such as 8 or '8d'), got {value!r}")
    return float(value)


def shipped_names() -> list[str]:
    """The policies that ship with ownergate."""
    folder = resources.files("ownergate.policy") / "shipped"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def read_policy(name_or_path: str, known_lists: Collection[str] | None) -> Policy:
    """A shipped policy by name, or a policy file by path."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise PolicyError(f"{path}: cannot read policy file: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise PolicyError(f"{path}: policy file is not UTF-8 text") from None
        return parse_policy(text, str(path), known_lists)
    if name_or_path not in shipped_names():
        raise PolicyError(f"no policy {name_or_path!r}: shipped policies are {', '.join(shipped_names())}")
    resource = resources.files("ownergate.policy") / "shipped" / f"{name_or_path}.yaml"
    return parse_policy(resource.read_text("utf-8"), f"{name_or_path}.yaml", known_lists)
