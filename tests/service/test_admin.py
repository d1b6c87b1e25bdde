"""The admin API: roles, hashed tokens, keys, and four-eyes overrides that reach /v1/check within 1 s."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from service_helpers import Gate, tokens, wait_for

from ownergate.service.app import create_app


@pytest.fixture
def client(gate: Gate) -> Iterator[TestClient]:
    with TestClient(create_app(gate.store.url)) as c:
        yield c


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _override(customer: str, decision: str = "allow") -> dict[str, str]:
    expires = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    return {
        "customer_id": customer,
        "decision": decision,
        "justification": "licence checked by legal",
        "expires_at": expires,
    }


def test_every_admin_call_needs_a_valid_token(client: TestClient, gate: Gate) -> None:
    assert client.get("/admin/customers").status_code == 401
    assert client.get("/admin/customers", headers=_auth("og_admin_" + "x" * 32)).status_code == 401
    assert client.get("/admin/customers", headers=_auth("not-a-token")).json()["error"] == "unauthenticated"
    people = tokens(gate.store)
    listed = client.get("/admin/customers", headers=_auth(people["viewer"]))
    assert listed.status_code == 200 and {c["id"] for c in listed.json()} >= {"sg-acme", "gb-widgets"}
    one = client.get("/admin/customers/sg-acme", headers=_auth(people["viewer"])).json()
    assert one["verdict"]["decision"] == "deny"
    assert client.get("/admin/customers/nobody", headers=_auth(people["viewer"])).status_code == 404
    current = client.get("/admin/decisions", params={"decision": "deny"}, headers=_auth(people["viewer"])).json()
    assert [d["customer_id"] for d in current] == ["sg-acme"]


def test_roles_keys_and_tokens(client: TestClient, gate: Gate) -> None:
    people = tokens(gate.store)
    assert (
        client.post("/admin/keys", json={"customer_id": "gb-widgets"}, headers=_auth(people["approver"])).status_code
        == 403
    )
    issued = client.post("/admin/keys", json={"customer_id": "gb-widgets"}, headers=_auth(people["admin"]))
    assert issued.status_code == 201
    key = issued.json()["key"]
    wait_for(lambda: client.post("/v1/check", json={"api_key": key}).json()["allow"] is True, 1.0)
    listed = client.get("/admin/keys", params={"customer_id": "gb-widgets"}, headers=_auth(people["viewer"])).json()
    assert len(listed) == 2 and all("key" not in k and k["prefix"].startswith("og_live_") for k in listed)
    revoked = client.delete(f"/admin/keys/{issued.json()['id']}", headers=_auth(people["admin"]))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    wait_for(lambda: client.post("/v1/check", json={"api_key": key}).status_code == 403, 1.0)
    made = client.post("/admin/tokens", json={"name": "carol", "role": "viewer"}, headers=_auth(people["admin"]))
    assert made.status_code == 201
    assert client.get("/admin/overrides", headers=_auth(made.json()["token"])).status_code == 200
    assert client.delete(f"/admin/tokens/{made.json()['id']}", headers=_auth(people["admin"])).status_code == 200
    assert client.get("/admin/overrides", headers=_auth(made.json()["token"])).status_code == 401
    assert client.get("/admin/tokens", headers=_auth(people["viewer"])).status_code == 403
    with gate.store.read() as tx:
        logged = tx.fetchall("SELECT actor, action, details FROM audit_log ORDER BY seq")
    assert ("root", "key.issue") in [(a, b) for a, b, _ in logged] and ("root", "token.revoke") in [
        (a, b) for a, b, _ in logged
    ]
    assert not any(key in details for _, _, details in logged)  # the audit log never holds a secret


def test_secrets_are_stored_only_as_hashes(client: TestClient, gate: Gate) -> None:
    people = tokens(gate.store)
    with gate.store.read() as tx:
        stored = [str(v) for row in tx.fetchall("SELECT * FROM api_keys") for v in row]
        stored += [str(v) for row in tx.fetchall("SELECT * FROM admin_tokens") for v in row]
    for secret in [*gate.keys.values(), *people.values()]:
        assert not any(secret in value for value in stored)


def test_four_eyes_override_reaches_check_within_a_second(client: TestClient, gate: Gate) -> None:
    people = tokens(gate.store)
    key = gate.keys["sg-acme"]
    assert client.post("/v1/check", json={"api_key": key}).status_code == 403
    assert (
        client.post("/admin/overrides", json=_override("sg-acme"), headers=_auth(people["viewer"])).status_code == 403
    )
    proposed = client.post("/admin/overrides", json=_override("sg-acme"), headers=_auth(people["analyst"]))
    assert proposed.status_code == 201 and proposed.json()["status"] == "proposed"
    oid = proposed.json()["id"]
    assert client.post("/v1/check", json={"api_key": key}).status_code == 403  # not in force until approved
    assert client.post(f"/admin/overrides/{oid}/approve", headers=_auth(people["analyst"])).status_code == 403
    own = client.post("/admin/overrides", json=_override("us-review"), headers=_auth(people["approver"]))
    selfish = client.post(f"/admin/overrides/{own.json()['id']}/approve", headers=_auth(people["approver"]))
    assert selfish.status_code == 403 and "a different person must approve" in selfish.json()["message"]
    approved = client.post(f"/admin/overrides/{oid}/approve", json={"note": "ok"}, headers=_auth(people["approver"]))
    assert approved.status_code == 200 and approved.json()["reviewed_by"] == "bob"
    took = wait_for(lambda: client.post("/v1/check", json={"api_key": key}).status_code == 200, 1.0)
    assert took < 1.0
    reasons = client.post("/v1/check", json={"api_key": key}).json()["reasons"]
    assert [r["code"] for r in reasons][:2] == ["override", "owned-by-restricted-hq"]
    again = client.post(f"/admin/overrides/{oid}/approve", headers=_auth(people["admin"]))
    assert again.status_code == 409
    later = client.post("/admin/overrides", json=_override("us-review"), headers=_auth(people["analyst"]))
    withdrawn = client.post(f"/admin/overrides/{later.json()['id']}/withdraw", headers=_auth(people["analyst"]))
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    trail = client.get("/admin/audit", headers=_auth(people["approver"])).json()
    actions = [(r["actor"], r["action"], r["subject"]) for r in trail]
    assert ("ana", "override.proposed", "customer:sg-acme") in actions
    assert ("bob", "override.approved", "customer:sg-acme") in actions
    assert ("ana", "override.withdrawn", "customer:us-review") in actions
    assert client.get("/admin/audit", headers=_auth(people["analyst"])).status_code == 403
    approver = _auth(people["approver"])
    assert client.get("/admin/audit", params={"since": "2099-01-01"}, headers=approver).json() == []
    assert client.get("/admin/audit", params={"since": "2026-13-01"}, headers=approver).status_code == 400
    verified = client.get("/admin/audit/verify", headers=_auth(people["admin"])).json()
    assert verified["ok"] is True and verified["records"] >= 4


def test_bad_override_requests_are_4xx(client: TestClient, gate: Gate) -> None:
    analyst = _auth(tokens(gate.store)["analyst"])
    past = {**_override("sg-acme"), "expires_at": "2020-01-01T00:00:00+00:00"}
    naive = {**_override("sg-acme"), "expires_at": "2030-01-01T00:00:00"}
    for body, status in (
        (past, 400),
        (naive, 422),
        ({**_override("sg-acme"), "decision": "maybe"}, 422),
        (_override("nobody"), 404),
        ({"customer_id": "sg-acme"}, 422),
    ):
        response = client.post("/admin/overrides", json=body, headers=analyst)
        assert response.status_code == status, (body, response.text)
        assert response.json()["message"]
    missing = client.post("/admin/overrides/999/approve", headers=_auth(tokens(gate.store)["approver"]))
    assert missing.status_code == 404 and "999" in missing.json()["message"]
