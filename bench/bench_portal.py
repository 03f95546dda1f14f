"""
Benchmark the public portal: search and guide pages under concurrent load.

Target (issue 2): at 8 concurrent clients on the embedded default (SQLite,
production-like server), p95 <= 50 ms for search and <= 30 ms for a guide page.

Run (uses its own SQLite database and port, never the project ones):

    .venv/bin/python bench/bench_portal.py                 # 8 clients, 15 s a phase
    .venv/bin/python bench/bench_portal.py --reuse-db      # skip loading the catalogue
    .venv/bin/python bench/bench_portal.py --server asgi   # gunicorn + uvicorn workers
    .venv/bin/python bench/bench_portal.py --loadgen python  # threads instead of wrk

What it does:
1. creates /tmp/zt_bench_portal.sqlite3, migrates, loads the demo catalogue
   (``zhengtong.catalog.demo.seed``: 759 广安区 items + 3 灵山县 guides);
2. collects static files (manifest + compressed, as in production) into
   <db>.static next to the database (reused with --reuse-db);
3. measures the CPU time of one request through the whole Django stack
   in-process (WSGI handler, all middleware), with and without the public
   page cache;
4. starts gunicorn with 2 sync WSGI workers (the production topology for plain
   HTTP; ``--server asgi`` for uvicorn workers), prod settings, 127.0.0.1 only;
5. warms each worker up, then runs one phase per endpoint with wrk (8
   connections rotating over the paths; ``--loadgen python`` for keep-alive
   http.client threads), first with the public page cache on (the default),
   then on a second server with ``PUBLIC_PAGE_CACHE_SECONDS=0`` so that
   every request renders;
6. prints p50/p95/p99/max latency, throughput and errors per phase, then stops
   the servers it started (by process group).

Results go into docs/perf/portal.md.
"""

import argparse
import functools
import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_env import PROD_ENV
from bench_http import (
    HOST,
    ROOT,
    load_average,
    server_start,
    server_stop,
    wrk_available,
    wrk_run,
)

PY = str(ROOT / ".venv" / "bin" / "python")
print = functools.partial(print, flush=True)  # noqa: A001 (progress shows at once)

QUERIES = [
    "社保",
    "营业执照",
    "身份证",
    "户口",
    "驾照",
    "医保",
    "公积金",
    "社会保障卡",
    "结婚",
    "养老保险",
    "出租车",
    "不动产",
    "个体工商户",
    "施工许可",
    "道路运输",
    "建设工程",
    "shbzk",
    "节能审查",
    "失业",
    "残疾",
]


def run(cmd: list[str], env: dict) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare_database(env: dict, reuse: bool, db_path: Path) -> None:
    if reuse and db_path.exists():
        return
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    t0 = time.perf_counter()
    run([PY, "manage.py", "migrate", "-v", "0"], env)
    code = (
        "from zhengtong.catalog import demo; demo.seed(password='bench-only'); "
        "from zhengtong.catalog.models import ServiceItem; "
        "print(ServiceItem.objects.count())"
    )
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    items = out.stdout.strip().splitlines()[-1]
    print(f"catalogue loaded: {items} items in {time.perf_counter() - t0:.1f} s")


def get_json(port: int, path: str) -> dict:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", path)
    resp = conn.getresponse()
    return json.loads(resp.read())


def item_ids(port: int) -> list[int]:
    ids: list[int] = []
    page = 1
    while page <= 20:
        body = get_json(port, f"/api/v1/catalog/items/?page_size=100&page={page}")
        ids += [r["id"] for r in body["results"]]
        if not body["next"]:
            break
        page += 1
    return ids


def load_phase(
    port: int,
    paths: list[str],
    clients: int,
    seconds: float,
    max_requests: int,
    timeout: float = 10.0,
) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    budget = [max_requests]

    def worker(seed: int) -> None:
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        mine: list[float] = []
        while time.perf_counter() < stop_at:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            path = rnd.choice(paths)
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
                continue
            elapsed = (time.perf_counter() - t0) * 1000
            if status != 200:
                with lock:
                    errors.append(str(status))
            mine.append(elapsed)
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, round(p / 100 * len(latencies)) - 1)]

    return {
        "requests": len(latencies),
        "errors": len(errors),
        "rps": len(latencies) / wall if wall else 0.0,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "max": latencies[-1] if latencies else float("nan"),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
    }


CPU_CHILD = """
import io, sys, time
from urllib.parse import urlsplit
from config.wsgi import application
paths = sys.argv[1:]

def call(path):
    u = urlsplit(path)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": u.path, "QUERY_STRING": u.query,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1"}
    status = []
    b"".join(application(environ, lambda s, h: status.append(s)))
    assert status[0].startswith("200"), (path, status)

for p in paths:
    call(p)
    call(p)
n, t0 = 0, time.process_time()
while n < 400:
    for p in paths:
        call(p)
        n += 1
print((time.process_time() - t0) * 1000 / n)
"""


