"""
Benchmark call-next → hall display latency with many connected displays.

Run from the repository root (needs the shared PostgreSQL on 127.0.0.1:55432
and Redis on 127.0.0.1:56379):

    .venv/bin/python bench/bench_queue_display.py                # 200 displays, 50 calls
    .venv/bin/python bench/bench_queue_display.py --displays 50 --calls 20

Target (issue 4): with 200 connected hall-display clients on the scale-out
mode (Redis channel layer db 5, PostgreSQL database ``zt_queue_bench``, two
gunicorn uvicorn-worker processes), p95 <= 100 ms from the call-next request
to each display's receipt of the call.

All clients run in one asyncio process on 127.0.0.1: 200 WebSocket clients
(``websockets`` package) on /ws/queue/hall/<id>/, spread over both server
processes by the kernel, and a staff client that for each round takes a
ticket, then POSTs /api/v1/queue/counters/<id>/call-next/ (token auth) and
finishes the ticket. Latency is measured on one clock: from just before the
call-next request is sent (conservative: includes the HTTP round trip) and,
separately, from the moment its response has arrived, to the receipt of the
``call`` event by each display. The server is stopped by its PID.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import subprocess
import time

import websockets
from bench_queue_common import Server, machine, percentile, prepare_database, server_env

PG_ADMIN = "postgres://postgres@127.0.0.1:55432/postgres"


def http_post(
    port: int, path: str, token: str, body: dict | None = None
) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    conn.request("POST", path, body=json.dumps(body or {}).encode(), headers=headers)
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    return resp.status, (json.loads(raw) if raw else {})


async def run(args: argparse.Namespace, port: int, ids: dict) -> dict:
    receipts: dict[str, list[float]] = {}
    ready = 0
    stop = asyncio.Event()

    async def display(i: int) -> None:
        nonlocal ready
        uri = f"ws://127.0.0.1:{port}/ws/queue/hall/{ids['hall']}/"
        async with websockets.connect(
            uri, origin=f"http://127.0.0.1:{port}", open_timeout=60, max_queue=None
        ) as ws:
            await ws.recv()  # snapshot
            ready += 1
            while not stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
                except TimeoutError:
                    continue
                now = time.perf_counter()
                msg = json.loads(raw)
                if msg.get("type") == "event" and msg.get("event") == "call":
                    receipts.setdefault(msg["call"]["number"], []).append(now)

    tasks = []
    for i in range(args.displays):
        tasks.append(asyncio.create_task(display(i)))
        if i % 20 == 19:
            await asyncio.sleep(0.2)  # ramp up connections
    for _ in range(600):
        if ready >= args.displays:
            break
        await asyncio.sleep(0.1)
    loop = asyncio.get_running_loop()
    sent: dict[str, tuple[float, float]] = {}
    failures = 0
    for _ in range(args.calls):
        status, _t = await loop.run_in_executor(
            None,
            http_post,
            port,
            "/api/v1/queue/tickets/",
            "",
            {"category": ids["category"]},
        )
        t0 = time.perf_counter()
        status, ticket = await loop.run_in_executor(
            None,
            http_post,
            port,
            f"/api/v1/queue/counters/{ids['counter']}/call-next/",
            ids["token"],
        )
        t1 = time.perf_counter()
        if status != 200:
            failures += 1
            continue
        sent[ticket["number"]] = (t0, t1)
        await asyncio.sleep(args.gap)
        await loop.run_in_executor(
            None,
            http_post,
            port,
            f"/api/v1/queue/tickets/{ticket['id']}/finish/",
            ids["token"],
            {"matter": "基准测试"},
        )
    await asyncio.sleep(2)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    from_request, from_response, missing = [], [], 0
    for number, (t0, t1) in sent.items():
        got = receipts.get(number, [])
        missing += ready - len(got)
        from_request.extend((t - t0) * 1000 for t in got)
        from_response.extend((t - t1) * 1000 for t in got)
    return {
        "connected": ready,
        "calls": len(sent),
        "failures": failures,
        "missing": missing,
        "from_request": from_request,
        "from_response": from_response,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--displays", type=int, default=200)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--gap", type=float, default=0.3, help="seconds between calls")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    subprocess.run(
        ["psql", PG_ADMIN, "-q", "-c", "CREATE DATABASE zt_queue_bench"],
        check=False,
        capture_output=True,
    )
    env = server_env(
        "postgres://postgres@127.0.0.1:55432/zt_queue_bench",
        "redis://127.0.0.1:56379/5",
    )
    ids = prepare_database(env)
    with Server(env, workers=args.workers) as server:
        result = asyncio.run(run(args, server.port, ids))
    req, resp = result["from_request"], result["from_response"]
    print(f"machine: {machine()}")
    print(
        f"mode: PostgreSQL zt_queue_bench + Redis db 5 channel layer; "
        f"gunicorn -k uvicorn_worker.UvicornWorker -w {args.workers}"
    )
    print(
        f"displays connected: {result['connected']}/{args.displays}; calls: {result['calls']} "
        f"(failed {result['failures']}); deliveries: {len(req)}, missing: {result['missing']}"
    )
    for label, values in (("from request sent", req), ("from response received", resp)):
        if values:
            print(
                f"latency ms {label}: p50 {percentile(values, 50):.1f}  "
                f"p95 {percentile(values, 95):.1f}  p99 {percentile(values, 99):.1f}  "
                f"max {max(values):.1f}"
            )
    ok = bool(req) and percentile(req, 95) <= 100 and result["missing"] == 0
    print(
        "RESULT",
        "PASS" if ok else "FAIL",
        "(p95 <= 100 ms from request, no missed calls)",
    )


if __name__ == "__main__":
    main()
