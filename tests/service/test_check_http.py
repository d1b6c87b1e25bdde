"""/v1/check and the gateway endpoints over HTTP: answers, bad input and abuse, metrics, logs, middleware."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from service_helpers import Gate, seed_gate

from ownergate.service.app import create_app
from ownergate.service.logs import JsonFormatter
from ownergate.service.middleware import OwnergateMiddleware
from ownergate.settings import load_settings
from ownergate.store import Store


@pytest.fixture
def sgate(sqlite_store: Store) -> Gate:
    return seed_gate(sqlite_store)


@pytest.fixture
def client(sgate: Gate) -> Iterator[TestClient]:
    with TestClient(create_app(sgate.store.url)) as c:
        yield c


def test_key_in_body_or_headers(client: TestClient, sgate: Gate) -> None:
    key = sgate.keys["gb-widgets"]
    for kwargs in (
        {"json": {"api_key": key}},
        {"headers": {"Authorization": f"Bearer {key}"}},
        {"headers": {"x-api-key": key}},
    ):
        response = client.post("/v1/check", **kwargs)  # type: ignore[arg-type]
        assert response.status_code == 200, kwargs
        assert response.json() == {"allow": True, "decision": "allow", "customer": "gb-widgets", "reasons": []}
        assert response.headers["x-ownergate-decision"] == "allow"
        assert response.headers["x-request-id"]
    denied = client.post("/v1/check", json={"api_key": sgate.keys["sg-acme"], "ip": "81.2.69.142"})
    assert denied.status_code == 403
    body = denied.json()
    assert body["allow"] is False and body["decision"] == "deny"
    assert "Shenzhen" in body["reasons"][0]["evidence"]["parent"]


@pytest.mark.parametrize(
    ("request_kwargs", "status", "code"),
    [
        ({"content": b"{not json"}, 400, "malformed-json"),
        ({"content": b"[1, 2]"}, 400, "malformed-json"),
        ({"json": {"api_key": 12}}, 400, "malformed-json"),
        ({"json": {}}, 401, "missing-key"),
        ({"content": b""}, 401, "missing-key"),
        ({"json": {"api_key": "og_live_short"}}, 401, "malformed-key"),
        ({"json": {"api_key": "og_live_" + "\u00e9" * 32}}, 401, "malformed-key"),
        ({"json": {"api_key": "og_live_" + "a" * 5000}}, 413, "body-too-large"),
        ({"json": {"api_key": "og_live_" + "a" * 32}}, 403, "unknown-key"),
        ({"json": {"api_key": "KEY", "ip": "999.1.1.1"}}, 400, "invalid-ip"),
        ({"json": {"api_key": "KEY", "ip": "1.2.3.4; DROP"}}, 400, "invalid-ip"),
        ({"json": {"api_key": "KEY"}, "headers": {"x-forwarded-for": "81.2.69.142"}}, 400, "untrusted-forwarded-for"),
        ({"headers": {"Authorization": "Basic abc"}}, 401, "missing-key"),
    ],
)
def test_bad_input_is_4xx_never_allow(
    client: TestClient, sgate: Gate, request_kwargs: dict[str, object], status: int, code: str
) -> None:
    kwargs = json.loads(
        json.dumps(request_kwargs, default=lambda b: b.decode()).replace("KEY", sgate.keys["gb-widgets"])
    )
    if isinstance(request_kwargs.get("content"), bytes):
        kwargs["content"] = request_kwargs["content"]
    response = client.post("/v1/check", **kwargs)
    assert response.status_code == status
    assert response.json()["allow"] is False
    assert response.json()["reasons"][0]["code"] == code
    assert response.json()["reasons"][0]["message"]


def test_huge_admin_bodies_are_refused(client: TestClient) -> None:
    response = client.post("/admin/overrides", content=b"x" * (2 << 20), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "body-too-large"


def test_trusted_proxy_hop_gives_the_client_address(sgate: Gate) -> None:
    settings = replace(load_settings(), trusted_proxies=("10.0.0.0/8",))
    with TestClient(create_app(sgate.store.url, settings), client=("10.1.1.1", 5000)) as c:
        key = sgate.keys["gb-widgets"]
        forwarded = c.post("/v1/check", json={"api_key": key}, headers={"x-forwarded-for": "223.5.5.5, 10.2.2.2"})
        assert forwarded.status_code == 403
        assert forwarded.json()["reasons"][0]["evidence"]["ip"] == "223.5.5.5"
        assert c.post("/v1/check", json={"api_key": key}, headers={"x-forwarded-for": "81.2.69.142"}).status_code == 200
        bad = c.post("/v1/check", json={"api_key": key}, headers={"x-forwarded-for": "81.2.69.142, nonsense"})
        assert (bad.status_code, bad.json()["reasons"][0]["code"]) == (400, "invalid-ip")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.dictionaries(
            st.sampled_from(["api_key", "ip", "x"]), st.one_of(st.text(max_size=60), st.integers(), st.none())
        ).map(lambda d: json.dumps(d).encode()),
    ),
    header_key=st.one_of(st.none(), st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)),
)
def test_arbitrary_requests_never_500_never_allow(client: TestClient, body: bytes, header_key: str | None) -> None:
    headers = {"x-api-key": header_key} if header_key else {}
    response = client.post("/v1/check", content=body, headers=headers)
    assert 400 <= response.status_code < 500
    assert response.json()["allow"] is False


def test_gateway_endpoints(client: TestClient, sgate: Gate) -> None:
    allowed = client.get("/v1/authz/nginx", headers={"x-api-key": sgate.keys["gb-widgets"]})
    assert allowed.status_code == 200 and allowed.headers["x-ownergate-customer"] == "gb-widgets"
    assert client.get("/v1/authz/nginx", headers={"x-api-key": sgate.keys["sg-acme"]}).status_code == 403
    assert client.get("/v1/authz/nginx", headers={"x-api-key": "bad"}).status_code == 401
    assert client.get("/v1/authz/nginx", headers={"x-api-key": sgate.keys["us-review"]}).status_code == 403
    envoy = client.post("/v1/authz/envoy/v1/messages", headers={"authorization": f"Bearer {sgate.keys['sg-acme']}"})
    assert envoy.status_code == 403 and envoy.headers["x-ownergate-reasons"] == "owned-by-restricted-hq"
    assert client.get("/v1/authz/envoy/x", headers={"x-api-key": sgate.keys["gb-widgets"]}).status_code == 200


def test_metrics_and_health(client: TestClient, sgate: Gate) -> None:
    client.post("/v1/check", json={"api_key": sgate.keys["gb-widgets"]})
    client.post("/v1/check", json={"api_key": sgate.keys["sg-acme"]})
    text = client.get("/metrics").text
    assert 'ownergate_checks_total{endpoint="check",decision="allow",status="200"} 1' in text
    assert 'ownergate_checks_total{endpoint="check",decision="deny",status="403"} 1' in text
    assert 'ownergate_check_seconds_bucket{endpoint="check",decision="deny",le="+Inf"} 1' in text
    assert "ownergate_table_age_seconds " in text and "ownergate_table_keys 4" in text
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["table"]["keys"] == 4 and health["table"]["table_age_seconds"] < 5


def test_logs_are_json_with_request_id_and_no_secrets(
    client: TestClient, sgate: Gate, caplog: pytest.LogCaptureFixture
) -> None:
    key = sgate.keys["sg-acme"]
    with caplog.at_level(logging.INFO, logger="ownergate"):
        client.post("/v1/check", json={"api_key": key}, headers={"x-request-id": "req-42"})
        logging.getLogger("ownergate.test").info("presented %s", key)
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    denied = next(line for line in lines if line["msg"] == "check denied")
    assert denied["request_id"] == "req-42" and denied["customer"] == "sg-acme"
    assert all(key not in json.dumps(line) for line in lines)
    assert any(key[:12] + "..." in line["msg"] for line in lines)


def test_openapi_documents_the_check(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    check = schema["paths"]["/v1/check"]["post"]
    assert set(check["responses"]) >= {"200", "400", "401", "403", "503"}
    assert "api_key" in json.dumps(check["requestBody"])


def test_asgi_middleware_checks_in_process(sgate: Gate) -> None:
    api = FastAPI()

    @api.get("/v1/messages")
    def messages() -> dict[str, str]:
        return {"reply": "hello"}

    middleware = OwnergateMiddleware(api, db_url=sgate.store.url)
    try:
        with TestClient(middleware) as c:  # type: ignore[arg-type]
            ok = c.get("/v1/messages", headers={"x-api-key": sgate.keys["gb-widgets"]})
            assert ok.status_code == 200 and ok.json() == {"reply": "hello"}
            denied = c.get("/v1/messages", headers={"x-api-key": sgate.keys["sg-acme"]})
            assert denied.status_code == 403 and denied.json()["reasons"][0]["code"] == "owned-by-restricted-hq"
            assert c.get("/v1/messages").status_code == 401
    finally:
        middleware.close()
