"""The gateway adapters for real: nginx auth_request (a real nginx from docs/nginx), Envoy's gRPC
ext_authz (a real gRPC client against `ownergate serve --grpc-port`), and the Envoy example
configurations parsed into Envoy's own Bootstrap message (from xds-protos)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
import httpx
import pytest
import yaml
from envoy.config.core.v3 import address_pb2
from envoy.service.auth.v3 import attribute_context_pb2, external_auth_pb2, external_auth_pb2_grpc
from google.protobuf import json_format
from service_helpers import free_port, seed_gate, serve_process, wait_for

from ownergate.store import open_store

DOCS = Path(__file__).resolve().parents[2] / "docs"
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("gateways")]  # nginx, Envoy gRPC: one worker


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        message = "nginx is not installed (make test installs Debian's nginx-light)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@contextmanager
def _upstream(tmp_path: Path) -> Iterator[int]:
    """A plain API behind the gateway: Python's http.server over a folder with one file."""
    root = tmp_path / "api"
    root.mkdir()
    (root / "hello.txt").write_text("hello from the API\n")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: _up(f"http://127.0.0.1:{port}/hello.txt"), 10)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def _up(url: str) -> bool:
    try:
        httpx.get(url, timeout=0.5)
    except httpx.TransportError:
        return False
    return True


