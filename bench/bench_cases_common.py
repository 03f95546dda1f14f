"""
Shared helpers of the cases benchmarks (bench_cases_submit, bench_cases_lists).

Everything talks to 127.0.0.1 only and uses its own PostgreSQL database
(default ``zt_cases_bench``) so no test or demo database is touched.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_BASE = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:55432")
DB_NAME = os.environ.get("BENCH_DB", "zt_cases_bench")
DATABASE_URL = f"{PG_BASE}/{DB_NAME}"
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:56379/6")
PORT = int(os.environ.get("BENCH_PORT", "18761"))


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
    e = dict(os.environ)
    e.update(
        {
            "DATABASE_URL": DATABASE_URL,
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DEBUG": "false",
            "LOG_LEVEL": "ERROR",
            "VAR_DIR": str(Path(tempfile.gettempdir()) / "zt_cases_bench_var"),
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


def server_start(
    extra_env: dict[str, str] | None = None, workers: int = 2
) -> subprocess.Popen:
    """Start gunicorn + uvicorn workers on 127.0.0.1:PORT; wait until it answers."""
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.asgi:application",
            "-k",
            "uvicorn_worker.UvicornWorker",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
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
