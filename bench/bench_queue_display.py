"""
Benchmark call-next → hall display latency with many connected displays.

Run from the repository root (needs the shared PostgreSQL on 127.0.0.1:55432
and Redis on 127.0.0.1:56379):

    .venv/bin/python bench/bench_queue_display.py                  # 200 displays, 3 calls/s
    .venv/bin/python bench/bench_queue_display.py --rate 5 --calls 150
    .venv/bin/python bench/bench_queue_display.py --http-server asgi   # old: HTTP on ASGI too
    .venv/bin/python bench/bench_queue_display.py --db-conn persistent # WSGI without the pool

Target (issue 4): with 200 connected hall-display clients on the scale-out
topology, p95 <= 100 ms from the call-next request to each display's receipt
of the call.

Topology (as behind the production reverse proxy, all on 127.0.0.1):

* plain HTTP (take a ticket, call-next, finish) → gunicorn sync WSGI workers
  (``config.wsgi``, ``-w 2``, port 18220);
* WebSockets (``/ws/queue/hall/<id>/``) → gunicorn uvicorn ASGI workers
  (``config.asgi``, ``-w 2`` = two server processes, port 18221);
* both share PostgreSQL ``zt_perf_queue_display`` and Redis db 4 (channel
  layer and cache).

With ``--http-server asgi`` the HTTP requests go to the ASGI server as in the
earlier runs. The 200 WebSocket displays (``websockets``) run in one asyncio process; a
second process plays the kiosk (one ticket per call) and ``--counters``
counters that call at a steady overall ``--rate`` (calls per second; a busy
hall calls a few per second), each finishing its ticket half-way to its next
call. Latency is measured on one clock (CLOCK_MONOTONIC, shared by both
processes) from just before the call-next request is sent (includes the
whole HTTP request) and, separately, from the arrival of its response, to
the receipt of the ``call`` event by each display.
Servers are stopped by their PID.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import multiprocessing
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import websockets
from bench_queue_common import (
    DB_CONN_MODES,
    Server,
    db_conn_env,
    ensure_pg_database,
    load_average,
    machine,
    percentile,
    prepare_database,
    redis_flush,
    server_env,
)

PG_NAME = "zt_perf_queue_display"


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


def drive(args: argparse.Namespace, http_port: int, ids: dict, out) -> None:
    """
    The kiosk and the counters, in a process of their own (so that the 200
    display connections do not hold up their requests): one ticket and one
    call every 1/rate s, each call finished half-way to its counter's next.
    Sends ``(sent, failures)`` through ``out``.
    """
    counters = ids["counters"]
    token = ids["token"]
    interval = 1 / args.rate
    serve = interval * len(counters) / 2
    sent: dict[str, tuple[float, float]] = {}
    failures = 0
    lock = threading.Lock()

    def take() -> None:
        http_post(
            http_port, "/api/v1/queue/tickets/", "", {"category": ids["category"]}
        )

    def call_then_finish(counter_id: int) -> None:
        nonlocal failures
        t0 = time.perf_counter()
        status, ticket = http_post(
            http_port, f"/api/v1/queue/counters/{counter_id}/call-next/", token
        )
        t1 = time.perf_counter()
        with lock:
            if status != 200:
                failures += 1
                return
            sent[ticket["number"]] = (t0, t1)
        time.sleep(serve)
        http_post(
            http_port,
            f"/api/v1/queue/tickets/{ticket['id']}/finish/",
            token,
            {"matter": "基准测试"},
        )

    for _ in range(len(counters) + 2):  # a few waiting before the first call
        take()
    with ThreadPoolExecutor(max_workers=4 * len(counters)) as pool:
        start = time.perf_counter()
        for k in range(args.calls):
            delay = start + k * interval - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(take)
            pool.submit(call_then_finish, counters[k % len(counters)])
    out.send((sent, failures))
    out.close()


async def run(args: argparse.Namespace, http_port: int, ws_port: int, ids: dict):
    receipts: dict[str, list[float]] = {}
    ready = 0
    connections = []

    async def display() -> None:
        nonlocal ready
        uri = f"ws://127.0.0.1:{ws_port}/ws/queue/hall/{ids['hall']}/"
        async with websockets.connect(
            uri, origin=f"http://127.0.0.1:{ws_port}", open_timeout=60, max_queue=None
        ) as ws:
            connections.append(ws)
            await ws.recv()  # snapshot
            ready += 1
            try:
                async for raw in ws:
                    now = time.perf_counter()
                    if '"event": "call"' not in raw:  # parse only calls
                        continue
                    msg = json.loads(raw)
                    if msg.get("type") == "event" and msg.get("event") == "call":
                        receipts.setdefault(msg["call"]["number"], []).append(now)
            except websockets.ConnectionClosed:
                pass

    tasks = []
    for i in range(args.displays):
        tasks.append(asyncio.create_task(display()))
        if i % 20 == 19:
            await asyncio.sleep(0.2)  # ramp up connections
    for _ in range(600):
        if ready >= args.displays:
            break
        await asyncio.sleep(0.1)

    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    driver = multiprocessing.get_context("fork").Process(
        target=drive, args=(args, http_port, ids, send_end)
    )
    driver.start()
    send_end.close()
    loop = asyncio.get_running_loop()
    sent, failures = await loop.run_in_executor(None, receive_end.recv)
    await loop.run_in_executor(None, driver.join)
    await asyncio.sleep(2)
    for ws in connections:
        await ws.close()
    await asyncio.gather(*tasks, return_exceptions=True)
    round_trips = [(t1 - t0) * 1000 for t0, t1 in sent.values()]
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
        "round_trips": round_trips,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--displays", type=int, default=200)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--rate", type=float, default=3.0, help="calls per second")
    parser.add_argument("--counters", type=int, default=6)
    parser.add_argument("--http-server", choices=["wsgi", "asgi"], default="wsgi")
    parser.add_argument("--http-workers", type=int, default=2)
    parser.add_argument("--ws-workers", type=int, default=2)
    parser.add_argument(
        "--db-conn",
        choices=DB_CONN_MODES,
        default="pool",
        help="PostgreSQL connections of the WSGI workers (ASGI keeps the pool)",
    )
    parser.add_argument("--port", type=int, default=18220, help="HTTP; WS is +1")
    args = parser.parse_args()

    ensure_pg_database(PG_NAME)
    env = server_env(
        f"postgres://postgres@127.0.0.1:55432/{PG_NAME}", "redis://127.0.0.1:56379/4"
    )
    redis_flush(env["REDIS_URL"])
    ids = prepare_database(env, counters=args.counters)
    load_before = load_average()
    cpu = {}
    with Server(env, workers=args.ws_workers, kind="asgi", port=args.port + 1) as ws:
        if args.http_server == "wsgi":
            with Server(
                db_conn_env(env, args.db_conn),
                workers=args.http_workers,
                port=args.port,
            ) as web:
                labels = f"HTTP: {web.label}; WebSocket: {ws.label}"
                before = (web.cpu_seconds(), ws.cpu_seconds(), time.perf_counter())
                result = asyncio.run(run(args, web.port, ws.port, ids))
                cpu["http"] = web.cpu_seconds() - before[0]
        else:
            labels = f"HTTP and WebSocket: {ws.label}"
            before = (0.0, ws.cpu_seconds(), time.perf_counter())
            result = asyncio.run(run(args, ws.port, ws.port, ids))
        cpu["ws"] = ws.cpu_seconds() - before[1]
        cpu["seconds"] = time.perf_counter() - before[2]
    load_after = load_average()
    req, resp = result["from_request"], result["from_response"]
    expected = result["calls"] * result["connected"]
    print(f"machine: {machine()}")
    print(f"load average before / after: {load_before} / {load_after}")
    print(
        f"mode: PostgreSQL {PG_NAME} + Redis db 4 channel layer; {labels}; "
        f"WSGI database connections: {args.db_conn}"
    )
    print(
        f"displays connected: {result['connected']}/{args.displays}; calls: "
        f"{result['calls']} at {args.rate:g}/s over {args.counters} counters "
        f"(failed {result['failures']}); delivered {len(req)}/{expected}, "
        f"missing {result['missing']}"
    )
    print(
        f"server CPU over the run ({cpu['seconds']:.0f} s, displays connected): "
        f"ASGI workers {100 * cpu['ws'] / cpu['seconds']:.0f} % of one core"
        + (
            f", WSGI workers {100 * cpu['http'] / cpu['seconds']:.0f} %"
            if "http" in cpu
            else ""
        )
    )
    for label, values in (
        ("call-next request itself", result["round_trips"]),
        ("from request sent", req),
        ("from response received", resp),
    ):
        if values:
            print(
                f"latency ms {label}: p50 {percentile(values, 50):.1f}  "
                f"p95 {percentile(values, 95):.1f}  p99 {percentile(values, 99):.1f}  "
                f"max {max(values):.1f}"
            )
    ok = (
        bool(req)
        and percentile(req, 95) <= 100
        and result["missing"] == 0
        and result["failures"] == 0
    )
    print(
        "RESULT",
        "PASS" if ok else "FAIL",
        "(p95 <= 100 ms from request, no missed calls)",
    )


if __name__ == "__main__":
    main()
