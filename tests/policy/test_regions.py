"""Region lists as published, dated and sourced (issue 13, item 1), and the policy keys naming them."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from ownergate.errors import NotFoundError, PolicyError
from ownergate.policy.countries import _parse, all_versions, known_code, list_names, unsupported_regions
from ownergate.policy.loader import parse_policy, read_policy

ANTHROPIC = "anthropic-supported-regions"


def test_every_shipped_version_is_dated_and_sourced() -> None:
    for name in list_names():
        for version in all_versions(name):
            assert version.effective and version.retrieved and version.source.startswith("https://"), (name, version)


def test_the_published_allowlist_back_to_2025_09_05() -> None:
    first = all_versions(ANTHROPIC)[0]
    assert first.effective == date(2025, 9, 5) and first.is_allowlist
    assert "anthropic.com" in first.source
    assert unsupported_regions(date(2025, 9, 5), ANTHROPIC) is first
    assert len(first.supported or {}) > 150


@pytest.mark.parametrize("code", ["LY", "SD", "YE", "NI", "CN", "HK", "MO", "RU", "BY", "IR", "KP", "CU", "SY", "VE"])
def test_countries_the_allowlist_omits_are_unsupported(code: str) -> None:
    assert unsupported_regions(date(2026, 1, 1), ANTHROPIC).is_unsupported(code)


@pytest.mark.parametrize("code", ["US", "GB", "DE", "SG", "JP", "IN", "TW", "UA", "ae", " kr "])
def test_listed_countries_are_supported(code: str) -> None:
    assert not unsupported_regions(date(2026, 1, 1), ANTHROPIC).is_unsupported(code)


def test_sub_national_regions() -> None:
    regions = unsupported_regions(date(2026, 1, 1), ANTHROPIC)
    # excepted regions of a supported country
    assert all(regions.is_unsupported(c) for c in ("UA-43", "UA-40", "UA-14", "UA-09"))
    # a region of a supported country that is not excepted, and one of an unsupported country
    assert not regions.is_unsupported("UA-30") and not regions.is_unsupported("US-CA")
    assert regions.is_unsupported("CN-BJ")
    assert regions.name("UA-43") == "Autonomous Republic of Crimea"


def test_missing_is_not_unsupported_but_an_unknown_code_is() -> None:
    regions = unsupported_regions(None, ANTHROPIC)
    assert not regions.is_unsupported(None) and not regions.is_unsupported("")
    assert regions.is_unsupported("ZZ")  # outside the allowlist: unsupported, never supported


def test_citation_names_the_version() -> None:
    cite = unsupported_regions(date(2026, 1, 1), ANTHROPIC).cite()
    assert cite["regions"] == ANTHROPIC and cite["regions_version"] == "2025-09-05"
    assert cite["regions_effective"] == "2025-09-05" and cite["regions_source"].startswith("https://")


def test_known_codes() -> None:
    assert known_code(" cn ") == "CN" and known_code("UA-43") == "UA-43" and known_code("XK") == "XK"
    assert known_code("China") is None and known_code("CHN") is None and known_code("UA-99") is None


@pytest.mark.parametrize(
    ("version", "problem"),
    [
        ({"version": "1", "effective": "2025-01-01", "source": "x", "retrieved": "2025-01-01"}, "either 'supported'"),
        (
            {"version": "1", "effective": "2025-01-01", "source": "x", "retrieved": "2025-01-01",
             "supported": {"US": 1}, "unsupported": {"CN": 1}},
            "either 'supported'",
        ),
        ({"version": "1", "effective": "2025-01-01", "retrieved": "2025-01-01", "supported": {"US": 1}}, "'source'"),
        ({"version": "1", "effective": "2025-01-01", "source": "x", "supported": {"US": 1}}, "missing 'retrieved'"),
        (
            {"version": "1", "effective": "someday", "source": "x", "retrieved": "2025-01-01", "supported": {"US": 1}},
            "not a date",
        ),
        (
            {"version": "1", "effective": "2025-01-01", "source": "x", "retrieved": "2025-01-01",
             "supported": {"China": 1}},
            "not an ISO 3166",
        ),
    ],
)  # fmt: skip
def test_bad_region_data_is_refused(version: dict[str, object], problem: str) -> None:
    with pytest.raises(PolicyError, match=problem):
        _parse(yaml.safe_load(yaml.safe_dump({"versions": [version]})), "bad")


def test_unknown_region_list() -> None:
    with pytest.raises(NotFoundError, match="no region list"):
        all_versions("nowhere")


POLICY = """\
name: p
version: "1"
effective_from: 2025-01-01
lists:
  deny: [us-ofac-sdn]
screening:
  deny_at: 0.9
"""


def test_policy_names_its_region_list() -> None:
    assert read_policy("anthropic", None).countries == ANTHROPIC
    assert parse_policy(POLICY, "p.yaml", None).countries == ANTHROPIC  # the default
    older = parse_policy(POLICY + "countries:\n  unsupported: unsupported_regions\n", "p.yaml", None)
    assert older.countries == "unsupported_regions"
    with pytest.raises(PolicyError, match=r"line 9: countries\.regions: unknown region list 'nowhere'"):
        parse_policy(POLICY + "countries:\n  regions: nowhere\n", "p.yaml", None)


def test_max_list_age() -> None:
    assert parse_policy(POLICY, "p.yaml", None).max_list_age == 8
    assert parse_policy(POLICY + "max_list_age: 2\n", "p.yaml", None).max_list_age == 2
    assert parse_policy(POLICY + "max_list_age: 3d\n", "p.yaml", None).max_list_age == 3
    lists = POLICY.replace("  deny: [us-ofac-sdn]\n", "  deny: [us-ofac-sdn]\n  max_list_age: 1.5\n")
    assert parse_policy(lists, "p.yaml", None).max_list_age == 1.5
    with pytest.raises(PolicyError, match="max_list_age: must be a number of days"):
        parse_policy(POLICY + "max_list_age: soon\n", "p.yaml", None)
    with pytest.raises(PolicyError, match="max_list_age: must be a number of days"):
        parse_policy(POLICY + "max_list_age: 0\n", "p.yaml", None)