def test_nginx_auth_request_with_the_documented_config(tmp_path: Path) -> None:
    nginx = _nginx()
    db = f"sqlite:///{tmp_path / 'gate.sqlite3'}"
    store = open_store(db)
    gate = seed_gate(store)
    store.close()
    with serve_process(db, OWNERGATE_TRUSTED_PROXIES="127.0.0.1") as base, _upstream(tmp_path) as api_port:
        listen = free_port()
        og_port = base.rsplit(":", 1)[1]
        conf = (DOCS / "nginx/nginx.conf").read_text()
        for old, new in (
            ("127.0.0.1:8080", f"127.0.0.1:{og_port}"),
            ("127.0.0.1:9000", f"127.0.0.1:{api_port}"),
            ("127.0.0.1:8000", f"127.0.0.1:{listen}"),
        ):
            assert old in conf
            conf = conf.replace(old, new)
        (tmp_path / "nginx.conf").write_text(conf)
        (tmp_path / "logs").mkdir()
        directives = f"daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/logs/error.log;"
        tested = subprocess.run(
            [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr", "-g", directives],
            capture_output=True,
            text=True,
            check=False,
        )
        assert tested.returncode == 0, tested.stderr
        proc = subprocess.Popen(
            [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr", "-g", directives],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{listen}/hello.txt"
            wait_for(lambda: _up(url), 10)
            # Clients on loopback addresses other than nginx's own: nginx forwards their address.
            for source in ("127.0.0.3", "127.0.0.1"):
                with httpx.Client(transport=httpx.HTTPTransport(local_address=source)) as client:
                    allowed = client.get(url, headers={"x-api-key": gate.keys["gb-widgets"]})
                    assert allowed.status_code == 200 and allowed.text == "hello from the API\n", source
                    denied = client.get(url, headers={"Authorization": f"Bearer {gate.keys['sg-acme']}"})
                    assert denied.status_code == 403
                    assert denied.headers["x-ownergate-reasons"] == "owned-by-restricted-hq"
                    assert client.get(url).status_code == 401
                    assert client.get(url, headers={"x-api-key": "og_live_" + "z" * 32}).status_code == 403
                    # A forged X-Forwarded-For is overwritten by nginx: the check sees the real (loopback) address.
                    forged = {"x-api-key": gate.keys["gb-widgets"], "x-forwarded-for": "223.5.5.5"}
                    assert client.get(url, headers=forged).status_code == 200
            check = f"{base}/v1/authz/nginx"
            # Straight to ownergate from the trusted proxy's address: its forwarded hop is the client.
            with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.1")) as proxy:
                region = proxy.get(
                    check, headers={"x-api-key": gate.keys["gb-widgets"], "x-forwarded-for": "223.5.5.5"}
                )
                assert region.status_code == 403 and region.headers["x-ownergate-reasons"] == "ip-unsupported-region"
            # From any other address, a forwarded hop is refused (nginx's auth_request statuses: 403).
            with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.3")) as other:
                forged_hop = other.get(
                    check, headers={"x-api-key": gate.keys["gb-widgets"], "x-forwarded-for": "81.2.69.142"}
                )
                assert forged_hop.status_code == 403
                assert forged_hop.headers["x-ownergate-reasons"] == "untrusted-forwarded-for"
        finally:
            proc.terminate()
            out, _ = proc.communicate(timeout=10)
    assert "emerg" not in out


def _check_request(key: str | None, source: str, xff: str | None = None) -> external_auth_pb2.CheckRequest:
    headers = {":path": "/v1/messages", ":method": "POST"}
    if key:
        headers["authorization"] = f"Bearer {key}"
    if xff:
        headers["x-forwarded-for"] = xff
    return external_auth_pb2.CheckRequest(
        attributes=attribute_context_pb2.AttributeContext(
            source=attribute_context_pb2.AttributeContext.Peer(
                address=address_pb2.Address(socket_address=address_pb2.SocketAddress(address=source, port_value=4242))
            ),
            request=attribute_context_pb2.AttributeContext.Request(
                http=attribute_context_pb2.AttributeContext.HttpRequest(headers=headers)
            ),
        )
    )


def test_grpc_ext_authz_check(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'gate.sqlite3'}"
    store = open_store(db)
    gate = seed_gate(store)
    store.close()
    grpc_port = free_port()
    with (
        serve_process(db, ("--grpc-port", str(grpc_port))) as base,
        grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as channel,
    ):
        stub = external_auth_pb2_grpc.AuthorizationStub(channel)
        ok = stub.Check(_check_request(gate.keys["gb-widgets"], "81.2.69.142"), timeout=5)
        assert ok.status.code == 0
        assert {h.header.key: h.header.value for h in ok.ok_response.headers}["x-ownergate-customer"] == "gb-widgets"
        denied = stub.Check(_check_request(gate.keys["sg-acme"], "81.2.69.142"), timeout=5)
        assert denied.status.code == grpc.StatusCode.PERMISSION_DENIED.value[0]
        assert denied.denied_response.status.code == 403
        assert "Shenzhen" in denied.denied_response.body
        region = stub.Check(_check_request(gate.keys["gb-widgets"], "223.5.5.5"), timeout=5)
        assert region.denied_response.status.code == 403 and "ip-unsupported-region" in region.denied_response.body
        for form in ("::ffff:223.5.5.5", "::ffff:df05:505", "2002:df05:505::1", "64:ff9b::df05:505"):
            hidden = stub.Check(_check_request(gate.keys["gb-widgets"], form), timeout=5)
            assert hidden.denied_response.status.code == 403, form
            assert "ip-unsupported-region" in hidden.denied_response.body
        forged = stub.Check(_check_request(gate.keys["gb-widgets"], "81.2.69.142", xff="10.0.0.1"), timeout=5)
        assert forged.denied_response.status.code == 400  # untrusted forwarding: never an allow
        missing = stub.Check(_check_request(None, "81.2.69.142"), timeout=5)
        assert missing.denied_response.status.code == 401
        metrics = httpx.get(f"{base}/metrics").text
        assert 'ownergate_checks_total{endpoint="grpc",decision="allow",status="200"} 1' in metrics


@pytest.mark.parametrize("name", ["envoy.yaml", "envoy-http.yaml"])
def test_envoy_configs_are_valid_bootstraps(name: str) -> None:
    # Importing these registers the typed_config messages, so Any fields are checked against Envoy's protos.
    from envoy.config.bootstrap.v3 import bootstrap_pb2
    from envoy.extensions.filters.http.ext_authz.v3 import ext_authz_pb2
    from envoy.extensions.filters.http.router.v3 import router_pb2  # noqa: F401
    from envoy.extensions.filters.network.http_connection_manager.v3 import http_connection_manager_pb2
    from envoy.extensions.upstreams.http.v3 import http_protocol_options_pb2  # noqa: F401

    config = yaml.safe_load((DOCS / "envoy" / name).read_text())
    bootstrap = json_format.ParseDict(config, bootstrap_pb2.Bootstrap())  # raises on any unknown field
    manager = bootstrap.static_resources.listeners[0].filter_chains[0].filters[0]
    hcm = http_connection_manager_pb2.HttpConnectionManager()
    manager.typed_config.Unpack(hcm)
    authz = ext_authz_pb2.ExtAuthz()
    hcm.http_filters[0].typed_config.Unpack(authz)
    assert authz.failure_mode_allow is False
    if name == "envoy.yaml":
        assert authz.grpc_service.envoy_grpc.cluster_name == "ownergate"
    else:
        assert authz.http_service.path_prefix == "/v1/authz/envoy"
    clusters = {c.name for c in bootstrap.static_resources.clusters}
    assert clusters == {"ownergate", "api"}
