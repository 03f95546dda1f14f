"""
Benchmark ticket issue: POST /api/v1/queue/tickets/ from 8 concurrent clients.

Run from the repository root:

    .venv/bin/python bench/bench_queue_issue.py                 # SQLite file, WSGI, wrk
    .venv/bin/python bench/bench_queue_issue.py --pg            # PostgreSQL + Redis
    .venv/bin/python bench/bench_queue_issue.py --pg --db-conn persistent  # no pool
    .venv/bin/python bench/bench_queue_issue.py --server asgi   # old ASGI server, to compare
    .venv/bin/python bench/bench_queue_issue.py --client python # no wrk: Python threads
    .venv/bin/python bench/bench_queue_issue.py --profile       # + py-spy of one worker

Target (issue 4): >= 200 tickets/s at 8 concurrent clients, p95 <= 50 ms, no
duplicate numbers. The server is gunicorn on 127.0.0.1 (config.settings.prod,
DEBUG off): sync WSGI workers by default (plain HTTP in production), or
uvicorn ASGI workers with ``--server asgi``. Database: a SQLite file under
/tmp, or the PostgreSQL database ``zt_perf_queue_issue`` on 127.0.0.1:55432
with Redis db 4 (cache, channel layer) for ``--pg``. Load: ``wrk`` (8
connections, 2 threads, keep-alive) when installed, else 8 Python threads
with one keep-alive connection each. Afterwards the database is checked for
duplicate numbers and the server is stopped by its PID. Record the figures
in docs/perf/queueing.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import tempfile
import threading
import time
from collections import Counter

from bench_queue_common import (
    DB_CONN_MODES,
    WRK,
    Server,
    db_conn_env,
    db_query,
    ensure_pg_database,
    load_average,
    machine,
    percentile,
    pg_backend_cpu,
    pg_cpu_delta,
    prepare_database,
    pyspy_top,
    redis_flush,
    server_env,
    wrk_run,
)

PG_NAME = "zt_perf_queue_issue"


def python_clients(port: int, body: bytes, clients: int, per_client: int) -> dict:
    """Post tickets from ``clients`` threads; return the same figures as wrk."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, codes = [], Counter()
        barrier.wait()
        for _ in range(per_client):
            t0 = time.perf_counter()
            conn.request(
                "POST",
                "/api/v1/queue/tickets/",
                body=body,
                headers={"Content-Type": "application/json"},
            )
            resp = conn.getresponse()
            resp.read()
            mine.append(time.perf_counter() - t0)
            codes[resp.status] += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.update(codes)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join(timeout=600)
    elapsed = time.perf_counter() - start
    return {
        "requests": sum(statuses.values()),
        "seconds": elapsed,
        "rate": sum(statuses.values()) / elapsed,
        "p50": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "max": max(latencies) * 1000,
        "non2xx": sum(n for code, n in statuses.items() if code != 201),
        "socket_errors": 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--pg", action="store_true", help="PostgreSQL + Redis db 4")
    parser.add_argument("--server", choices=["wsgi", "asgi"], default="wsgi")
    parser.add_argument(
        "--client", choices=["wrk", "python"], default="wrk" if WRK else "python"
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=15, help="wrk duration")
    parser.add_argument("--per-client", type=int, default=250, help="python client")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--db-conn",
        choices=DB_CONN_MODES,
        default="pool",
        help="PostgreSQL connections of the server (see db_conn_env)",
    )
    parser.add_argument("--port", type=int, default=18210)
    parser.add_argument(
        "--profile", action="store_true", help="py-spy one worker during the load"
    )
    parser.add_argument(
        "--idle", action="store_true", help="with --profile: sample waits too"
    )
    args = parser.parse_args()

    if args.pg:
        ensure_pg_database(PG_NAME)
        env = server_env(
            f"postgres://postgres@127.0.0.1:55432/{PG_NAME}",
            "redis://127.0.0.1:56379/4",
        )
        env = db_conn_env(env, args.db_conn)
        mode = f"PostgreSQL {PG_NAME} ({args.db_conn} connections) + Redis db 4"
        redis_flush(env["REDIS_URL"])
    else:
        db = tempfile.mkdtemp(prefix="zt-queue-bench-", dir="/tmp") + "/bench.sqlite3"
        env = server_env(f"sqlite:///{db}")
        mode = f"SQLite WAL ({db}), in-memory channel layer"
    ids = prepare_database(env)
    body = json.dumps({"category": ids["category"]})
    load_before = load_average()
    hot: list[str] = []

    with Server(env, workers=args.workers, kind=args.server, port=args.port) as server:
        cpu_before = server.cpu_seconds()
        pg_before = pg_backend_cpu(PG_NAME) if args.pg else {}
        if args.client == "wrk":
            profiler = None
            if args.profile:
                pid = server.worker_pids()[0]
                profiler = threading.Thread(
                    target=lambda: hot.extend(
                        pyspy_top(
                            pid,
                            max(3, args.seconds - 4),
                            f"{tempfile.gettempdir()}/zt-queue-{pid}.raw",
                            idle=args.idle,
                        )
                    )
                )
                threading.Timer(2, profiler.start).start()
            result = wrk_run(
                f"http://127.0.0.1:{server.port}/api/v1/queue/tickets/",
                body=body,
                connections=args.clients,
                seconds=args.seconds,
            )
            if profiler is not None:
                time.sleep(0.5)
                profiler.join(timeout=60)
        else:
            result = python_clients(
                server.port, body.encode(), args.clients, args.per_client
            )
        cpu_used = server.cpu_seconds() - cpu_before
        pg_used = pg_cpu_delta(pg_before, pg_backend_cpu(PG_NAME)) if args.pg else 0.0
        label = server.label
    load_after = load_average()
    cpu_ms = 1000 * cpu_used / max(1, result["requests"])

    check = db_query(
        env,
        "from zhengtong.queueing.models import Ticket\n"
        f"n = list(Ticket.objects.filter(hall_id={ids['hall']}).values_list('number', flat=True))\n"
        "print('CHECK', len(n), len(set(n)))",
    )
    line = next(x for x in check.splitlines() if x.startswith("CHECK"))
    _, total, distinct = line.split()
    ok = (
        result["rate"] >= 200
        and result["p95"] <= 50
        and total == distinct
        and result["non2xx"] == 0
        and result["socket_errors"] == 0
    )
    print(f"machine: {machine()}")
    print(f"load average before / after: {load_before} / {load_after}")
    print(f"mode: {mode}; {label}; client {args.client}, {args.clients} connections")
    print(
        f"requests: {result['requests']} in {result['seconds']:.1f} s; "
        f"non-201: {result['non2xx']}; socket errors: {result['socket_errors']}"
    )
    print(f"throughput: {result['rate']:.0f} tickets/s")
    print(
        f"server CPU: {cpu_ms:.2f} ms per request (gunicorn workers, user + system"
        f"{'; py-spy adds its own' if args.profile else ''})"
    )
    print(
        f"latency ms: p50 {result['p50']:.1f}  p95 {result['p95']:.1f}  "
        f"p99 {result['p99']:.1f}  max {result['max']:.1f}"
    )
    if args.pg:
        print(
            f"PostgreSQL CPU: {1000 * pg_used / max(1, result['requests']):.2f} ms per "
            f"request (backends of {PG_NAME}; Redis not counted)"
        )
    print(f"tickets in db: {total}, distinct numbers: {distinct}")
    if hot:
        print("py-spy, one worker, share of samples with the function on the stack:")
        print("\n".join(f"  {x}" for x in hot))
    print("RESULT", "PASS" if ok else "FAIL", "(>= 200/s, p95 <= 50 ms, no duplicates)")


if __name__ == "__main__":
    main()
