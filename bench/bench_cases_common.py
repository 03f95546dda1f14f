"""
Shared helpers of the cases benchmarks (bench_cases_submit, bench_cases_lists).

Everything talks to 127.0.0.1 only and uses its own PostgreSQL database
(default ``zt_perf_cases_lists``) so no test or demo database is touched.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_BASE = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:55432")
DB_NAME = os.environ.get("BENCH_DB", "zt_perf_cases_lists")
DATABASE_URL = f"{PG_BASE}/{DB_NAME}"
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:56379/3")
PORT = int(os.environ.get("BENCH_PORT", "18161"))


def machine() -> str:
    cpus = os.cpu_count()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor()
    return f"{model}, {cpus} CPU, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def env(**extra: str) -> dict[str, str]:
    from bench_env import PROD_ENV

    e = dict(os.environ)
    e.update(
        {
            **PROD_ENV,
            "DATABASE_URL": DATABASE_URL,
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DEBUG": "false",
            "LOG_LEVEL": "ERROR",
            "VAR_DIR": str(Path(tempfile.gettempdir()) / "zt_perf_cases_var"),
        }
    )
    e.update(extra)
    return e


def database_recreate() -> None:
    """Drop and create the benchmark database."""
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def django_setup(extra_env: dict[str, str] | None = None) -> None:
    os.environ.update(env(**(extra_env or {})))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


SERVER_KINDS = ("wsgi", "gthread", "granian", "asgi")


def published_item(*, code: str, name: str, department, region):
    """Create an item with a published current version (20/10 working days)."""
    from zhengtong.catalog.models import ServiceItem, ServiceItemVersion

    item = ServiceItem.objects.create(
        item_code=code, department=department, region=region, name=name, item_type="01"
    )
    version = ServiceItemVersion.objects.create(
        item=item,
        version=1,
        status="published",
        name=name,
        department=department,
        item_type="01",
        statutory_days=20,
        promised_days=10,
    )
    item.current_version = version
    item.save(update_fields=["current_version"])
    return item


def server_start(
    extra_env: dict[str, str] | None = None, workers: int = 2, kind: str = "wsgi"
) -> subprocess.Popen:
    """
    Start the server on 127.0.0.1:PORT and wait until it answers.

    ``wsgi`` (default, production-like for plain HTTP): gunicorn sync workers
    on ``config.wsgi``. ``asgi``: gunicorn + uvicorn workers on
    ``config.asgi`` (the earlier setup, kept for comparison).
    """
    if kind == "granian":
        command = [
            str(ROOT / ".venv/bin/granian"),
            "--interface",
            "wsgi",
            "config.wsgi:application",
            "--workers",
            str(workers),
            "--blocking-threads",
            "1",
            "--host",
            "127.0.0.1",
            "--port",
            str(PORT),
            "--no-ws",
            "--log-level",
            "warning",
        ]
    else:
        target = ["config.wsgi:application"]
        if kind == "gthread":  # keeps connections alive (sync workers close them)
            target += ["-k", "gthread", "--threads", "2"]
        if kind == "asgi":
            target = ["config.asgi:application", "-k", "uvicorn_worker.UvicornWorker"]
        command = [
            str(ROOT / ".venv/bin/gunicorn"),
            *target,
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env(**(extra_env or {})),
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/api/v1/cases/lookup/?number=x&code=y")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.3)
    server_stop(proc)
    raise RuntimeError("server did not start")


def server_cpu_seconds(proc: subprocess.Popen) -> float:
    """CPU seconds (user + system) used so far by the server's worker processes."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def postgres_cpu_seconds() -> float:
    """CPU seconds used so far by all local postgres processes (any database)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            text = stat.read_text()
            if "(postgres)" not in text:
                continue
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def machine_busy_seconds() -> float:
    """CPU seconds all CPUs spent busy so far (from /proc/stat)."""
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_per_request(proc: subprocess.Popen, run) -> dict:
    """
    Run ``run()`` (returns a dict with ``requests``) and add CPU ms per request:
    the server's workers, PostgreSQL (all databases) and the whole machine.
    """
    before = server_cpu_seconds(proc), postgres_cpu_seconds(), machine_busy_seconds()
    result = run()
    after = server_cpu_seconds(proc), postgres_cpu_seconds(), machine_busy_seconds()
    n = max(1, result["requests"])
    for key, b, a in zip(("server", "postgres", "machine"), before, after, strict=True):
        result[f"{key}_cpu_ms_per_request"] = round(1000 * (a - b) / n, 2)
    return result


WRK = shutil.which("wrk")

# wrk script: method, headers and body from the environment; a latency
# histogram and the counts printed as one JSON line at the end.
WRK_LUA = r"""
wrk.method = os.getenv("WRK_METHOD") or "GET"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Authorization"] = os.getenv("WRK_AUTH")
wrk.headers["Accept"] = "application/json"
if wrk.body then wrk.headers["Content-Type"] = "application/json" end
local paths = {}
for p in string.gmatch(os.getenv("WRK_PATHS") or "/", "[^ ]+") do
  table.insert(paths, p)
end
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, paths[(i % #paths) + 1])
end
local bad = 0
response = function(status, headers, body)
  if status >= 300 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p90_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "socket_errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def wrk_run(
    paths: list[str],
    token: str,
    connections: int,
    seconds: float,
    method: str = "GET",
    body: str | None = None,
) -> dict:
    """
    Load the server with wrk (C, little CPU); return the JSON summary.

    Note: each wrk thread runs its own copy of the script, so non_2xx is
    counted by wrk itself (``summary.errors.status``).
    """
    script = Path(tempfile.gettempdir()) / f"zt_perf_cases_wrk_{PORT}.lua"
    script.write_text(WRK_LUA)
    wrk_env = dict(os.environ)
    wrk_env.update(
        {
            "WRK_METHOD": method,
            "WRK_AUTH": f"Token {token}",
            "WRK_PATHS": " ".join(paths),
        }
    )
    if body is not None:
        wrk_env["WRK_BODY"] = body
    threads = max(1, min(2, connections))
    out = subprocess.run(
        [
            WRK,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}{paths[0]}",
        ],
        env=wrk_env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("{"))
    result = json.loads(line)
    result["rate_per_s"] = round(result["requests"] / result["seconds"], 1)
    result["loadavg_1m"] = round(os.getloadavg()[0], 1)
    return result


def server_stop(proc: subprocess.Popen) -> None:
    """Stop the server we started (its own process group), by PID."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary(name: str, latencies_ms: list[float]) -> dict:
    return {
        "name": name,
        "n": len(latencies_ms),
        "p50_ms": round(statistics.median(latencies_ms), 2) if latencies_ms else None,
        "p95_ms": round(pct(latencies_ms, 95), 2),
        "p99_ms": round(pct(latencies_ms, 99), 2),
        "max_ms": round(max(latencies_ms), 2) if latencies_ms else None,
        "loadavg_1m": round(os.getloadavg()[0], 1),
    }


def request(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    token: str,
    body: dict | None = None,
):
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=payload, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, data
