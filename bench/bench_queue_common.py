"""
Shared plumbing of the queue benchmarks (bench_queue_issue.py,
bench_queue_display.py): a throw-away database, a hall that is open all day,
a gunicorn + uvicorn-worker server on 127.0.0.1 stopped by its PID.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


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
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": static_root,
        "VAR_DIR": tempfile.mkdtemp(prefix="zt-queue-var-"),
        "DEBUG": "false",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def prepare_database(env: dict[str, str]) -> dict:
    """Migrate and create an all-day-open hall; return ids and a staff token."""
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
counter, _ = Counter.objects.get_or_create(hall=hall, number="1", defaults=dict(name="基准窗口"))
CounterCategory.objects.get_or_create(counter=counter, category=cat, defaults=dict(rank=1))
QueuePolicy.objects.get_or_create(hall=hall)
today = timezone.localdate()
ExtraServiceDay.objects.get_or_create(hall=hall, date=today, kind="extended",
    defaults=dict(start=dt.time(0, 0), end=dt.time(23, 59, 59)))
staff = User.objects.filter(username="bench_staff").first() or user_create(
    username="bench_staff", password="bench-pw-123", roles=[Role.COUNTER_STAFF], is_staff=True)
StaffCounterAssignment.objects.get_or_create(user=staff, counter=counter)
token, _ = Token.objects.get_or_create(user=staff)
print("BENCH_JSON" + json.dumps({"hall": hall.pk, "category": cat.pk, "counter": counter.pk, "token": token.key}))
"""
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


class Server:
    """gunicorn -k uvicorn_worker.UvicornWorker on 127.0.0.1, stopped by PID."""

    def __init__(self, env: dict[str, str], workers: int = 2) -> None:
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.proc = subprocess.Popen(
            [
                GUNICORN,
                "config.asgi:application",
                "-k",
                "uvicorn_worker.UvicornWorker",
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
