"""A deeply nested JSON body is a 400 on every endpoint, never a 500 from the parser's RecursionError."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from service_helpers import Gate, seed_gate, tokens

from ownergate.service.app import create_app
from ownergate.service.gateway import JSON_DEPTH_LIMIT, json_depth
from ownergate.store import Store

DEEP = b"[" * 2000 + b"]" * 2000  # 4,000 bytes


@pytest.fixture
def sgate(sqlite_store: Store) -> Gate:
    return seed_gate(sqlite_store)


@pytest.fixture
def client(sgate: Gate) -> Iterator[TestClient]:
    with TestClient(create_app(sgate.store.url), raise_server_exceptions=False) as c:
        yield c


def _json_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every method and path of the OpenAPI document that takes a body (path parameters filled in)."""
    found = []
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        for method in operations:
            if method in ("post", "put", "patch", "delete"):
                found.append((method.upper(), re.sub(r"\{[^}]+\}", "x", path)))
    return found


def test_every_endpoint_refuses_2000_nested_arrays(client: TestClient, sgate: Gate) -> None:
    routes = _json_routes(client)
    assert ("POST", "/v1/check") in routes and len(routes) > 5
    admin = tokens(sgate.store)["admin"]
    for method, path in routes:
        for content_type in ("application/json", None):
            headers = {"Authorization": f"Bearer {admin}"}
            if content_type:
                headers["content-type"] = content_type
            response = client.request(method, path, content=DEEP, headers=headers)
            if path.startswith("/v1/authz/"):  # gateway checks read headers only: the body is never parsed
                assert response.status_code < 500, (method, path)
                continue
            assert response.status_code == 400, (method, path, response.status_code, response.text[:200])
    check = client.post("/v1/check", content=DEEP)
    assert check.json()["reasons"][0]["code"] == "malformed-json"
    assert "nests deeper" in check.json()["reasons"][0]["message"]
    other = client.post("/admin/overrides", content=DEEP, headers={"content-type": "application/json"})
    assert other.json()["error"] == "json-too-deep"


def test_shallow_bodies_still_pass(client: TestClient, sgate: Gate) -> None:
    key = sgate.keys["gb-widgets"]
    body = b'{"api_key": "' + key.encode() + b'", "pad": "' + b"[" * 3000 + b'"}'  # brackets inside a string
    assert client.post("/v1/check", content=body).status_code == 200


@settings(max_examples=200, deadline=None)
@given(depth=st.integers(min_value=0, max_value=300), wrap=st.sampled_from(["[]", "{}"]))
def test_property_depth_is_measured_exactly(depth: int, wrap: str) -> None:
    opening, closing = ('{"k":', "}") if wrap == "{}" else ("[", "]")
    text = (opening * depth + '"[{"' + closing * depth).encode()
    if depth >= JSON_DEPTH_LIMIT:  # below, the count alone shows the limit cannot be reached (0)
        assert json_depth(text) == depth
    assert (json_depth(text) > JSON_DEPTH_LIMIT) == (depth > JSON_DEPTH_LIMIT)
