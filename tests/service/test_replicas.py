"""Real `ownergate serve` processes on the real PostgreSQL: replicas follow each other within a second,
and a replica that loses its store keeps serving, reports the table's age and then fails closed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from service_helpers import TcpProxy, seed_gate, serve_process, tokens, wait_for

from ownergate.store import open_store

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _approve_override(base: str, people: dict[str, str], customer: str) -> None:
    expires = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    proposed = httpx.post(
        f"{base}/admin/overrides",
        json={
            "customer_id": customer,
            "decision": "allow",
            "justification": "export licence on file",
            "expires_at": expires,
        },
        headers={"Authorization": f"Bearer {people['analyst']}"},
    )
    assert proposed.status_code == 201, proposed.text
    approved = httpx.post(
        f"{base}/admin/overrides/{proposed.json()['id']}/approve",
        headers={"Authorization": f"Bearer {people['approver']}"},
    )
    assert approved.status_code == 200, approved.text


@pytest.mark.parametrize("channel", ["notify", "redis"])
def test_override_on_one_replica_reaches_the_other_within_a_second(pg_url: str, channel: str) -> None:
    store = open_store(pg_url)
    gate = seed_gate(store)
    people = tokens(store)
    store.close()
    env = {"OWNERGATE_REDIS_URL": "redis://127.0.0.1:6379/0"} if channel == "redis" else {}
    with serve_process(pg_url, **env) as first, serve_process(pg_url, **env) as second:
        key = gate.keys["sg-acme"]
        for base in (first, second):
            assert httpx.post(f"{base}/v1/check", json={"api_key": key}).status_code == 403
        _approve_override(first, people, "sg-acme")
        approved_at = time.monotonic()
        took = wait_for(lambda: httpx.post(f"{second}/v1/check", json={"api_key": key}).status_code == 200, 1.0)
        assert time.monotonic() - approved_at < 1.0, took
        body = httpx.post(f"{second}/v1/check", json={"api_key": key}).json()
        assert body["reasons"][0]["code"] == "override"


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    p = TcpProxy(5432)
    yield p
    p.stop()


def test_unreachable_store_keeps_the_last_table_then_fails_closed(pg_url: str, proxy: TcpProxy) -> None:
    store = open_store(pg_url)
    gate = seed_gate(store)
    store.close()
    parts = urlsplit(pg_url)
    via_proxy = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))
    with serve_process(via_proxy, OWNERGATE_MAX_STALENESS="3", OWNERGATE_FAIL_CLOSED="1") as base:
        key = gate.keys["gb-widgets"]
        assert httpx.post(f"{base}/v1/check", json={"api_key": key}).status_code == 200
        assert httpx.get(f"{base}/healthz").json()["status"] == "ok"
        proxy.cut()
        wait_for(lambda: httpx.get(f"{base}/healthz").json()["status"] == "degraded", 3.0)
        degraded = httpx.get(f"{base}/healthz").json()
        assert degraded["table"]["last_error"] and degraded["table"]["table_age_seconds"] >= 0
        assert httpx.post(f"{base}/v1/check", json={"api_key": key}).status_code == 200  # still the last table
        assert "ownergate_store_reachable 0" in httpx.get(f"{base}/metrics").text
        wait_for(lambda: httpx.post(f"{base}/v1/check", json={"api_key": key}).status_code == 503, 6.0)
        closed = httpx.post(f"{base}/v1/check", json={"api_key": key}).json()
        assert closed["allow"] is False and closed["reasons"][0]["code"] == "stale-table"
        health = httpx.get(f"{base}/healthz")
        assert health.status_code == 503 and health.json()["table"]["table_age_seconds"] > 3
        age = float(
            next(
                line
                for line in httpx.get(f"{base}/metrics").text.splitlines()
                if line.startswith("ownergate_table_age_seconds ")
            ).split()[1]
        )
        assert age > 3


def test_store_lost_keeps_serving_when_fail_open_is_chosen(pg_url: str) -> None:
    store = open_store(pg_url)
    gate = seed_gate(store)
    with serve_process(pg_url, OWNERGATE_MAX_STALENESS="1", OWNERGATE_FAIL_CLOSED="0") as base:
        key = gate.keys["gb-widgets"]
        assert httpx.post(f"{base}/v1/check", json={"api_key": key}).status_code == 200
        store.drop_schema()  # type: ignore[attr-defined]
        wait_for(lambda: httpx.get(f"{base}/healthz").json()["status"] == "degraded", 3.0)
        time.sleep(1.5)
        assert httpx.post(f"{base}/v1/check", json={"api_key": key}).status_code == 200
        assert httpx.get(f"{base}/healthz").json()["table"]["table_age_seconds"] > 1
    store.close()


def test_replica_recovers_within_5_s_of_a_silent_network_returning(pg_url: str, proxy: TcpProxy) -> None:
    store = open_store(pg_url)
    gate = seed_gate(store)
    store.close()
    parts = urlsplit(pg_url)
    via_proxy = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))
    with serve_process(via_proxy, OWNERGATE_MAX_STALENESS="2", OWNERGATE_FAIL_CLOSED="1") as base:
        key = gate.keys["gb-widgets"]
        assert httpx.post(f"{base}/v1/check", json={"api_key": key}).status_code == 200
        proxy.blackhole()  # no reset, no error: the bytes just never arrive
        wait_for(lambda: httpx.post(f"{base}/v1/check", json={"api_key": key}).status_code == 503, 8.0)
        assert httpx.post(f"{base}/v1/check", json={"api_key": key}).json()["reasons"][0]["code"] == "stale-table"
        time.sleep(3)  # the network stays down a while: reconnect attempts time out
        proxy.restore()
        took = wait_for(lambda: httpx.post(f"{base}/v1/check", json={"api_key": key}).status_code == 200, 5.0)
        assert took < 5.0
        assert httpx.get(f"{base}/healthz").json()["status"] == "ok"


def test_postgres_connections_carry_timeouts_and_keepalives(pg_url: str) -> None:
    store = open_store(pg_url)
    try:
        params = store.conn.info.get_parameters()  # type: ignore[attr-defined]
        assert params["keepalives"] == "1" and params["tcp_user_timeout"] == "30000"
        assert {"keepalives_idle", "keepalives_interval", "keepalives_count", "connect_timeout"} <= set(params)
        with store.read() as tx:
            assert tx.scalar("SHOW statement_timeout") == "1h"
            assert tx.scalar("SHOW idle_in_transaction_session_timeout") == "1h"
    finally:
        store.close()
    own = open_store(pg_url + "&options=-c%20statement_timeout%3D1500&keepalives_idle=30", migrate=False)
    try:
        with own.read() as tx:
            assert tx.scalar("SHOW statement_timeout") == "1500ms"  # the URL's own settings win
        assert own.conn.info.get_parameters()["keepalives_idle"] == "30"  # type: ignore[attr-defined]
    finally:
        own.close()
