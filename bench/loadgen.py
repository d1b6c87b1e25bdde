"""A small HTTP/1.1 load generator for POST /v1/check, run as its own process (its own core).

``python loadgen.py HOST PORT KEYS_FILE --rate R --seconds S --connections C`` prints one JSON
object: requests, achieved rate, statuses, latency p50/p99 in ms. With ``--rate`` it is open-loop:
each request has a scheduled start, and latency counts from that schedule, so a slow server cannot
hide its queueing (no coordinated omission). Without ``--rate`` it sends as fast as answers come.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time


def _request(host: str, key: str, ip: str) -> bytes:
    body = json.dumps({"api_key": key, "ip": ip}).encode()
    head = (
        f"POST /v1/check HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def _connection(
    args: argparse.Namespace,
    payloads: list[bytes],
    start: float,
    end: float,
    index: int,
    latencies: list[float],
    statuses: dict[int, int],
) -> None:
    reader, writer = await asyncio.open_connection(args.host, args.port)
    interval = args.connections / args.rate if args.rate else 0.0
    scheduled = start + index * (interval / args.connections if interval else 0.0)
    rng = random.Random(index)
    while True:
        now = time.perf_counter()
        if interval:
            if scheduled > now:
                await asyncio.sleep(scheduled - now)
            began = scheduled
            scheduled += interval
        else:
            began = now
        if began >= end:
            break
        writer.write(payloads[rng.randrange(len(payloads))])
        status = await _read_response(reader)
        latencies.append(time.perf_counter() - began)
        statuses[status] = statuses.get(status, 0) + 1
    writer.close()


async def _main(args: argparse.Namespace) -> dict[str, object]:
    with open(args.keys_file) as f:
        keys = [line.strip() for line in f if line.strip()]
    ips = ["81.2.69.142", "8.8.8.8", "1.2.3.4", "223.5.5.5", "2a02:6b8::1", "10.0.0.1"]
    payloads = [_request(args.host, rnd_key, ips[i % len(ips)]) for i, rnd_key in enumerate(keys[:20000])]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    warm_end = time.perf_counter() + 0.5
    await asyncio.gather(
        *(
            _connection(args, payloads, time.perf_counter(), warm_end, i, [], {})
            for i in range(min(args.connections, 4))
        )
    )
    start = time.perf_counter() + 0.05
    end = start + args.seconds
    await asyncio.gather(
        *(_connection(args, payloads, start, end, i, latencies, statuses) for i in range(args.connections))
    )
    elapsed = time.perf_counter() - start
    qs = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "rate": len(latencies) / elapsed,
        "statuses": statuses,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": qs[98] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("keys_file")
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(_main(args))))


if __name__ == "__main__":
    main()
