"""The decision service with 100,000 customers and keys: in-process check, HTTP /v1/check at a
sustained 2,000 requests/s and at saturation, and the gRPC ext_authz check.

Baselines in the same run: a plain dict lookup (in-process), a trivial Starlette endpoint on the
same uvicorn settings (HTTP). Load comes from ``loadgen.py`` in its own process (or ``wrk`` when
installed, for saturation), kept on another core than the server's when there are two.
Knobs: OWNERGATE_BENCH_CUSTOMERS (100000), OWNERGATE_BENCH_SECONDS (5).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from common import Result, percentiles, timed
from ownergate.service import credentials
from ownergate.service.check import Checker
from ownergate.service.replica import Replica
from ownergate.store import Store, open_store

HERE = Path(__file__).resolve().parent
CUSTOMERS = int(os.environ.get("OWNERGATE_BENCH_CUSTOMERS", "100000"))
SECONDS = float(os.environ.get("OWNERGATE_BENCH_SECONDS", "5"))


def _seed(store: Store, n: int) -> list[str]:
    rng = random.Random(7)
    keys = [credentials.new_secret("og_live_") for _ in range(n)]
    now = "2026-01-01T00:00:00+00:00"
    with store.transaction() as tx:
        tx.executemany(
            "INSERT INTO customers (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            ((f"c{i}", f"Customer {i}", now, now) for i in range(n)),
        )
        reasons = json.dumps([{"code": "listed", "message": "on a list", "evidence": {"list": "sdn"}}])
        tx.executemany(
            "INSERT INTO decisions (customer_id, decision, reasons, policy, policy_version, snapshots, decided_at)"
            " VALUES (?, ?, ?, 'bench', '1', '{}', ?)",
            (
                (f"c{i}", d, "[]" if d == "allow" else reasons, now)
                for i, d in ((i, rng.choice(("allow",) * 8 + ("deny", "review"))) for i in range(n))
            ),
        )
        tx.executemany(
            "INSERT INTO api_keys (customer_id, key_hash, prefix, created_at) VALUES (?, ?, ?, ?)",
            ((f"c{i}", credentials.digest(k), k[:12], now) for i, k in enumerate(keys)),
        )
    return keys


def _in_process(store: Store, keys: list[str]) -> list[Result]:
    replica = Replica(store.url)
    load_s = timed(replica.refresh)
    checker = Checker(replica)
    sample = random.Random(1).choices(keys, k=50_000)
    ips = ["81.2.69.142", "8.8.8.8", "223.5.5.5", "2a02:6b8::1"]
    for key in sample[:2000]:
        checker.check(key, ips[0])

    def per_call(fn: object) -> list[float]:
        out = []
        clock = time.perf_counter_ns
        for i, key in enumerate(sample):
            ip = ips[i & 3]
            t = clock()
            fn(key, ip)  # type: ignore[operator]
            out.append((clock() - t) / 1000)
        return out

    plain = {k: ("allow", ()) for k in keys}
    ours_p50, ours_p99 = percentiles(per_call(checker.check))
    base_p50, _ = percentiles(per_call(lambda k, ip: plain.get(k)))
    hashed = {hashlib.sha256(k.encode()).digest(): k for k in keys}
    hash_p50, _ = percentiles(per_call(lambda k, ip: hashed.get(hashlib.sha256(k.encode()).digest())))
    return [
        Result("service", f"table load, {len(keys):,} customers + keys", load_s, "s"),
        Result("service", "in-process check p50 (key + IP)", ours_p50, "us", base_p50, "dict lookup", "<= 10 us"),
        Result("service", "in-process check p99", ours_p99, "us", hash_p50, "sha256 + dict p50"),
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, "server exited"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


_TRIVIAL = textwrap.dedent(
    """
    import sys, uvicorn
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    async def check(request):
        await request.body()
        return JSONResponse({"allow": True, "decision": "allow", "customer": "c1", "reasons": []})
    app = Starlette(routes=[Route("/v1/check", check, methods=["POST"])])
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", loop="uvloop", http="httptools")
    """
)


def _on_core(core: int) -> Callable[[], None] | None:
    """A ``preexec_fn`` that keeps a child on one core, so the load generator and the server (each
    given its own) do not take turns on the same one; None on a one-core machine."""
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cores) < 2:
        return None
    chosen = cores[core % len(cores)]
    return lambda: os.sched_setaffinity(0, {chosen})


SERVER_CORE, CLIENT_CORE = 0, 1


def _loadgen(port: int, keys_file: Path, rate: float, connections: int, seconds: float = SECONDS) -> dict[str, float]:
    out = subprocess.run(
        [
            sys.executable,
            str(HERE / "loadgen.py"),
            "127.0.0.1",
            str(port),
            str(keys_file),
            "--rate",
            str(rate),
            "--seconds",
            str(seconds),
            "--connections",
            str(connections),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=SECONDS * 4 + 60,
        preexec_fn=_on_core(CLIENT_CORE),
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _wrk(port: int, keys_file: Path, folder: Path) -> float | None:
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    keys = [line for line in keys_file.read_text().split() if line][:2000]
    script = folder / "check.lua"
    script.write_text(
        "local keys = {" + ",".join(f'"{k}"' for k in keys) + "}\n"
        "local n = 0\n"
        "request = function()\n  n = n + 1\n"
        '  local body = \'{"api_key":"\' .. keys[(n % #keys) + 1] .. \'","ip":"81.2.69.142"}\'\n'
        '  return wrk.format("POST", "/v1/check", {["Content-Type"] = "application/json"}, body)\nend\n'
    )
    out = subprocess.run(
        [wrk, "-t1", "-c32", f"-d{int(SECONDS)}s", "-s", str(script), f"http://127.0.0.1:{port}/"],
        capture_output=True,
        text=True,
        check=True,
        timeout=SECONDS + 60,
        preexec_fn=_on_core(CLIENT_CORE),
    )
    found = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    return float(found.group(1)) if found else None


def _http(db: str, keys: list[str], folder: Path) -> list[Result]:
    keys_file = folder / "keys.txt"
    keys_file.write_text("\n".join(random.Random(2).sample(keys, min(len(keys), 20000))))
    port, base_port, grpc_port = _free_port(), _free_port(), _free_port()
    env = {**os.environ, "OWNERGATE_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [sys.executable, "-m", "ownergate", "serve", "--db", db, "--port", str(port), "--grpc-port", str(grpc_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_on_core(SERVER_CORE),
    )
    trivial = subprocess.Popen(
        [sys.executable, "-c", _TRIVIAL, str(base_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_on_core(SERVER_CORE),
    )
    try:
        _wait(port, server)
        _wait(base_port, trivial)
        time.sleep(1.0)
        for warm in (port, base_port):  # a fresh process's first seconds (imports, caches) are not the service
            _loadgen(warm, keys_file, 2000, 8, seconds=2.0)
        load_before = os.getloadavg()[0]
        sustained = _loadgen(port, keys_file, 2000, 8)
        server_p99 = _server_p99(port)
        base_sustained = _loadgen(base_port, keys_file, 2000, 8)
        saturated = _wrk(port, keys_file, folder)
        base_saturated = _wrk(base_port, keys_file, folder)
        tool = "wrk"
        if saturated is None or base_saturated is None:
            saturated = _loadgen(port, keys_file, 0, 32)["rate"]
            base_saturated = _loadgen(base_port, keys_file, 0, 32)["rate"]
            tool = "loadgen"
        grpc_p50, grpc_p99 = _grpc(grpc_port, keys)
    finally:
        for proc in (server, trivial):
            proc.terminate()
            proc.wait(10)
    return [
        Result(
            "service",
            "/v1/check at 2,000 req/s: achieved",
            sustained["rate"],
            "req/s",
            base_sustained["rate"],
            "trivial Starlette",
            ">= 2000 req/s",
        ),
        Result(
            "service",
            "/v1/check at 2,000 req/s: p99",
            sustained["p99_ms"],
            "ms",
            base_sustained["p99_ms"],
            "trivial Starlette",
            "<= 2 ms",
        ),
        Result("service", "/v1/check server-side p99 (its /metrics histogram, bucket bound)", server_p99, "ms"),
        Result(
            "service",
            "/v1/check at 2,000 req/s: p50",
            sustained["p50_ms"],
            "ms",
            base_sustained["p50_ms"],
            "trivial Starlette",
        ),
        Result(
            "service",
            f"/v1/check saturation ({tool}, 32 conns)",
            saturated,
            "req/s",
            base_saturated,
            "trivial Starlette",
            ">= 5000 req/s (aim)",
        ),
        Result("service", "gRPC ext_authz Check p99 (sequential)", grpc_p99, "ms", grpc_p50, "its own p50"),
        Result("service", "machine load average (1 min) during the HTTP runs", load_before, "", 2.0, "cores"),
    ]


def _server_p99(port: int) -> float:
    """The upper bound of the histogram bucket holding the 99th percentile of /v1/check's own time."""
    import httpx

    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    buckets: dict[float, int] = {}
    for found in re.finditer(
        r'ownergate_check_seconds_bucket\{endpoint="check",decision="\w+",le="([^"]+)"\} (\d+)', text
    ):
        bound = float("inf") if found.group(1) == "+Inf" else float(found.group(1))
        buckets[bound] = buckets.get(bound, 0) + int(found.group(2))
    total = buckets.get(float("inf"), 0)
    for bound in sorted(buckets):
        if total and buckets[bound] >= 0.99 * total:
            return bound * 1000
    return float("nan")


