"""
CPU time per request of the queue hot paths, in process (no server, no client).

Run from the repository root:

    .venv/bin/python bench/bench_queue_profile.py            # SQLite file under /tmp
    .venv/bin/python bench/bench_queue_profile.py --pg       # PostgreSQL zt_perf_queue_prof + Redis db 4
    .venv/bin/python bench/bench_queue_profile.py --pg --db-conn persistent   # no pool
    .venv/bin/python bench/bench_queue_profile.py --sql      # the statements of one request per path
    .venv/bin/python bench/bench_queue_profile.py --cprofile issue   # top functions of one path

Each path goes through the whole Django stack (``config.wsgi.application``
called directly with a WSGI environ), one thread, DEBUG off. Prints CPU ms
(``time.process_time``) and SQL statements per request for ticket issue
(anonymous kiosk) and call-next + finish (token-authenticated staff).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_http import wsgi_call
from bench_queue_common import (
    DB_CONN_MODES,
    PG_ADMIN,
    ROOT,
    db_conn_env,
    machine,
    prepare_database,
    redis_flush,
    server_env,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--pg", action="store_true")
    parser.add_argument("--db-conn", choices=DB_CONN_MODES, default="pool")
    parser.add_argument("-n", type=int, default=300, help="requests per path")
    parser.add_argument("--cprofile", choices=["issue", "call"], default="")
    parser.add_argument("--callees", default="", help="with --cprofile: regex")
    parser.add_argument(
        "--sql", action="store_true", help="print the SQL of one request per path"
    )
    args = parser.parse_args()

    if args.pg:
        name = "zt_perf_queue_prof"
        subprocess.run(
            ["psql", PG_ADMIN, "-q", "-c", f"CREATE DATABASE {name}"],
            check=False,
            capture_output=True,
        )
        env = server_env(
            f"postgres://postgres@127.0.0.1:55432/{name}", "redis://127.0.0.1:56379/4"
        )
        env = db_conn_env(env, args.db_conn)
        redis_flush(env["REDIS_URL"])
    else:
        db = tempfile.mkdtemp(prefix="zt-queue-prof-", dir="/tmp") + "/prof.sqlite3"
        env = server_env(f"sqlite:///{db}")
    ids = prepare_database(env)
    os.environ.update(env)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    import django
    from django.db import connection, reset_queries

    django.setup()
    from django.conf import settings

    from config.wsgi import application

    settings.DEBUG = False
    issue_body = json.dumps({"category": ids["category"]}).encode()
    call_path = f"/api/v1/queue/counters/{ids['counter']}/call-next/"

    def issue():
        return wsgi_call(application, "POST", "/api/v1/queue/tickets/", body=issue_body)

    def call():
        status, payload = wsgi_call(application, "POST", call_path, token=ids["token"])
        return status, payload

    def finish(ticket_id: int):
        body = json.dumps({"matter": "基准"}).encode()
        return wsgi_call(
            application,
            "POST",
            f"/api/v1/queue/tickets/{ticket_id}/finish/",
            body=body,
            token=ids["token"],
        )

    for _ in range(20):  # warm up imports, caches, connections
        issue()
    for _ in range(5):
        _status, payload = call()
        finish(json.loads(payload)["id"])

    def measure(label: str, fn) -> None:
        cpu, wall, queries = [], [], []
        connection.force_debug_cursor = True
        for _ in range(args.n):
            reset_queries()
            c0, w0 = time.process_time(), time.perf_counter()
            fn()
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
            queries.append(len(connection.queries))
        connection.force_debug_cursor = False
        print(
            f"{label:<24} CPU ms mean {statistics.mean(cpu):.2f} median "
            f"{statistics.median(cpu):.2f}; wall ms median {statistics.median(wall):.2f}; "
            f"SQL/request {statistics.median(queries):.0f}"
        )

    state = {"last": None}

    def call_then_finish():
        status, payload = call()
        assert status == 200, (status, payload[:200])
        state["last"] = json.loads(payload)["id"]
        finish(state["last"])

    def call_only():
        status, payload = call()
        assert status == 200, (status, payload[:200])
        state["last"] = json.loads(payload)["id"]

    def finish_only():
        finish(state["last"])

    if args.sql:
        connection.force_debug_cursor = True
        for label, fn in (
            ("issue", issue),
            ("call-next", call_only),
            ("finish", finish_only),
        ):
            reset_queries()
            fn()
            print(f"--- {label}: {len(connection.queries)} statements")
            for q in connection.queries:
                print(f"  {q['sql'][:300]}")
        return

    if args.cprofile:
        prof = cProfile.Profile()
        fn = issue if args.cprofile == "issue" else call_then_finish
        if fn is call_then_finish:
            for _ in range(args.n):
                issue()
        for _ in range(args.n):
            prof.enable()
            fn() if fn is issue else call_only()
            prof.disable()
            if fn is not issue:
                finish_only()
        stats = pstats.Stats(prof)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        stats.print_callees(args.callees or "ticket_call_next|apis.py.*post")
        return

    print(f"machine: {machine()}; load: {os.getloadavg()[0]:.1f}")
    pg_mode = f"PostgreSQL ({args.db_conn} connections) + Redis"
    print(f"mode: {pg_mode if args.pg else 'SQLite'}, in-process WSGI")
    measure("issue (kiosk)", issue)
    issue_cpu = []
    for _ in range(args.n):
        issue()  # keep enough waiting tickets for the calls below
    cpu_call, cpu_finish, q_call = [], [], []
    connection.force_debug_cursor = True
    for _ in range(args.n):
        reset_queries()
        c0 = time.process_time()
        call_only()
        cpu_call.append((time.process_time() - c0) * 1000)
        q_call.append(len(connection.queries))
        c0 = time.process_time()
        finish_only()
        cpu_finish.append((time.process_time() - c0) * 1000)
    connection.force_debug_cursor = False
    del issue_cpu
    print(
        f"{'call-next (staff)':<24} CPU ms mean {statistics.mean(cpu_call):.2f} median "
        f"{statistics.median(cpu_call):.2f}; SQL/request {statistics.median(q_call):.0f}"
    )
    print(
        f"{'finish (staff)':<24} CPU ms mean {statistics.mean(cpu_finish):.2f} median "
        f"{statistics.median(cpu_finish):.2f}"
    )


if __name__ == "__main__":
    main()
