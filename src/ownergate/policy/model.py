"""A policy: which lists deny or flag, which ownership rules apply, what goes to review.

Policies are YAML files (see ``docs/policies.md``), validated by ``ownergate.policy.loader``.
Every decision names the policy and the version it was made under.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

#: days after which a list's latest snapshot is stale, unless the policy says otherwise
DEFAULT_MAX_LIST_AGE = 8.0


class UnknownControl(StrEnum):
    """How control of unknown size (GLEIF consolidation, OFAC "Owned or Controlled By") counts."""

    POSSIBLE = "possible"  # as a majority under the upper bound only: can make a case "possible"
    MAJORITY = "majority"  # as a full majority stake: can make a case "restricted"
    IGNORE = "ignore"  # not at all


#: a rule entry's ``control`` values (the issue's words and the policy-level ones alike)
CONTROL_VALUES: dict[str, UnknownControl] = {
    "restricted": UnknownControl.MAJORITY,
    "majority": UnknownControl.MAJORITY,
    "possible": UnknownControl.POSSIBLE,
    "ignored": UnknownControl.IGNORE,
    "ignore": UnknownControl.IGNORE,
}

#: a rule entry's ``persons`` values: which of a person's countries count (ownergate.ownership.rules.PersonCountry)
PERSON_VALUES = ("nationality-or-residence", "nationality", "residence", "ignored")


@dataclass(frozen=True, slots=True)
class OwnershipRule:
    rule: str  # a rule of ownergate.ownership: anthropic, ofac, bis, eu, uk, lookthrough
    reason: str  # the reason code a restricted result gives: owned-by-unsupported-region | owned-by-listed-party
    lists: tuple[str, ...] | None = None  # seed lists replacing the rule's own (None: the rule's)
    threshold: float | None = None  # replaces the rule's threshold
    strict: bool | None = None  # True: the stake must exceed the threshold; False: reach it
    review_at: float | None = None  # a stake at or above this, below the threshold, goes to review
    control: UnknownControl | None = None  # control of unknown size under this rule (None: the policy's)
    persons: str | None = None  # which of a person's countries count (None: the rule's own)

    def overrides(self, policy_control: UnknownControl) -> dict[str, object]:
        """The fields of the named ownership rule this entry replaces (``get_rule(rule, **overrides)``)."""
        out: dict[str, object] = {}
        if self.lists is not None:
            out["seed_lists"] = self.lists
        if self.threshold is not None:
            out["threshold"] = self.threshold
        if self.strict is not None:
            out["strict"] = self.strict
        if self.review_at is not None:
            out["review_at"] = self.review_at
        if self.persons is not None:
            from ownergate.ownership.parties import PersonCountry

            out["persons"] = PersonCountry(self.persons)
        control = self.control if self.control is not None else policy_control
        if control is UnknownControl.MAJORITY:
            out["unknown_lower"], out["unknown_upper"] = 1.0, 1.0
        elif control is UnknownControl.IGNORE:
            out["unknown_lower"], out["unknown_upper"] = 0.0, 0.0
        else:  # possible: a majority under the upper bounds only
            out["unknown_lower"], out["unknown_upper"] = 0.0, 1.0
        return out


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    version: str
    effective_from: date
    description: str
    deny_lists: frozenset[str]  # an entry on one of these, matched at or above deny_at, denies
    flag_lists: frozenset[str]  # an entry on one of these sends the customer to review
    deny_at: float  # screening score at or above which a hit counts as a match
    review_at: float  # screening score at or above which (and below deny_at) a hit is a possible match
    ownership: tuple[OwnershipRule, ...]
    unknown_control: UnknownControl
    countries: str  # the region list (policy/data/<name>.yaml) saying which regions are unsupported
    deny_headquarters: bool  # a customer headquartered in an unsupported region is denied
    deny_incorporation: bool  # a customer incorporated in an unsupported region is denied
    deny_ip: bool  # requests from addresses in unsupported regions are denied
    review_possible_ownership: bool
    review_unresolved: bool
    review_contradictions: bool
    max_list_age: float = DEFAULT_MAX_LIST_AGE  # days: a denying list loaded longer ago than this is stale
    source: str = ""  # the file the policy was read from
    text: str = field(default="", repr=False)  # the YAML as written, kept for reproducibility
    sha256: str = ""

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"