def _grpc(port: int, keys: list[str]) -> tuple[float, float]:
    import grpc
    from envoy.config.core.v3 import address_pb2
    from envoy.service.auth.v3 import attribute_context_pb2 as ac
    from envoy.service.auth.v3 import external_auth_pb2, external_auth_pb2_grpc

    def request(key: str) -> external_auth_pb2.CheckRequest:
        return external_auth_pb2.CheckRequest(
            attributes=ac.AttributeContext(
                source=ac.AttributeContext.Peer(
                    address=address_pb2.Address(socket_address=address_pb2.SocketAddress(address="81.2.69.142"))
                ),
                request=ac.AttributeContext.Request(
                    http=ac.AttributeContext.HttpRequest(headers={"authorization": f"Bearer {key}"})
                ),
            )
        )

    requests = [request(k) for k in random.Random(3).sample(keys, min(len(keys), 3000))]
    samples = []
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = external_auth_pb2_grpc.AuthorizationStub(channel)
        for r in requests[:300]:
            stub.Check(r, timeout=5)
        for r in requests:
            t = time.perf_counter()
            stub.Check(r, timeout=5)
            samples.append((time.perf_counter() - t) * 1000)
    return percentiles(samples)


def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = f"sqlite:///{folder / 'bench.sqlite3'}"
        store = open_store(db)
        keys = _seed(store, CUSTOMERS)
        results = _in_process(store, keys)
        store.close()
        results += _http(db, keys, folder)
    return results
