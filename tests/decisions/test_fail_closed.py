"""Issue 13: a missing, unknown or unlisted fact never yields allow.

Each fail-open example of the issue, on both store backends: a parent in a country the provider's
published allowlist omits, a store with no lists, a stale list, a customer with no country.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ownergate.decisions import customers as book
from ownergate.decisions.service import decide
from ownergate.lists.loader import Guards, load_paths
from ownergate.ownership.repository import load_ownership
from ownergate.policy.loader import read_policy
from ownergate.store import Store

ANTHROPIC_LISTS = sorted(read_policy("anthropic", None).deny_lists)


def load_every_list(store: Store, folder: Path, when: datetime | None = None) -> None:
    """Every list the anthropic policy denies on, each a one-entry internal CSV (fresh unless ``when``)."""
    for list_id in ANTHROPIC_LISTS:
        path = folder / f"{list_id}.csv"
        path.write_text("id,name,aliases,country,type\n1,Zebulon Quarry Holdings Ltd,,PA,organization\n")
        # a placeholder in another format than the list's own: named and forced (integrity guards)
        if when is None:
            load_paths(store, [path], list_id=list_id, guards=Guards(force=True))
        else:
            load_paths(store, [path], list_id=list_id, guards=Guards(force=True), clock=lambda: when)


def parent_book(store: Store, folder: Path, parent_country: str) -> None:
    """A Singapore company 100% owned by a parent headquartered in ``parent_country``."""
    entities = folder / "e.csv"
    entities.write_text(
        "id,name,hq_country,incorporation_country,lists\n"
        f"P,Parent Holding Co,{parent_country},{parent_country},\n"
        "S,Sunda Data Pte Ltd,SG,SG,\n"
    )
    edges = folder / "x.csv"
    edges.write_text("owner_id,owned_id,share_min,share_max\nP,S,1.0,1.0\n")
    load_ownership(store, [entities, edges])
    customers = folder / "c.csv"
    customers.write_text(
        "id,name,country,hq_country,lei,registration_number,website,entity_id\nsub,Sunda Data Pte Ltd,SG,SG,,,,S\n"
    )
    book.import_files(store, customers, None, datetime.now(UTC))


@pytest.mark.parametrize("country", ["LY", "SD", "YE", "NI"])
def test_parent_in_a_country_the_allowlist_omits_denies(store: Store, tmp_path: Path, country: str) -> None:
    load_every_list(store, tmp_path)
    parent_book(store, tmp_path, country)
    verdict = decide(store, "sub", "anthropic")
    assert verdict.decision.value == "deny", verdict.to_dict()
    owned = [r for r in verdict.reasons if r.code.value == "owned-by-unsupported-region"]
    assert owned, [r.code for r in verdict.reasons]
    evidence = owned[0].evidence
    assert evidence["regions"] == "anthropic-supported-regions"
    assert evidence["regions_version"] == "2025-09-05"
    assert evidence["regions_source"].startswith("https://")


def test_parent_in_a_supported_country_is_allowed(store: Store, tmp_path: Path) -> None:
    load_every_list(store, tmp_path)
    parent_book(store, tmp_path, "JP")
    verdict = decide(store, "sub", "anthropic")
    assert verdict.decision.value == "allow", verdict.to_dict()


def test_crimea_parent_denies_and_the_rest_of_ukraine_does_not(store: Store, tmp_path: Path) -> None:
    load_every_list(store, tmp_path)
    parent_book(store, tmp_path, "UA-43")
    assert decide(store, "sub", "anthropic").decision.value == "deny"


def test_empty_store_is_review_lists_missing(store: Store, tmp_path: Path) -> None:
    customers = tmp_path / "c.csv"
    customers.write_text("id,name,country,hq_country\nacme,Acme Widgets GmbH,DE,DE\n")
    book.import_files(store, customers, None, datetime.now(UTC))
    verdict = decide(store, "acme", "anthropic")
    assert verdict.decision.value == "review"
    assert [r.code.value for r in verdict.reasons] == ["lists-missing"]
    assert "no lists are loaded" in verdict.reasons[0].message


def test_a_denying_list_missing_is_review_naming_it(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "us-ofac-sdn.csv"
    path.write_text("id,name,aliases,country,type\n1,Zebulon Quarry Holdings Ltd,,PA,organization\n")
    load_paths(store, [path], list_id="us-ofac-sdn", guards=Guards(force=True))
    customers = tmp_path / "c.csv"
    customers.write_text("id,name,country,hq_country\nacme,Acme Widgets GmbH,DE,DE\n")
    book.import_files(store, customers, None, datetime.now(UTC))
    verdict = decide(store, "acme", "anthropic")
    assert verdict.decision.value == "review"
    reason = verdict.reasons[0]
    assert reason.code.value == "lists-missing"
    assert "us-bis-entity" in reason.evidence["missing"] and "us-ofac-sdn" not in reason.evidence["missing"]


def test_lists_older_than_max_list_age_are_review_list_stale(store: Store, tmp_path: Path) -> None:
    load_every_list(store, tmp_path, when=datetime.now(UTC) - timedelta(days=9))
    customers = tmp_path / "c.csv"
    customers.write_text("id,name,country,hq_country\nacme,Acme Widgets GmbH,DE,DE\n")
    book.import_files(store, customers, None, datetime.now(UTC))
    verdict = decide(store, "acme", "anthropic")
    assert verdict.decision.value == "review"
    assert [r.code.value for r in verdict.reasons] == ["list-stale"]
    assert verdict.reasons[0].evidence["max_list_age_days"] == 8
    assert set(verdict.reasons[0].evidence["stale"]) == set(ANTHROPIC_LISTS)


def test_fresh_lists_and_a_supported_customer_allow(store: Store, tmp_path: Path) -> None:
    load_every_list(store, tmp_path, when=datetime.now(UTC) - timedelta(days=7))
    customers = tmp_path / "c.csv"
    customers.write_text("id,name,country,hq_country\nacme,Acme Widgets GmbH,DE,DE\n")
    book.import_files(store, customers, None, datetime.now(UTC))
    assert decide(store, "acme", "anthropic").decision.value == "allow"


def test_customer_with_no_country_is_review(store: Store, tmp_path: Path) -> None:
    load_every_list(store, tmp_path)
    customers = tmp_path / "c.csv"
    customers.write_text("id,name,country,hq_country\nnowhere,Nowhere Trading LLC,,\n")
    book.import_files(store, customers, None, datetime.now(UTC))
    verdict = decide(store, "nowhere", "anthropic")
    assert verdict.decision.value == "review"
    codes = [r.code.value for r in verdict.reasons]
    # the ownership rule also finds it possibly of an unsupported region (a party of unknown country)
    assert codes[0] == "country-missing" and set(codes) <= {"country-missing", "possible-ownership"}


def test_customer_headquartered_outside_the_allowlist_denies(store: Store, tmp_path: Path) -> None:
    load_every_list(store, tmp_path)
    customers = tmp_path / "c.csv"
    customers.write_text("id,name,country,hq_country\nly,Tripoli Data Co,LY,LY\ncrimea,Yalta Soft LLC,UA,UA-43\n")
    book.import_files(store, customers, None, datetime.now(UTC))
    for cid in ("ly", "crimea"):
        verdict = decide(store, cid, "anthropic")
        assert verdict.decision.value == "deny"
        assert verdict.reasons[0].code.value == "hq-unsupported-region"
        assert verdict.reasons[0].evidence["regions_version"] == "2025-09-05"


def test_country_from_the_linked_node_and_an_unknown_code(store: Store, tmp_path: Path) -> None:
    """A customer without its own countries takes those of the ownership node it names; a code no
    region list can judge (a reader let 'ZZ' through) is review, never clear."""
    load_every_list(store, tmp_path)
    with store.transaction() as tx:
        for nid, hq in (("n-cn", "CN"), ("n-zz", "ZZ")):
            tx.execute(
                "INSERT INTO ownership_entities (id, name, hq_country, incorporation_country, updated_at)"
                " VALUES (?, ?, ?, ?, '2026-01-01')",
                (nid, f"Node {nid}", hq, hq),
            )
    customers = tmp_path / "c.csv"
    customers.write_text(
        "id,name,country,hq_country,lei,registration_number,website,entity_id\n"
        "cn,Node n-cn,,,,,,n-cn\nzz,Node n-zz,,,,,,n-zz\n"
    )
    book.import_files(store, customers, None, datetime.now(UTC))
    via_node = decide(store, "cn", "anthropic")
    assert via_node.decision.value == "deny"
    assert {r.code.value for r in via_node.reasons} >= {"hq-unsupported-region"}
    unknown = decide(store, "zz", "anthropic")
    assert unknown.decision.value != "allow"
    assert "country-unknown" in {r.code.value for r in unknown.reasons}
