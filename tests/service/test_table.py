"""The compiled table and the in-process check, on both backends."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from service_helpers import SHENZHEN_REASON, Gate, add_customer, wait_for

from ownergate import changefeed
from ownergate.service import keys
from ownergate.service.check import Checker
from ownergate.service.replica import Replica
from ownergate.service.table import load_table
from ownergate.store import Store


def _checker(store: Store, **kwargs: object) -> tuple[Replica, Checker]:
    replica = Replica(store.url)
    replica.start()
    return replica, Checker(replica, **kwargs)  # type: ignore[arg-type]


def test_table_holds_every_key_and_verdict(gate: Gate) -> None:
    table = load_table(gate.store)
    assert table.stats() == {"customers": 3, "keys": 4}  # nz-new has a key but no verdict


def test_check_verdicts_and_reasons(gate: Gate) -> None:
    replica, checker = _checker(gate.store)
    try:
        denied = checker.check(gate.keys["sg-acme"], None)
        assert (denied.status, denied.allow, denied.decision, denied.customer) == (403, False, "deny", "sg-acme")
        assert denied.reasons[0]["evidence"]["parent"] == SHENZHEN_REASON["evidence"]["parent"]
        allowed = checker.check(gate.keys["gb-widgets"], "81.2.69.142")  # a British address
        assert (allowed.status, allowed.allow, allowed.decision) == (200, True, "allow")
        review = checker.check(gate.keys["us-review"], None)
        assert (review.status, review.allow, review.decision) == (403, False, "review")
        undecided = checker.check(gate.keys["nz-new"], None)
        assert undecided.decision == "review" and undecided.reasons[0]["code"] == "no-decision"
        unknown = checker.check("og_live_" + "A" * 32, None)
        assert (unknown.status, unknown.reasons[0]["code"]) == (403, "unknown-key")
        region = checker.check(gate.keys["gb-widgets"], "223.5.5.5")  # a Chinese address
        assert (region.status, region.allow, region.customer) == (403, False, "gb-widgets")
        assert region.reasons[0]["code"] == "ip-unsupported-region"
        assert region.reasons[0]["evidence"]["country"] == "CN"
        assert checker.check(gate.keys["gb-widgets"], "2a02:6b8::1").reasons[0]["evidence"]["country"] == "RU"
        assert checker.check(gate.keys["gb-widgets"], "10.1.2.3").allow  # private: no country, no refusal
    finally:
        replica.stop()


def test_key_revocation_and_new_verdicts_reach_a_running_replica(gate: Gate) -> None:
    replica, checker = _checker(gate.store)
    try:
        key = gate.keys["gb-widgets"]
        keys.revoke_key(gate.store, key)
        wait_for(lambda: [r["code"] for r in checker.check(key, None).reasons] == ["unknown-key"], 1.0)
        add_customer(gate.store, "fr-late", "allow")
        late = keys.issue_key(gate.store, "fr-late").key
        wait_for(lambda: checker.check(late, None).allow, 1.0)
        with gate.store.transaction() as tx:  # the decision engine's side: a new verdict, then notify
            tx.execute("UPDATE decisions SET is_current = 0 WHERE customer_id = ?", ("fr-late",))
            tx.execute(
                "INSERT INTO decisions (customer_id, decision, reasons, policy, policy_version, snapshots, decided_at)"
                " VALUES ('fr-late', 'deny', '[]', 'test', '2', '{}', '2026-06-01')"
            )
        changefeed.decisions_changed(gate.store, ["fr-late"])
        wait_for(lambda: checker.check(late, None).decision == "deny", 1.0)
        changefeed.decisions_changed(gate.store, None)  # "everything may have changed": a full reload
        wait_for(lambda: replica.reloads == 2, 2.0)
        assert checker.check(late, None).decision == "deny"
    finally:
        replica.stop()


def test_override_expiry_is_honoured_without_a_database_change(gate: Gate) -> None:
    expires = datetime.now(UTC) + timedelta(hours=1)
    with gate.store.transaction() as tx:
        tx.execute(
            "INSERT INTO overrides (customer_id, decision, justification, expires_at, status, proposed_by,"
            " proposed_at, reviewed_by, reviewed_at) VALUES ('sg-acme', 'allow', 'pilot under licence', ?,"
            " 'approved', 'ana', '2026-05-01', 'bob', '2026-05-02')",
            (expires.isoformat(),),
        )
    replica, checker = _checker(gate.store, max_staleness=0)
    try:
        key = gate.keys["sg-acme"]
        now = time.time()
        assert checker.check(key, None, now=now).allow
        after = checker.check(key, None, now=expires.timestamp() + 1)  # the table alone knows it lapsed
        assert (after.allow, after.decision) == (False, "deny")
        assert after.reasons[0]["code"] == SHENZHEN_REASON["code"]
    finally:
        replica.stop()


def test_fails_closed_past_max_staleness(gate: Gate) -> None:
    replica, checker = _checker(gate.store, max_staleness=5.0)
    try:
        key = gate.keys["gb-widgets"]
        assert checker.check(key, None).allow
        stale = checker.check(key, None, now=time.time() + 60)
        assert (stale.status, stale.allow, stale.reasons[0]["code"]) == (503, False, "stale-table")
        lenient = Checker(replica, max_staleness=5.0, fail_closed=False)
        assert lenient.check(key, None, now=time.time() + 60).allow
    finally:
        replica.stop()


def _install_policy(store: Store, deny_ip: bool, regions: str) -> None:
    from ownergate.policy import repository
    from ownergate.policy.loader import parse_policy

    text = (
        f'name: test\nversion: "1"\neffective_from: 2025-01-01\nlists:\n  deny: [us-ofac-sdn]\n'
        f"screening:\n  deny_at: 0.9\ncountries:\n  regions: {regions}\n  deny_ip: {str(deny_ip).lower()}\n"
    )
    with store.transaction() as tx:
        repository.install(tx, parse_policy(text, "test.yaml", None), "admin", datetime.now(UTC))


def test_a_policy_with_deny_ip_false_does_not_deny_by_address(gate: Gate) -> None:
    """Issue 13: the verdict's policy (test@1, installed) says deny_ip: false: a Chinese address passes."""
    _install_policy(gate.store, deny_ip=False, regions="anthropic-supported-regions")
    table = load_table(gate.store)
    assert table.customers["gb-widgets"].ip_rule is None
    replica, checker = _checker(gate.store)
    try:
        from_china = checker.check(gate.keys["gb-widgets"], "223.5.5.5")
        assert (from_china.status, from_china.decision, from_china.reasons) == (200, "allow", ())
    finally:
        replica.stop()


def test_the_ip_rule_uses_the_policys_region_list(gate: Gate) -> None:
    """The allowlist refuses an address in a country it omits (Libya); the old deny-list does not."""
    _install_policy(gate.store, deny_ip=True, regions="anthropic-supported-regions")
    replica, checker = _checker(gate.store)
    try:
        libya = "41.208.64.1"
        from ownergate.service.geoip import country_of

        assert country_of(libya) == "LY"
        refused = checker.check(gate.keys["gb-widgets"], libya)
        assert refused.status == 403 and refused.reasons[0]["code"] == "ip-unsupported-region"
        assert refused.reasons[0]["evidence"]["regions"] == "anthropic-supported-regions"
        assert refused.reasons[0]["evidence"]["regions_version"] == "2025-09-05"
    finally:
        replica.stop()
