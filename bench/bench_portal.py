"""
Benchmark the public portal: search and guide pages under concurrent load.

Target (issue 2): at 8 concurrent clients on the embedded default (SQLite,
production-like server), p95 <= 50 ms for search and <= 30 ms for a guide page.

Run (uses its own SQLite database and port, never the project ones):

    .venv/bin/python bench/bench_portal.py                 # 8 clients, 20 s a phase
    .venv/bin/python bench/bench_portal.py --clients 16 --seconds 30
    .venv/bin/python bench/bench_portal.py --reuse-db      # skip loading the catalogue

What it does:
1. creates /tmp/zt_bench_portal.sqlite3, migrates, loads the demo catalogue
   (``zhengtong.catalog.demo.seed``: 759 广安区 items + 3 灵山县 guides);
2. collects static files (manifest + compressed, as in production) into
   <db>.static next to the database (reused with --reuse-db);
3. starts gunicorn with 2 uvicorn workers, prod settings (DEBUG off), on
   127.0.0.1 only;
4. warms each worker up (search index built once per process), then runs
   one phase per endpoint: N threads, each with its own keep-alive
   http.client connection, for a bounded time and request count;
5. prints p50/p95/p99/max latency, throughput and errors per phase, then stops
   the server it started (by its process id).

Results go into docs/perf/portal.md.
"""

import argparse
import functools
import http.client
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
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


def start_server(env: dict, port: int, workers: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            GUNICORN,
            "config.asgi:application",
            "-k",
            "uvicorn_worker.UvicornWorker",
            "-w",
            str(workers),
            "-b",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/v1/catalog/item-types/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise SystemExit("server did not start")


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--max-requests", type=int, default=50000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=18731)
    parser.add_argument(
        "--db", default=str(Path(tempfile.gettempdir()) / "zt_bench_portal.sqlite3")
    )
    parser.add_argument("--reuse-db", action="store_true")
    args = parser.parse_args()

    db_path = Path(args.db)
    static_root = str(db_path.with_suffix(".static"))
    env = {
        **os.environ,
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

    proc = start_server(env, args.port, args.workers)
    try:
        ids = item_ids(args.port)
        print(
            f"{len(ids)} published items; {args.clients} clients, {args.workers} workers"
        )
        quote = urllib.parse.quote
        search_paths = [f"/items/?q={quote(q)}" for q in QUERIES]
        api_paths = [f"/api/v1/catalog/items/?q={quote(q)}" for q in QUERIES]
        guide_paths = [f"/items/{i}/" for i in ids]
        # warm-up: every worker builds its search index (jieba + BM25, about
        # 1.5 s unloaded) and loads templates; not measured
        load_phase(args.port, search_paths, 2 * args.workers, 8.0, 400, timeout=60)
        load_phase(args.port, [*guide_paths[:100], "/"], 4, 4.0, 400, timeout=60)
        phases = [
            ("search page /items/?q=", search_paths, 50.0),
            ("search API /api/v1/catalog/items/?q=", api_paths, 50.0),
            ("guide page, 100 warmed items", guide_paths[:100], 30.0),
            ("guide page, all items (cold cache)", guide_paths[100:], None),
            ("home page /", ["/"], None),
        ]
        print(
            f"{'phase':40} {'req':>6} {'err':>4} {'req/s':>7} "
            f"{'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}  target"
        )
        for name, paths, target in phases:
            r = load_phase(
                args.port, paths, args.clients, args.seconds, args.max_requests
            )
            verdict = ""
            if target is not None:
                verdict = f"p95<={target:.0f}ms " + (
                    "OK" if r["p95"] <= target else "MISSED"
                )
            print(
                f"{name:40} {r['requests']:6d} {r['errors']:4d} {r['rps']:7.1f} "
                f"{r['p50']:6.1f} {r['p95']:6.1f} {r['p99']:6.1f} {r['max']:6.1f}  {verdict}"
            )
    finally:
        stop_server(proc)


if __name__ == "__main__":
    sys.exit(main())
