"""
Shared plumbing of the queue benchmarks (bench_queue_issue.py,
bench_queue_display.py, bench_queue_profile.py): a throw-away database, a
hall that is open all day, gunicorn servers on 127.0.0.1 stopped by their
PID — sync WSGI workers for plain HTTP (production setup), uvicorn ASGI
workers for WebSockets (or for HTTP with ``--server asgi``, for comparison) —
and a ``wrk`` runner that reports percentiles through a Lua script.

Ports: 18200–18299 (the queue's range on the shared machine).
"""

from __future__ import annotations

import collections
import http.client
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_env import PROD_ENV

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_ADMIN = "postgres://postgres@127.0.0.1:55432/postgres"


def ensure_pg_database(name: str) -> None:
    """Create a PostgreSQL database on the shared server if it is missing."""
    subprocess.run(
        ["psql", PG_ADMIN, "-q", "-c", f"CREATE DATABASE {name}"],
        check=False,
        capture_output=True,
    )


def process_cpu_seconds(pids: list[int]) -> dict[int, float]:
    """Return the CPU time (user + system) used so far by each live PID."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / tick
    return used


def pg_backend_cpu(name: str) -> dict[int, float]:
    """
    Return the CPU seconds used so far by the PostgreSQL backends connected
    to database ``name`` (the shared server also serves other engineers:
    only this benchmark's own database is counted).
    """
    out = subprocess.run(
        [
            "psql",
            PG_ADMIN,
            "-At",
            "-c",
            f"SELECT pid FROM pg_stat_activity WHERE datname = '{name}'",
        ],
        check=False,
        capture_output=True,
        text=True,
    ).stdout
    return process_cpu_seconds([int(x) for x in out.split() if x.isdigit()])


def pg_cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two ``pg_backend_cpu`` samples (new backends in full)."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine() -> str:
    cpus = os.cpu_count()
    return f"{platform.node()} · {platform.system()} {platform.release()} · {cpus} CPU · Python {platform.python_version()}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def server_env(database_url: str, redis_url: str = "") -> dict[str, str]:
    static_root = tempfile.mkdtemp(prefix="zt-queue-static-")
    env = {
        **os.environ,
        **PROD_ENV,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": static_root,
        "VAR_DIR": tempfile.mkdtemp(prefix="zt-queue-var-"),
        "DEBUG": "false",
        "LOG_LEVEL": "ERROR",
        # The load comes from one loopback address and stands for a hall's
        # many kiosks and phones: lift the per-address abuse limits (issue 17)
        # so the bench measures the issue path, not the throttle.
        "THROTTLE_TICKET_ANON": "1000000/min",
        "THROTTLE_TICKET_KIOSK": "1000000/min",
        "THROTTLE_TICKET_USER": "1000000/min",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


DB_CONN_MODES = ("pool", "persistent")


def db_conn_env(env: dict[str, str], mode: str) -> dict[str, str]:
    """
    Return ``env`` for a server whose PostgreSQL connections are ``mode``:
    ``pool`` (the settings' default: a psycopg pool, a connection taken and
    given back on every request) or ``persistent`` (``DB_POOL=false``,
    ``DB_CONN_MAX_AGE=600``: each sync WSGI worker keeps its own connection,
    as Django does without a pool). SQLite is not affected.
    """
    env = dict(env)
    if mode == "persistent":
        env.update(DB_POOL="false", DB_CONN_MAX_AGE="600")
    return env


def redis_flush(url: str) -> None:
    """
    Empty the benchmark's own Redis database (never another one).

    Group members left by servers that were killed would otherwise receive
    every broadcast of the next run for a day (the group expiry).
    """
    import redis

    redis.Redis.from_url(url).flushdb()


def prepare_database(env: dict[str, str], counters: int = 1) -> dict:
    """
    Migrate and create an all-day-open hall with ``counters`` counters (one
    category, one member of staff at every counter); return ids and a token.
    """
    subprocess.run(
        [PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    code = r"""
import datetime as dt, json
from django.utils import timezone
from rest_framework.authtoken.models import Token
from zhengtong.accounts.constants import Role
from zhengtong.accounts.models import User
from zhengtong.accounts.services import user_create
from zhengtong.catalog.models import Counter, Hall
from zhengtong.queueing.models import (Category, CounterCategory, ExtraServiceDay,
    QueuePolicy, StaffCounterAssignment, Ticket, DailySequence, Appointment)
hall, _ = Hall.objects.get_or_create(name="基准测试大厅")
Ticket.objects.filter(hall=hall).delete()
DailySequence.objects.filter(category__hall=hall).delete()
cat, _ = Category.objects.get_or_create(code="bench", defaults=dict(hall=hall, prefix="Z", name="基准类别", minutes_per_service=5))
counters = []
for n in range(1, COUNTERS + 1):
    counter, _ = Counter.objects.get_or_create(hall=hall, number=str(n), defaults=dict(name=f"基准窗口{n}"))
    CounterCategory.objects.get_or_create(counter=counter, category=cat, defaults=dict(rank=1))
    counters.append(counter)
QueuePolicy.objects.get_or_create(hall=hall)
today = timezone.localdate()
ExtraServiceDay.objects.get_or_create(hall=hall, date=today, kind="extended",
    defaults=dict(start=dt.time(0, 0), end=dt.time(23, 59, 59)))
staff = User.objects.filter(username="bench_staff").first() or user_create(
    username="bench_staff", password="bench-pw-123", roles=[Role.COUNTER_STAFF], is_staff=True)
for counter in counters:
    StaffCounterAssignment.objects.get_or_create(user=staff, counter=counter)
token, _ = Token.objects.get_or_create(user=staff)
print("BENCH_JSON" + json.dumps({"hall": hall.pk, "category": cat.pk,
    "counter": counters[0].pk, "counters": [c.pk for c in counters], "token": token.key}))
""".replace("COUNTERS", str(int(counters)))
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON"))
    return json.loads(line[len("BENCH_JSON") :])


def db_query(env: dict[str, str], code: str) -> str:
    return subprocess.run(
        [PY, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


WRK = shutil.which("wrk")

# wrk prints its own summary; this script adds the figures the issue asks for
# (p50/p95/p99, requests, non-2xx answers, socket errors) as one parseable line.
WRK_LUA = r"""
wrk.method = "%(method)s"
wrk.body = '%(body)s'
wrk.headers["Content-Type"] = "application/json"
%(extra_headers)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_JSON{\"requests\":%%d,\"duration_us\":%%d,\"p50\":%%d,\"p95\":%%d,\"p99\":%%d,\"max\":%%d,\"non2xx\":%%d,\"connect\":%%d,\"read\":%%d,\"write\":%%d,\"timeout\":%%d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
"""


def wrk_run(
    url: str,
    *,
    body: str,
    method: str = "POST",
    headers: dict[str, str] | None = None,
    connections: int = 8,
    threads: int = 2,
    seconds: int = 15,
) -> dict:
    """Run wrk against ``url``; return requests, latency (ms) and errors."""
    extra = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in (headers or {}).items())
    fd, script = tempfile.mkstemp(suffix=".lua", prefix="zt-queue-wrk-")
    with os.fdopen(fd, "w") as fh:
        fh.write(WRK_LUA % {"method": method, "body": body, "extra_headers": extra})
    try:
        out = subprocess.run(
            [
                WRK,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script,
                url,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(script)
    line = next(x for x in out.splitlines() if x.startswith("WRK_JSON"))
    raw = json.loads(line[len("WRK_JSON") :])
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "requests": raw["requests"],
        "seconds": raw["duration_us"] / 1e6,
        "rate": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50": raw["p50"] / 1000,
        "p95": raw["p95"] / 1000,
        "p99": raw["p99"] / 1000,
        "max": raw["max"] / 1000,
        "non2xx": raw["non2xx"],
        "socket_errors": errors,
    }


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


class Server:
    """
    gunicorn on 127.0.0.1:``port``, stopped by the master's PID.

    ``kind="wsgi"``: sync workers on ``config.wsgi`` (plain HTTP in
    production); ``kind="asgi"``: uvicorn workers on ``config.asgi``
    (WebSockets; plain HTTP only for comparison).
    """

    def __init__(
        self, env: dict[str, str], workers: int = 2, kind: str = "wsgi", port: int = 0
    ) -> None:
        self.port = port or free_port()
        self.env = env
        self.workers = workers
        self.kind = kind
        self.proc: subprocess.Popen | None = None

    @property
    def label(self) -> str:
        if self.kind == "wsgi":
            return f"gunicorn config.wsgi:application (sync) -w {self.workers}"
        return (
            f"gunicorn config.asgi:application -k uvicorn_worker.UvicornWorker "
            f"-w {self.workers}"
        )

    def worker_pids(self) -> list[int]:
        """Return the PIDs of the gunicorn workers (children of the master)."""
        if self.proc is None:
            return []
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(x) for x in path.read_text().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        """Return the CPU time (user + system) used so far by the workers."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def __enter__(self) -> Server:
        if self.kind == "wsgi":
            app, extra = "config.wsgi:application", ["-k", "sync"]
        else:
            app, extra = (
                "config.asgi:application",
                ["-k", "uvicorn_worker.UvicornWorker"],
            )
        self.proc = subprocess.Popen(
            [
                GUNICORN,
                app,
                *extra,
                "-w",
                str(self.workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"server on port {self.port} exited")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/api/v1/queue/categories/")
                if conn.getresponse().status == 200:
                    # Let every worker boot before measuring.
                    time.sleep(1.5)
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        sys.exit("server did not start")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM to the gunicorn master PID only
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def pyspy_top(
    pid: int, seconds: int, out: str, top: int = 25, idle: bool = False
) -> list[str]:
    """
    Sample ``pid`` with py-spy for ``seconds``; return the hottest frames.

    Counts, for each function, the share of samples in which it is on the
    stack (inclusive), then the leaf frames (self time) — enough to see where
    a served request spends its CPU. ``idle`` also samples waiting threads
    (lock waits, sleeps).
    """
    spy = str(ROOT / ".venv" / "bin" / "py-spy")
    subprocess.run(
        [
            spy,
            "record",
            "-p",
            str(pid),
            "-d",
            str(seconds),
            "-f",
            "raw",
            "-o",
            out,
            "-r",
            "200",
            "--nonblocking",
            *(["--idle"] if idle else []),
        ],
        check=True,
        capture_output=True,
    )
    inclusive: collections.Counter = collections.Counter()
    leaves: collections.Counter = collections.Counter()
    total = 0
    with open(out) as fh:
        for line in fh:
            stack, _, count = line.rstrip().rpartition(" ")
            n = int(count)
            total += n
            frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")]
            for frame in set(frames):
                inclusive[frame] += n
            leaves[frames[-1]] += n
    # The server's own call chain (gunicorn → Django handler) is on nearly
    # every sample; show what lies below it.
    below = [(f, n) for f, n in inclusive.most_common() if n < 0.75 * total]
    lines = [f"{100 * n / total:5.1f}%  {f}" for f, n in below[:top]]
    lines.append("leaf frames (self time):")
    lines += [f"{100 * n / total:5.1f}%  {f}" for f, n in leaves.most_common(12)]
    return lines
