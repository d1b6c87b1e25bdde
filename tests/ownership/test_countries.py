"""The versioned region lists the anthropic rule seeds from."""

from __future__ import annotations

from datetime import date

from ownergate.policy.countries import all_versions, unsupported_regions


def test_the_deny_list_and_occupied_regions() -> None:
    current = unsupported_regions(name="unsupported_regions")
    assert set(current.countries) == {"CN", "HK", "MO", "RU", "BY", "IR", "KP", "CU", "SY", "VE", "MM", "AF"}
    assert {"UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65"} <= set(current.regions)
    assert current.is_unsupported("cn") and current.is_unsupported(" UA-43 ")
    assert not current.is_unsupported("UA") and not current.is_unsupported("SG") and not current.is_unsupported(None)
    assert current.name("HK") == "Hong Kong" and current.name("SG") == "Singapore"


def test_the_default_is_the_published_allowlist() -> None:
    current = unsupported_regions()
    assert current.list_name == "anthropic-supported-regions" and current.is_allowlist
    assert current.is_unsupported("CN") and current.is_unsupported("LY") and current.is_unsupported("UA-43")
    assert not current.is_unsupported("SG") and not current.is_unsupported("UA")


def test_versions_have_effective_dates() -> None:
    versions = all_versions()
    assert [v.effective for v in versions] == sorted(v.effective for v in versions)
    assert unsupported_regions(date(1990, 1, 1)) is versions[0]
    assert unsupported_regions(date(2030, 1, 1)) is versions[-1]
