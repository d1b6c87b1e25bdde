"""Policy files: the shipped ones load, and every mistake names its line."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ownergate.errors import ConflictError, NotFoundError, PolicyError
from ownergate.policy import repository
from ownergate.policy.loader import parse_policy, read_policy, shipped_names
from ownergate.store import Store

KNOWN = {"us-ofac-sdn", "us-bis-entity", "us-ofac-nscmic"}
GOOD = """\
name: test
version: "1"
effective_from: 2025-01-01
lists:
  deny: [us-ofac-sdn, us-bis-entity]
  flag: [us-ofac-nscmic]
screening:
  deny_at: 0.9
  review_at: 0.7
ownership:
  rules:
    - rule: ofac
      reason: owned-by-listed-party
"""


def test_shipped_policies_load() -> None:
    assert {"anthropic", "us-export-controls", "eu", "uk"} <= set(shipped_names())
    for name in shipped_names():
        policy = read_policy(name, None)
        assert policy.name == name
        assert policy.version and policy.sha256
        assert policy.deny_lists, f"{name} denies nothing"
    anthropic = read_policy("anthropic", None)
    assert [r.rule for r in anthropic.ownership] == ["anthropic", "ofac"]
    assert anthropic.ownership[1].lists is not None and "us-dod-1260h" in anthropic.ownership[1].lists
    assert "us-ofac-nscmic" in anthropic.flag_lists  # NS-CMIC restricts securities trading, not service
    assert anthropic.deny_headquarters


def test_good_policy() -> None:
    policy = parse_policy(GOOD, "p.yaml", KNOWN)
    assert policy.deny_lists == {"us-ofac-sdn", "us-bis-entity"}
    assert policy.deny_at == 0.9 and policy.review_at == 0.7
    assert policy.effective_from == date(2025, 1, 1)
    assert policy.ref == "test@1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("  review_at: 0.7", "  review_at: 0.7\n  extra: 1"), "p.yaml: line 10: screening.extra: unknown key"),
        (("deny_at: 0.9", "deny_at: 1.5"), "line 8: screening.deny_at: must be between 0 and 1, got 1.5"),
        (("review_at: 0.7", "review_at: -0.1"), "line 9: screening.review_at: must be between 0 and 1"),
        (("[us-ofac-sdn, us-bis-entity]", "[us-ofac-sdn, us-nowhere]"), "line 5: lists.deny.1: unknown list id"),
        (("rule: ofac", "rule: nowhere"), "line 12: ownership.rules.0.rule: unknown rule 'nowhere'"),
        (("reason: owned-by-listed-party", "lists: [nowhere]"), "line 13: ownership.rules.0.lists.0: unknown list id"),
        (("reason: owned-by-listed-party", "threshold: 2"), "line 13: ownership.rules.0.threshold: must be between"),
        (("effective_from: 2025-01-01", "effective_from: soon"), "line 3: effective_from: must be a date"),
        (("deny_at: 0.9", "deny_at: 0.6"), "screening.review_at: must not exceed deny_at"),
        (("name: test", "name: test\nname: again"), "line 2: duplicate key 'name'"),
        (("lists:", "lists: ["), "invalid YAML"),
        (('version: "1"\n', ""), "missing required key 'version'"),
        (
            ("reason: owned-by-listed-party", "reason: owned-by-listed-party\n      review_at: 0.5"),
            "line 14: ownership.rules.0.review_at: must be below the rule's threshold (0.5)",
        ),
        (
            ("reason: owned-by-listed-party", "reason: owned-by-listed-party\n      control: maybe"),
            "line 14: ownership.rules.0.control: must be one of restricted, majority, possible, ignored, ignore",
        ),
        (
            ("reason: owned-by-listed-party", "reason: owned-by-listed-party\n      persons: citizens"),
            "line 14: ownership.rules.0.persons: must be one of nationality-or-residence",
        ),
    ],
)
def test_bad_policy_names_line_and_problem(change: tuple[str, str], message: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(GOOD.replace(*change), "p.yaml", KNOWN)
    assert message in str(info.value)


def test_unknown_shipped_policy() -> None:
    # issue 13: an unknown policy name is bad input (exit 3), not a missing record
    with pytest.raises(PolicyError, match="shipped policies are"):
        read_policy("nowhere", None)


def test_versions_in_force(store: Store) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    v1 = parse_policy(GOOD, "p.yaml", KNOWN)
    v2 = parse_policy(GOOD.replace('"1"', '"2"').replace("2025-01-01", "2025-06-01"), "p.yaml", KNOWN)
    with store.transaction() as tx:
        assert repository.install(tx, v1, "admin", now)
        assert repository.install(tx, v2, "admin", now)
        assert not repository.install(tx, v1, "admin", now)  # same version, same text: nothing new
    with store.read() as tx:
        assert repository.policy_in_force(tx, "test", date(2025, 3, 1), KNOWN).version == "1"
        assert repository.policy_in_force(tx, "test", date(2025, 7, 1), KNOWN).version == "2"
        with pytest.raises(NotFoundError, match="no version in force"):
            repository.policy_in_force(tx, "test", date(2024, 1, 1), KNOWN)
        assert repository.policy_in_force(tx, "anthropic", date(2026, 1, 1), None).name == "anthropic"
    changed = parse_policy(GOOD.replace("0.7", "0.71"), "p.yaml", KNOWN)
    with pytest.raises(ConflictError, match="new version"), store.transaction() as tx:
        repository.install(tx, changed, "admin", now)
    assert [p.version for p in repository.installed(store)] == ["1", "2"]


def test_rule_entries_set_review_tier_control_and_persons() -> None:
    from ownergate.ownership import get_rule
    from ownergate.ownership.parties import PersonCountry
    from ownergate.policy.model import UnknownControl

    text = GOOD.replace(
        "reason: owned-by-listed-party",
        "reason: owned-by-listed-party\n      review_at: 0.25\n      control: restricted\n      persons: nationality",
    )
    entry = parse_policy(text, "p.yaml", KNOWN).ownership[0]
    assert (entry.review_at, entry.control, entry.persons) == (0.25, UnknownControl.MAJORITY, "nationality")
    rule = get_rule(entry.rule, **entry.overrides(UnknownControl.POSSIBLE))
    assert (rule.review_at, rule.unknown_lower, rule.persons) == (0.25, 1.0, PersonCountry.NATIONALITY)
    # without its own control, the policy-level setting applies
    plain = parse_policy(GOOD, "p.yaml", KNOWN).ownership[0]
    assert get_rule("eu", **plain.overrides(UnknownControl.IGNORE)).unknown_upper == 0.0
    assert get_rule("eu", **plain.overrides(UnknownControl.POSSIBLE)).unknown_lower == 0.0


def test_shipped_rules_state_their_control() -> None:
    from ownergate.policy.model import UnknownControl

    assert read_policy("eu", None).ownership[0].control is UnknownControl.MAJORITY
    assert read_policy("uk", None).ownership[0].control is UnknownControl.MAJORITY
    anthropic = read_policy("anthropic", None).ownership[0]
    assert anthropic.lists is not None and {"us-dod-1260h", "us-ofac-sdn"} <= set(anthropic.lists)
