"""/v1/customers: sign-up screening with keys and idempotency, changes re-decided at once, soft delete.

Runs on SQLite and PostgreSQL (``store``) with the real DoD 1260H list loaded, through the app's
test client; the replica test runs two real ``ownergate serve`` processes.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from service_helpers import load_policy_lists, serve_process, tokens, wait_for

from ownergate import audit
from ownergate.lists.loader import load_paths
from ownergate.ownership.repository import load_ownership
from ownergate.service import auth
from ownergate.service.app import create_app
from ownergate.store import Store, open_store

ATTESTATION = {
    "declared_by": "Jane Doe, CFO",
    "declared_at": "2026-12-01T10:00:00+00:00",
    "text": "I confirm the ownership information above is complete and correct.",
}


def org(name: str = "Widgets Ltd", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "countries": {"incorporation": "GB", "headquarters": "GB", "billing": "GB"},
        "identifiers": {"registration_number": "01234567", "website": "https://widgets.example"},
        "owners": [{"name": "Jane Doe", "country": "GB", "kind": "person", "share": 0.6}],
        "attestation": ATTESTATION,
    }
    body.update(extra)
    return body


def china_parent_owners() -> list[dict[str, Any]]:
    return [
        {
            "name": "Harbour Holdings Ltd",
            "country": "SG",
            "share": 0.8,
            "owners": [{"name": "Shenzhen Example Technology Co., Ltd.", "country": "CN", "share": 1.0}],
        }
    ]


@pytest.fixture
def onboarder(store: Store) -> dict[str, str]:
    load_policy_lists(store)  # every list the policy denies on, fresh: else every verdict is lists-missing
    return {
        "onboarding": auth.issue_token(store, "signup-flow", "onboarding").token,
        **tokens(store),
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_sign_up_allow_key_then_check(store: Store, onboarder: dict[str, str]) -> None:
    with TestClient(create_app(store.url)) as client:
        made = client.post("/v1/customers", json=org(id="acct-1"), headers=bearer(onboarder["onboarding"]))
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["verdict"]["decision"] == "allow", body["verdict"]
        assert body["customer"]["id"] == "acct-1" and body["api_key"].startswith("og_live_")
        assert body["attestation"]["sha256"] and len(body["attestation"]["sha256"]) == 64
        # the key reaches the decision table (every replica's, this one's too) within a second
        wait_for(lambda: client.post("/v1/check", json={"api_key": body["api_key"]}).status_code == 200, 1.0)
        shown = client.get("/v1/customers/acct-1", headers=bearer(onboarder["onboarding"])).json()
        assert shown["verdict"]["decision"] == "allow" and shown["owners"][0]["name"] == "Jane Doe"
        assert [k["prefix"] for k in shown["keys"]] == [body["key"]["prefix"]]
        assert "api_key" not in str(shown) or body["api_key"] not in str(shown)
    with store.read() as tx:
        stored = tx.scalar("SELECT key_hash FROM api_keys WHERE customer_id = 'acct-1'")
        actions = [r[0] for r in tx.fetchall("SELECT action FROM audit_log ORDER BY seq")]
    assert stored != body["api_key"] and len(stored) == 64  # only the digest is kept
    assert {"customer.create", "customer.attested", "decision.recorded", "key.issue"} <= set(actions)


def test_subsidiary_of_china_headquartered_parent_is_denied_with_the_path(
    store: Store, onboarder: dict[str, str]
) -> None:
    with TestClient(create_app(store.url)) as client:
        made = client.post(
            "/v1/customers",
            json=org("Harbour Trading Pte Ltd", owners=china_parent_owners()),
            headers=bearer(onboarder["onboarding"]),
        )
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["verdict"]["decision"] == "deny" and body["api_key"] is None and body["key"] is None
        reason = next(r for r in body["verdict"]["reasons"] if r["code"] == "owned-by-unsupported-region")
        assert "Shenzhen Example Technology" in reason["evidence"]["path"], reason
        assert "Harbour Holdings" in reason["evidence"]["path"]
        # only direct owners count towards 100%: 80% and the parent's 100% of its own owner are no contradiction
        assert "contradicting-declaration" not in [r["code"] for r in body["verdict"]["reasons"]]
        shown = client.get(f"/v1/customers/{body['customer']['id']}", headers=bearer(onboarder["admin"])).json()
        assert shown["owners"][0]["owners"][0]["country"] == "CN" and shown["keys"] == []
    with store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM outbox_events WHERE event_type = 'decision.changed'") == 1


def test_known_subsidiary_of_china_headquartered_parent_is_denied(
    store: Store, onboarder: dict[str, str], tmp_path: Path
) -> None:
    """The customer names its node of the ownership graph; the parent is known there, not declared."""
    entities, edges = tmp_path / "E.csv", tmp_path / "X.csv"
    entities.write_text(
        "id,name,hq_country,incorporation_country,lists\n"
        "sub-1,Lion City Robotics Pte Ltd,SG,SG,\np-1,Zhongguo Example Group Co Ltd,CN,CN,\n"
    )
    edges.write_text("owner_id,owned_id,share_min,share_max,valid_from\np-1,sub-1,0.75,0.75,2020-01-01\n")
    load_ownership(store, [entities, edges])
    body = org("Lion City Robotics Pte Ltd", countries={"headquarters": "SG"}, entity_id="sub-1", owners=[])
    with TestClient(create_app(store.url)) as client:
        made = client.post("/v1/customers", json=body, headers=bearer(onboarder["onboarding"]))
    assert made.status_code == 201, made.text
    verdict = made.json()["verdict"]
    assert verdict["decision"] == "deny" and made.json()["api_key"] is None
    reason = next(r for r in verdict["reasons"] if r["code"] == "owned-by-unsupported-region")
    assert "Zhongguo Example Group" in reason["evidence"]["path"], reason


def test_missing_country_is_review_never_allow(store: Store, onboarder: dict[str, str]) -> None:
    with TestClient(create_app(store.url)) as client:
        made = client.post("/v1/customers", json=org(countries={}), headers=bearer(onboarder["onboarding"]))
        assert made.status_code == 201, made.text
        assert made.json()["verdict"]["decision"] == "review" and made.json()["api_key"] is None
        assert "country-missing" in [r["code"] for r in made.json()["verdict"]["reasons"]]


@pytest.mark.parametrize(
    "change",
    [
        {"countries": {"headquarters": "XX"}},
        {"countries": {"headquarters": "GBR"}},
        {"owners": [{"name": "A", "share": 1.5}]},
        {"owners": [{"name": "A", "share": 0.5, "share_min": 0.1}]},
        {"owners": [{"name": "A", "share_min": 0.6, "share_max": 0.2}]},
        {"attestation": {**ATTESTATION, "declared_at": "2026-12-01T10:00:00"}},  # no time zone
        {"attestation": {**ATTESTATION, "declared_at": 0}},  # not a date-time
        {"surprise": 1},
        {"name": ""},
        {"identifiers": {"lei": "not-an-lei"}},
    ],
)
def test_invalid_input_is_refused(sqlite_store: Store, change: dict[str, Any]) -> None:
    token = auth.issue_token(sqlite_store, "flow", "onboarding").token
    with TestClient(create_app(sqlite_store.url)) as client:
        answer = client.post("/v1/customers", json=org(**change), headers=bearer(token))
        assert answer.status_code == 422, answer.text
    with sqlite_store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM customers") == 0


def test_roles(sqlite_store: Store) -> None:
    people = tokens(sqlite_store)
    onboarding = auth.issue_token(sqlite_store, "flow", "onboarding").token
    with TestClient(create_app(sqlite_store.url)) as client:
        assert client.post("/v1/customers", json=org()).status_code == 401
        for name in ("viewer", "analyst", "approver"):
            assert client.post("/v1/customers", json=org(), headers=bearer(people[name])).status_code == 403
        assert client.get("/admin/customers", headers=bearer(onboarding)).status_code == 403
        assert client.post("/v1/customers", json=org(), headers=bearer(people["admin"])).status_code == 201


def test_idempotency_key(store: Store, onboarder: dict[str, str]) -> None:
    headers = {**bearer(onboarder["onboarding"]), "Idempotency-Key": "c0ffee00-aaaa-bbbb-cccc-000000000001"}
    with TestClient(create_app(store.url)) as client:
        first = client.post("/v1/customers", json=org(), headers=headers)
        again = client.post("/v1/customers", json=org(), headers=headers)
        assert first.status_code == again.status_code == 201, again.text
        assert again.json() == first.json() and again.headers["Idempotency-Replayed"] == "true"
        other = client.post("/v1/customers", json=org("Other Name Ltd"), headers=headers)
        assert other.status_code == 409, other.text
        short = client.post("/v1/customers", json=org(), headers={**headers, "Idempotency-Key": "abc"})
        assert short.status_code == 400
    with store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM customers") == 1
        assert tx.scalar("SELECT COUNT(*) FROM api_keys") == 1
        response = tx.scalar("SELECT response FROM idempotency_keys")
    assert first.json()["api_key"] not in response  # the stored answer holds no usable key


def test_concurrent_retries_make_one_customer(pg_url: str) -> None:
    store = open_store(pg_url)
    token = auth.issue_token(store, "flow", "onboarding").token
    headers = {**bearer(token), "Idempotency-Key": "same-key-for-both-0001"}
    answers: list[httpx.Response] = []
    with TestClient(create_app(pg_url)) as client:
        threads = [
            threading.Thread(target=lambda: answers.append(client.post("/v1/customers", json=org(), headers=headers)))
            for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert [a.status_code for a in answers] == [201, 201, 201], [a.text for a in answers]
    assert len({a.json()["api_key"] for a in answers}) == 1
    with store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM customers") == 1
    store.close()


def test_patch_put_and_delete_redecide_at_once(store: Store, onboarder: dict[str, str]) -> None:
    who = bearer(onboarder["onboarding"])
    with TestClient(create_app(store.url)) as client:
        body = client.post("/v1/customers", json=org(id="acct-7"), headers=who).json()
        key = body["api_key"]

        def check(status: int) -> None:
            wait_for(lambda: client.post("/v1/check", json={"api_key": key}).status_code == status, 1.0)

        check(200)
        no_attestation = client.put("/v1/customers/acct-7/owners", json={"owners": []}, headers=who)
        assert no_attestation.status_code == 422
        put = client.put(
            "/v1/customers/acct-7/owners",
            json={"owners": china_parent_owners(), "attestation": ATTESTATION},
            headers=who,
        )
        assert put.status_code == 200, put.text
        assert put.json()["verdict"]["decision"] == "deny"
        check(403)
        patched = client.patch(
            "/v1/customers/acct-7",
            json={
                "owners": [{"name": "Jane Doe", "country": "GB", "kind": "person", "share": 1.0}],
                "attestation": ATTESTATION,
            },
            headers=who,
        )
        assert patched.status_code == 200 and patched.json()["verdict"]["decision"] == "allow", patched.text
        check(200)
        moved = client.patch("/v1/customers/acct-7", json={"countries": {"headquarters": "CN"}}, headers=who)
        assert moved.json()["verdict"]["decision"] == "deny"
        assert moved.json()["customer"]["countries"]["incorporation"] == "GB"  # untouched fields stay
        gone = client.delete("/v1/customers/acct-7", headers=who)
        assert gone.status_code == 200 and len(gone.json()["keys_revoked"]) == 1
        check(403)
        shown = client.get("/v1/customers/acct-7", headers=who).json()
        assert shown["deleted_at"] and shown["keys"][0]["revoked_at"]
        assert client.patch("/v1/customers/acct-7", json={"name": "X"}, headers=who).status_code == 409
        assert client.delete("/v1/customers/acct-7", headers=who).status_code == 409
        assert client.get("/v1/customers/nobody", headers=who).status_code == 404
    with store.read() as tx:
        history = tx.fetchall("SELECT decision FROM decisions WHERE customer_id = 'acct-7' ORDER BY id")
        events = [
            r[0]
            for r in tx.fetchall("SELECT event_type FROM outbox_events ORDER BY seq")
            if r[0] != "list.loaded"  # the fixture's list loads
        ]
    assert [h[0] for h in history] == ["allow", "deny", "allow", "deny"]
    assert events == ["decision.changed"] * 4 + ["customer.deleted"]


def test_altered_attestation_fails_audit_verify(store: Store, onboarder: dict[str, str]) -> None:
    with TestClient(create_app(store.url)) as client:
        made = client.post("/v1/customers", json=org(), headers=bearer(onboarder["onboarding"]))
        assert made.status_code == 201
    assert audit.verify(store).ok
    with store.transaction() as tx:
        tx.execute("UPDATE customer_attestations SET text = 'I confirm nothing.'")
    report = audit.verify(store)
    assert not report.ok and "attestation" in report.reason, report


def test_sign_up_screens_against_the_lists(store: Store, onboarder: dict[str, str], testdata: Path) -> None:
    load_paths(store, [testdata / "us_lists/us_dod_chinese_milcorps_sanctions.csv"])
    with TestClient(create_app(store.url)) as client:
        made = client.post(
            "/v1/customers",
            json=org("Advanced Micro-Fabrication Equipment Inc. China", countries={"headquarters": "SG"}),
            headers=bearer(onboarder["onboarding"]),
        )
        body = made.json()
        assert body["verdict"]["decision"] in ("deny", "review") and body["api_key"] is None, body["verdict"]
        assert any(r["code"] in ("listed", "possible-list-match") for r in body["verdict"]["reasons"])


@pytest.mark.postgres
def test_owner_change_flips_check_on_a_replica_within_a_second(pg_url: str) -> None:
    store = open_store(pg_url)
    load_policy_lists(store)
    token = auth.issue_token(store, "flow", "onboarding").token
    store.close()
    with serve_process(pg_url) as first, serve_process(pg_url) as second:
        made = httpx.post(f"{first}/v1/customers", json=org(id="acct-9"), headers=bearer(token), timeout=30)
        assert made.status_code == 201, made.text
        key = made.json()["api_key"]
        wait_for(lambda: httpx.post(f"{second}/v1/check", json={"api_key": key}).status_code == 200, 5.0)
        changed = httpx.put(
            f"{first}/v1/customers/acct-9/owners",
            json={"owners": china_parent_owners(), "attestation": ATTESTATION},
            headers=bearer(token),
            timeout=30,
        )
        assert changed.status_code == 200 and changed.json()["verdict"]["decision"] == "deny"
        took = wait_for(lambda: httpx.post(f"{second}/v1/check", json={"api_key": key}).status_code == 403, 1.0)
        assert took < 1.0
