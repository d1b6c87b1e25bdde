"""--as-of: the lists, policy version and ownership data in force then, the same answer every time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ownergate.decisions import customers as book
from ownergate.decisions.service import decide
from ownergate.lists.loader import load_paths
from ownergate.ownership.repository import load_ownership
from ownergate.policy import repository
from ownergate.policy.loader import parse_policy
from ownergate.store import Store

POLICY = """\
name: sdn-only
version: "{version}"
effective_from: {effective}
lists:
  deny: [us-ofac-sdn]
screening:
  deny_at: {deny_at}
  review_at: 0.75
ownership:
  rules:
    - rule: ofac
      reason: owned-by-listed-party
countries:
  deny_headquarters: false
"""


@pytest.fixture
def sdn_history(store: Store, testdata: Path, tmp_path: Path) -> Store:
    load_paths(store, [testdata / "ofac/sdn_2023-05-02.csv"])
    load_paths(store, [testdata / "ofac/sdn_2024-05-03.csv"])
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with store.transaction() as tx:
        for version, effective, deny_at in (("1", "2020-01-01", "0.9"), ("2", "2024-01-01", "0.95")):
            text = POLICY.format(version=version, effective=effective, deny_at=deny_at)
            repository.install(tx, parse_policy(text, "sdn-only.yaml", None), "admin", now)
    customers = tmp_path / "c.csv"
    # Kriogenmash OAO was added to the SDN list between the 2023-05-02 and 2024-05-03 snapshots.
    customers.write_text("id,name,country,hq_country\nk,Kriogenmash OAO,,\nsub,Frostline Engineering GmbH,DE,DE\n")
    entities = tmp_path / "e.csv"
    # Its subsidiary's parent appears in the ownership data by name only, not marked as listed there.
    entities.write_text(
        "id,name,hq_country,incorporation_country,lists\n"
        "sub,Frostline Engineering GmbH,DE,DE,\nP-krio,Kriogenmash OAO,RU,RU,\n"
    )
    edges = tmp_path / "x.csv"
    edges.write_text("owner_id,owned_id,share_min,share_max,valid_from\nP-krio,sub,0.6,0.6,2024-01-01\n")
    load_ownership(store, [entities, edges])
    book.import_files(store, customers, None, now)
    with store.transaction() as tx:
        tx.execute("UPDATE customers SET entity_id = 'sub' WHERE id = 'sub'")
    return store


@pytest.mark.slow
def test_as_of_uses_the_lists_and_policy_in_force_then(sdn_history: Store) -> None:
    then = datetime(2023, 6, 1, tzinfo=UTC)
    before = decide(sdn_history, "k", "sdn-only", as_of=then)
    assert before.decision.value == "allow"
    assert before.policy_version == "1"
    assert before.snapshots["lists"]["us-ofac-sdn"] == 1
    now = decide(sdn_history, "k", "sdn-only")
    assert now.decision.value == "deny" and now.policy_version == "2"
    assert now.snapshots["lists"]["us-ofac-sdn"] == 2
    hit = next(r for r in now.reasons if r.code.value == "listed")
    assert hit.evidence["entry_id"] == "20306"
    again = decide(sdn_history, "k", "sdn-only", as_of=then)
    assert {k: v for k, v in again.to_dict().items() if k != "decided_at"} == {
        k: v for k, v in before.to_dict().items() if k != "decided_at"
    }


@pytest.mark.slow
def test_as_of_uses_the_ownership_edges_valid_then(sdn_history: Store) -> None:
    # The parent's edge is valid from 2024-01-01; the parent is on the SDN snapshot published 2024-05-03.
    assert decide(sdn_history, "sub", "sdn-only", as_of=datetime(2023, 12, 31, tzinfo=UTC)).decision.value == "allow"
    later = decide(sdn_history, "sub", "sdn-only", as_of=datetime(2024, 6, 1, tzinfo=UTC))
    assert later.decision.value == "deny"
    assert [r.code.value for r in later.reasons] == ["owned-by-listed-party"]
    path = later.reasons[0].evidence["path"]
    assert "Frostline Engineering GmbH <- 60% Kriogenmash OAO (listed: us-ofac-sdn)" in path