def cpu_per_request(env: dict, paths: list[str]) -> float:
    """CPU ms of one request through the full Django stack, in one process."""
    out = subprocess.run(
        [PY, "-c", CPU_CHILD, *paths],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def warm(port: int, paths: list[str], rounds: int) -> None:
    """Request every path ``rounds`` times (4 threads), not measured."""
    todo = [p for _ in range(rounds) for p in paths]
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        while True:
            with lock:
                if not todo:
                    break
                path = todo.pop()
            try:
                conn.request("GET", path)
                conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def measure(args, port: int, paths: list[str]) -> dict:
    if args.loadgen == "wrk":
        return wrk_run(port, paths, clients=args.clients, seconds=args.seconds)
    return load_phase(port, paths, args.clients, args.seconds, args.max_requests)


def report(name: str, r: dict, target: float | None) -> None:
    verdict = ""
    if target is not None:
        verdict = f"p95<={target:.0f}ms " + ("OK" if r["p95"] <= target else "MISSED")
    print(
        f"{name:44} {r['requests']:6d} {r['errors']:4d} {r['rps']:7.1f} "
        f"{r['p50']:6.1f} {r['p95']:6.1f} {r['p99']:6.1f} {r['max']:6.1f}  {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--max-requests", type=int, default=50000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=18731)
    parser.add_argument("--server", choices=["wsgi", "asgi"], default="wsgi")
    parser.add_argument(
        "--loadgen",
        choices=["wrk", "python"],
        default="wrk" if wrk_available() else "python",
    )
    parser.add_argument(
        "--db", default=str(Path(tempfile.gettempdir()) / "zt_bench_portal.sqlite3")
    )
    parser.add_argument("--reuse-db", action="store_true")
    args = parser.parse_args()

    db_path = Path(args.db)
    static_root = str(db_path.with_suffix(".static"))
    env = {
        **os.environ,
        **PROD_ENV,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "ERROR",
        "VAR_DIR": tempfile.mkdtemp(prefix="zt-bench-var-"),
    }
    env.pop("REDIS_URL", None)
    prepare_database(env, args.reuse_db, db_path)
    manifest = Path(static_root) / "staticfiles.json"
    if not (args.reuse_db and manifest.exists()):
        t0 = time.perf_counter()
        run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
        print(f"static files collected in {time.perf_counter() - t0:.1f} s")
    uncached = {**env, "PUBLIC_PAGE_CACHE_SECONDS": "0"}

    proc = server_start(env, args.port, args.workers, args.server)
    try:
        ids = item_ids(args.port)
    finally:
        server_stop(proc)
    quote = urllib.parse.quote
    search_paths = [f"/items/?q={quote(q)}" for q in QUERIES]
    api_paths = [f"/api/v1/catalog/items/?q={quote(q)}" for q in QUERIES]
    guide_paths = [f"/items/{i}/" for i in ids]

    print("CPU time per request through the whole Django stack, one process:")
    for name, paths in (
        ("search page", search_paths),
        ("guide page", guide_paths[:100]),
    ):
        on = cpu_per_request(env, paths)
        off = cpu_per_request(uncached, paths)
        print(f"  {name:12} {on:6.2f} ms with the page cache, {off:6.2f} ms rendering")

    print(
        f"{len(ids)} published items; {args.clients} clients, {args.workers} "
        f"{args.server} workers, load generator {args.loadgen}; load average "
        + load_average()
    )
    print(
        f"{'phase':44} {'req':>6} {'err':>4} {'req/s':>7} "
        f"{'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}  target"
    )
    rounds = (
        (
            "page cache on",
            env,
            [
                ("search page /items/?q=", search_paths, 50.0),
                ("search API /api/v1/catalog/items/?q=", api_paths, None),
                ("guide page, 100 items", guide_paths[:100], 30.0),
                ("guide page, all items", guide_paths, 30.0),
                ("home page /", ["/"], None),
            ],
        ),
        (
            "page cache off (every request renders)",
            uncached,
            [
                ("search page /items/?q=", search_paths, 50.0),
                ("guide page, all items", guide_paths, 30.0),
            ],
        ),
    )
    for title, server_env, phases in rounds:
        print(f"-- {title}")
        proc = server_start(server_env, args.port, args.workers, args.server)
        try:
            # warm-up: every worker builds its search index (jieba + BM25) and
            # loads templates; not measured
            load_phase(args.port, search_paths, 2 * args.workers, 6.0, 400, timeout=60)
            # each worker has its own cache: ask for every page 4 times per
            # worker, so that (almost) every worker has rendered every page
            started = time.perf_counter()
            warm(
                args.port,
                [*guide_paths, "/", *search_paths, *api_paths],
                4 * args.workers,
            )
            print(
                f"   (warm-up of {len(guide_paths)} guides in every worker: "
                f"{time.perf_counter() - started:.1f} s)"
            )
            for name, paths, target in phases:
                report(name, measure(args, args.port, paths), target)
        finally:
            server_stop(proc)


if __name__ == "__main__":
    sys.exit(main())
