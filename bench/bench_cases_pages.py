"""
Benchmark the HTML pages of cases: the staff workbench inboxes (100 cases a
page, with the four inbox counts), the workbench case detail and the
applicant's "my cases" page, with many cases in PostgreSQL.

Run from the repository root (PostgreSQL on 127.0.0.1:55432 must be up):

    .venv/bin/python bench/bench_cases_pages.py [--cases 1000000] [--requests 300] [--reuse]

It reuses the data generator of ``bench_cases_lists.py`` (20 departments,
staff, 1,000 applicants, N cases in every state, audit events) in its own
database ``zt_perf_cases_ui`` (override with BENCH_DB), starts gunicorn with
3 sync WSGI workers (config.settings.prod, DEBUG off; ``--server asgi`` for
gunicorn + 2 uvicorn workers) on 127.0.0.1:18164
(BENCH_PORT), signs in through a session cookie and times GET requests from
1 and from 4 concurrent clients. The server is stopped by PID at the end;
``--reuse`` skips the generation on a second run. Figures go to
docs/perf/cases-ui.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from importlib import import_module
from pathlib import Path

os.environ.setdefault("BENCH_DB", "zt_perf_cases_ui")
os.environ.setdefault("BENCH_PORT", "18164")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_cases_common as common
import bench_cases_lists as lists

STATIC_ENV = {
    "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "zt_perf_cases_ui_static")
}


def collectstatic() -> None:
    """Collect static files for the prod settings (manifest storage)."""
    subprocess.run(
        [
            str(common.ROOT / ".venv/bin/python"),
            "manage.py",
            "collectstatic",
            "--noinput",
            "-v0",
        ],
        cwd=common.ROOT,
        env=common.env(**STATIC_ENV),
        check=True,
    )


def session_cookie(username: str) -> str:
    """Return a session id of ``username`` (Django is set up by the generator)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from zhengtong.accounts.models import User

    user = User.objects.get(username=username)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def timed(paths: list[str], session: str, clients: int) -> list[float]:
    lat: list[list[float]] = [[] for _ in range(clients)]
    bad: list[tuple[str, int]] = []

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", common.PORT, timeout=30)
        headers = {"Cookie": f"sessionid={session}", "Accept": "text/html"}
        for path in paths[i::clients]:
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            lat[i].append((time.perf_counter() - t0) * 1000)
            if resp.status != 200:
                bad.append((path, resp.status))
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if bad:
        print("non-200 answers:", bad[:3], len(bad))
    return [x for row in lat for x in row]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the generated database"
    )
    parser.add_argument("--server", choices=common.SERVER_KINDS, default="wsgi")
    args = parser.parse_args()
    print("machine:", common.machine())
    t0 = time.perf_counter()
    info = lists.reuse() if args.reuse else lists.generate(args.cases)
    print(f"data ready in {time.perf_counter() - t0:.0f} s")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_case")
        total = cur.fetchone()[0]
    staff = session_cookie("staff0_0")
    applicant = session_cookie("app0")
    n = args.requests
    scenarios = [
        ("workbench 待受理 intake", ["/workbench/?inbox=intake"] * n, staff),
        ("workbench 我的待办 mine", ["/workbench/?inbox=mine"] * n, staff),
        ("workbench 即将到期 due_soon", ["/workbench/?inbox=due_soon"] * n, staff),
        ("workbench 已超期 overdue", ["/workbench/?inbox=overdue"] * n, staff),
        ("workbench all, first page", ["/workbench/?inbox=all"] * n, staff),
        (
            "workbench all, deep keyset page",
            [f"/workbench/?inbox=all&before={info['mid_id']}"] * n,
            staff,
        ),
        (
            "workbench case detail",
            [
                f"/workbench/cases/{random.choice(info['detail_ids'])}/"
                for _ in range(n)
            ],
            staff,
        ),
        ("applicant 我的办件 /cases/mine/", ["/cases/mine/"] * n, applicant),
    ]
    collectstatic()
    proc = common.server_start(
        STATIC_ENV, workers=3 if args.server == "wsgi" else 2, kind=args.server
    )
    results = []
    try:
        for name, paths, session in scenarios:
            timed(paths[:20], session, 1)  # warm-up
            for clients in (1, 4):
                lat = timed(paths, session, clients)
                s = common.summary(f"{name} [{clients} client(s)]", lat)
                s["target_p95_ms"] = 30 if "detail" in name else 50
                s["pass"] = s["p95_ms"] <= s["target_p95_ms"]
                results.append(s)
                print(json.dumps(s, ensure_ascii=False))
    finally:
        common.server_stop(proc)
    print(json.dumps({"cases": total, "results": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
