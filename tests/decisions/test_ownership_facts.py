"""Declared owners under the provider's rule: the country an owner gives counts (incorporation when no
headquarters is declared), an owner of no country goes to review, and one sum covers regions and lists."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ownergate.decisions import customers as book
from ownergate.decisions.service import decide
from ownergate.store import Store

NOW = datetime(2026, 1, 15, tzinfo=UTC)


def test_declared_owners_count_by_the_country_they_give(store: Store, tmp_path: Path) -> None:
    customers = tmp_path / "c.csv"
    customers.write_text(
        "id,name,country,hq_country\n"
        "inc-cn,Harbourline Tools Pte Ltd,SG,SG\n"
        "no-country,Meridian Analytics Pte Ltd,SG,SG\n"
        "small,Coastal Ledger Pte Ltd,SG,SG\n"
        "person,Northwind Labs Ltd,GB,GB\n"
        "own-inc-cn,Lanting Robotics Co Ltd,CN,\n"
    )
    owners = tmp_path / "o.csv"
    owners.write_text(
        "customer_id,owner_name,owner_country,owner_hq_country,share_min,share_max,owner_type\n"
        "inc-cn,Harbourline Holdings Ltd,CN,,1,1,company\n"
        "no-country,Meridian Holdings Ltd,,,0.8,0.8,company\n"
        "small,Coastal Holdings Ltd,,,0.3,0.3,company\n"
        "person,Ivan Petrov,RU,,0.6,0.6,person\n"
    )
    book.import_files(store, customers, owners, NOW)
    ids = ("inc-cn", "no-country", "small", "person", "own-inc-cn")
    verdicts = {cid: decide(store, cid, "anthropic", as_of=NOW) for cid in ids}
    assert verdicts["inc-cn"].decision.value == "deny"  # incorporated in China, no HQ declared
    path = next(r for r in verdicts["inc-cn"].reasons if r.code.value == "owned-by-unsupported-region")
    assert "incorporated in (no HQ recorded) China" in path.evidence["path"]
    assert verdicts["no-country"].decision.value == "review"  # 80% held by an owner of unknown country
    reason = next(r for r in verdicts["no-country"].reasons if r.code.value == "possible-ownership")
    assert "country unknown" in reason.message
    assert "possible-ownership" not in {r.code.value for r in verdicts["small"].reasons}  # 30% cannot carry it
    assert verdicts["person"].decision.value == "deny"  # a declared person counts by the country given
    # the customer itself: incorporated in China with no headquarters recorded counts as Chinese
    own = verdicts["own-inc-cn"]
    assert own.decision.value == "deny", [r.message for r in own.reasons]
    assert any("incorporated, with no headquarters recorded, in China" in r.message for r in own.reasons)
