"""
Benchmark ticket issue: POST /api/v1/queue/tickets/ from 8 concurrent clients.

Run from the repository root:

    .venv/bin/python bench/bench_queue_issue.py                 # embedded: SQLite file
    .venv/bin/python bench/bench_queue_issue.py --pg            # PostgreSQL + Redis

Target (issue 4): >= 200 tickets/s at 8 concurrent clients, p95 <= 50 ms, no
duplicate numbers. The server is gunicorn with 2 uvicorn workers
(config.settings.prod, DEBUG off) on 127.0.0.1, on its own database:
SQLite under /tmp, or the PostgreSQL database ``zt_queue_bench`` on
127.0.0.1:55432 with Redis db 5 (``--pg``). Each client keeps one HTTP
connection open and posts ``--per-client`` tickets; the server is stopped by
its PID afterwards. Record the figures in docs/perf/queueing.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import subprocess
import tempfile
import threading
import time
from collections import Counter

from bench_queue_common import (
    Server,
    db_query,
    machine,
    percentile,
    prepare_database,
    server_env,
)

PG_ADMIN = "postgres://postgres@127.0.0.1:55432/postgres"


def ensure_pg_database(name: str) -> None:
    subprocess.run(
        ["psql", PG_ADMIN, "-q", "-c", f"CREATE DATABASE {name}"],
        check=False,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--pg", action="store_true", help="PostgreSQL + Redis db 5")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--per-client", type=int, default=250)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    if args.pg:
        ensure_pg_database("zt_queue_bench")
        env = server_env(
            "postgres://postgres@127.0.0.1:55432/zt_queue_bench",
            "redis://127.0.0.1:56379/5",
        )
        mode = "PostgreSQL + Redis (db 5)"
    else:
        db = tempfile.mkdtemp(prefix="zt-queue-bench-", dir="/tmp") + "/bench.sqlite3"
        env = server_env(f"sqlite:///{db}")
        mode = f"SQLite WAL ({db}), in-memory channel layer"
    ids = prepare_database(env)
    body = json.dumps({"category": ids["category"]}).encode()
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()

    with Server(env, workers=args.workers) as server:
        barrier = threading.Barrier(args.clients + 1)

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            mine, codes = [], Counter()
            barrier.wait()
            for _ in range(args.per_client):
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

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        barrier.wait()
        start = time.perf_counter()
        for t in threads:
            t.join(timeout=600)
        elapsed = time.perf_counter() - start

    check = db_query(
        env,
        "from zhengtong.queueing.models import Ticket\n"
        f"n = list(Ticket.objects.filter(hall_id={ids['hall']}).values_list('number', flat=True))\n"
        "print('CHECK', len(n), len(set(n)))",
    )
    line = next(x for x in check.splitlines() if x.startswith("CHECK"))
    _, total, distinct = line.split()
    total_requests = args.clients * args.per_client
    rate = statuses[201] / elapsed
    p50 = percentile(latencies, 50) * 1000
    p95 = percentile(latencies, 95) * 1000
    p99 = percentile(latencies, 99) * 1000
    ok = (
        rate >= 200
        and p95 <= 50
        and total == distinct
        and statuses[201] == total_requests
    )
    print(f"machine: {machine()}")
    print(f"mode: {mode}; gunicorn -k uvicorn_worker.UvicornWorker -w {args.workers}")
    print(
        f"requests: {total_requests} from {args.clients} clients; statuses {dict(statuses)}"
    )
    print(f"throughput: {rate:.0f} tickets/s over {elapsed:.2f} s")
    print(
        f"latency ms: p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}  max {max(latencies) * 1000:.1f}"
    )
    print(f"tickets in db: {total}, distinct numbers: {distinct}")
    print("RESULT", "PASS" if ok else "FAIL", "(>= 200/s, p95 <= 50 ms, no duplicates)")


if __name__ == "__main__":
    main()
