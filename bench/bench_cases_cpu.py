"""
CPU time per request of the cases hot paths, in-process (issue 3).

Wall-clock throughput on a shared 2-vCPU machine is noisy; CPU time per
request of the server's Python is not. This script calls the WSGI
application (``config.wsgi.application``, all middleware, DRF, token auth)
directly in one thread and measures ``time.process_time()`` per request,
plus the number of SQL statements per request.

Run from the repository root (PostgreSQL on 127.0.0.1:55432 must be up):

    .venv/bin/python bench/bench_cases_cpu.py                  # submission
    .venv/bin/python bench/bench_cases_cpu.py --reads          # lists and detail on the 1M-case db
    .venv/bin/python bench/bench_cases_cpu.py --profile        # + cProfile top 30 of each path
    .venv/bin/python bench/bench_cases_cpu.py --reads --only "case detail"

``--reads`` needs the database of ``bench_cases_lists.py`` (BENCH_LISTS_DB,
default ``zt_perf_cases_lists``). Submission uses its own database
``zt_perf_cases_cpu`` (recreated on each run). Numbers go to
docs/perf/cases.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault(
    "BENCH_DB",
    os.environ.get("BENCH_LISTS_DB", "zt_perf_cases_lists")
    if "--reads" in sys.argv
    else "zt_perf_cases_cpu",
)

import bench_cases_common as common
from bench_http import wsgi_call


def _backend_cpu_seconds() -> float | None:
    """CPU seconds of this thread's PostgreSQL backend (persistent connections only)."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.settings_dict.get(
        "OPTIONS", {}
    ).get("pool"):
        return None
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(name: str, app, calls, n: int, profile: bool) -> dict:
    """Run ``calls()`` n times (after 20 warm-up calls); CPU ms per call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(20):
        calls()
    with CaptureQueriesContext(connection) as ctx:
        status, body = calls()
    queries = len(ctx.captured_queries)
    cpu, wall = [], []
    prof = cProfile.Profile(time.process_time) if profile else None
    pg0 = common.postgres_cpu_seconds()
    backend = _backend_cpu_seconds()
    for _ in range(n):
        c0, w0 = time.process_time(), time.perf_counter()
        if prof:
            prof.enable()
        status, body = calls()
        if prof:
            prof.disable()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
        if status >= 300:
            print("unexpected status", status, body[:200])
            break
    pg_ms = (common.postgres_cpu_seconds() - pg0) * 1000 / max(1, len(cpu))
    if backend is not None:  # one persistent connection: its backend's own CPU
        pg_ms = (_backend_cpu_seconds() - backend) * 1000 / max(1, len(cpu))
    row = {
        "name": name,
        "n": n,
        "cpu_ms_mean": round(statistics.fmean(cpu), 2),
        "postgres_cpu_ms_mean": round(pg_ms, 2),
        "cpu_ms_p50": round(statistics.median(cpu), 2),
        "wall_ms_p50": round(statistics.median(wall), 2),
        "queries": queries,
        "loadavg_1m": round(os.getloadavg()[0], 1),
    }
    print(json.dumps(row, ensure_ascii=False))
    if prof:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())
    return row


def submission(n: int, profile: bool) -> None:
    import bench_cases_submit as submit

    item_code, tokens = submit.setup(1)
    from config.wsgi import application

    body = json.dumps({"item_code": item_code}).encode()
    measure(
        "POST /api/v1/cases/",
        application,
        lambda: wsgi_call(
            application, "POST", "/api/v1/cases/", token=tokens[0], body=body
        ),
        n,
        profile,
    )


def reads(n: int, profile: bool, only: str = "") -> None:
    import random

    import bench_cases_lists as lists

    info = lists.reuse()
    from config.wsgi import application

    staff, appl = info["staff_token"], info["applicant_token"]
    paths = [
        ("inbox intake", "/api/v1/cases/?inbox=intake&page_size=100", staff),
        ("inbox mine", "/api/v1/cases/?inbox=mine&page_size=100", staff),
        ("inbox due_soon", "/api/v1/cases/?inbox=due_soon&page_size=100", staff),
        ("inbox overdue", "/api/v1/cases/?inbox=overdue&page_size=100", staff),
        ("department list", "/api/v1/cases/?page_size=100", staff),
        (
            "deep keyset page",
            f"/api/v1/cases/?page_size=100&before={info['mid_id']}",
            staff,
        ),
        ("applicant's list", "/api/v1/cases/?page_size=100", appl),
    ]
    for name, path, token in paths:
        if only and only != name:
            continue
        measure(
            name,
            application,
            lambda p=path, t=token: wsgi_call(application, "GET", p, token=t),
            n,
            profile,
        )
    ids = info["detail_ids"]
    if only and only != "case detail":
        return
    measure(
        "case detail",
        application,
        lambda: wsgi_call(
            application, "GET", f"/api/v1/cases/{random.choice(ids)}/", token=staff
        ),
        n,
        profile,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reads", action="store_true")
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--only", default="", help='one read path by name, e.g. "case detail"'
    )
    args = parser.parse_args()
    print("machine:", common.machine())
    if args.reads:
        reads(args.n, args.profile, args.only)
    else:
        submission(args.n, args.profile)


if __name__ == "__main__":
    main()
