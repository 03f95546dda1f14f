"""
Fault rehearsal (issue 17 item 8): faults survived, counted.

Run from the repository root (root, Debian with PostgreSQL, Redis, gunicorn):

    .venv/bin/python bench/bench_faults.py [--seconds 75] [--clients 8]

Bounded and loopback only. It brings up its OWN PostgreSQL cluster
(127.0.0.1:55499, in a temporary directory) and its own Redis
(127.0.0.1:56399), because it restarts them; nothing else is touched.

  1. creates the cluster, the database, migrates it; one item, one
     applicant + token per client;
  2. starts gunicorn (3 sync workers, config.settings.prod, RedisHuey) and
     the worker (``run_huey -w 4 -k thread``, which also runs the outbox
     relay every minute);
  3. 8 clients submit cases (POST /api/v1/cases/) for --seconds, each with
     a fresh Idempotency-Key per case; on a dropped connection, a timeout or
     a 5xx they retry the SAME key (back-off 0.2 → 2 s, up to 90 s);
  4. meanwhile: at 10 s ``kill -9`` the worker (restarted at 15 s), at 30 s
     restart PostgreSQL (``pg_ctl restart -m fast``), at 50 s ``kill -9`` one
     gunicorn worker (the master starts another);
  5. waits until the outbox is drained (every job done) or 240 s;
  6. counts: acknowledged cases present exactly once, cases per key, duplicate
     numbers, the "submitted" notification of every case exactly once,
     outbox jobs not done, 5xx answers seen by the clients, dropped
     connections, the largest outbox backlog seen.

Prints one JSON line; docs/performance.md "Faults survived" has the figures.
Target: 0 lost, 0 duplicated, 0 server errors.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

PG_PORT = 55499
REDIS_PORT = 56399
os.environ["BENCH_PG"] = f"postgres://postgres@127.0.0.1:{PG_PORT}"
os.environ["BENCH_REDIS"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
os.environ.setdefault("BENCH_DB", "zt_faults")
os.environ.setdefault("BENCH_PORT", "18199")

import bench_cases_common as common  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PGBIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
# the relay hands a job again 10 s after it was handed; a dead run's lease is 20 s
FAST_OUTBOX = {"OUTBOX_REDISPATCH_SECONDS": "10", "OUTBOX_LEASE_SECONDS": "20"}


class Cluster:
    """A throwaway PostgreSQL cluster and Redis on loopback."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="zt-faults-"))
        shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"

    def _pg(self, *args: str) -> None:
        # the server's output goes to its log file, never to a pipe of ours
        # (a restarted postgres would hold the pipe open and block us)
        cmd = " ".join(
            [
                str(PGBIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.dir / "pg.log"),
                *args,
            ]
        )
        subprocess.run(
            ["su", "postgres", "-c", cmd],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> None:
        subprocess.run(
            [
                "su",
                "postgres",
                "-c",
                f"{PGBIN / 'initdb'} -D {self.data} -U postgres --auth=trust "
                "-E UTF8 --locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
        )
        self._pg(
            "-o",
            f"'-p {PG_PORT} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200 -c jit=off'",
            "-w",
            "start",
        )
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.dir / "redis.pid"),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            check=True,
        )

    def restart_postgres(self) -> None:
        self._pg("-m", "fast", "-w", "restart")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._pg("-m", "fast", "-w", "stop")
        with contextlib.suppress(Exception):
            os.kill(int((self.dir / "redis.pid").read_text()), signal.SIGTERM)
        shutil.rmtree(self.dir, ignore_errors=True)


def setup(clients: int) -> tuple[str, list[str]]:
    common.database_recreate()
    common.django_setup({"REDIS_URL": common.REDIS_URL, **FAST_OUTBOX})
    common.migrate()
    from rest_framework.authtoken.models import Token

    from zhengtong.accounts.constants import Role
    from zhengtong.accounts.services import user_create
    from zhengtong.catalog.models import Department, Region

    region = Region.objects.create(code="511602000000", name="广安区", level="county")
    dept = Department.objects.create(region=region, name="区行政审批局")
    item = common.published_item(
        code="11511602MB0000001-511602000000-000-FAULT-1-00",
        name="故障演练事项",
        department=dept,
        region=region,
    )
    tokens = []
    for i in range(clients):
        user = user_create(
            username=f"fault{i}",
            password="fault-" + uuid.uuid4().hex,
            roles=[Role.APPLICANT],
            display_name=f"申请人{i}",
        )
        tokens.append(Token.objects.create(user=user).key)
    from django.db import connections

    connections.close_all()
    return item.item_code, tokens


def worker_start() -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/python"),
            "manage.py",
            "run_huey",
            "-w",
            "4",
            "-k",
            "thread",
        ],
        cwd=ROOT,
        env=common.env(REDIS_URL=common.REDIS_URL, **FAST_OUTBOX),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    with contextlib.suppress(Exception):
        proc.wait(timeout=10)


def gunicorn_worker_pids(master: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True
    )
    return [int(p) for p in out.stdout.split()]


class Load:
    """Clients that retry the same Idempotency-Key until they get an answer."""

    def __init__(self, item_code: str, tokens: list[str]) -> None:
        self.item_code = item_code
        self.tokens = tokens
        self.acked: dict[str, tuple[int, str]] = {}  # key -> (case id, number)
        self.given_up: list[str] = []
        self.server_errors = 0
        self.status_5xx: dict[int, int] = {}
        self.dropped = 0
        self.retries = 0
        self.unexpected: list[str] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def _post(self, conn, token: str, key: str) -> tuple[int, bytes]:
        conn.request(
            "POST",
            "/api/v1/cases/",
            body=json.dumps({"item_code": self.item_code}),
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": key,
            },
        )
        response = conn.getresponse()
        return response.status, response.read()

    def client(self, i: int) -> None:
        token = self.tokens[i]
        conn = http.client.HTTPConnection("127.0.0.1", common.PORT, timeout=30)
        while not self.stop.is_set():
            key = uuid.uuid4().hex
            deadline = time.time() + 90
            pause = 0.2
            while True:
                try:
                    status, body = self._post(conn, token, key)
                except (OSError, http.client.HTTPException):
                    with self.lock:
                        self.dropped += 1
                    conn.close()
                    conn = http.client.HTTPConnection(
                        "127.0.0.1", common.PORT, timeout=30
                    )
                    status, body = 0, b""
                if status in (200, 201):
                    data = json.loads(body)
                    with self.lock:
                        self.acked[key] = (data["id"], data["number"])
                    break
                if status >= 500:
                    with self.lock:
                        self.server_errors += 1
                        self.status_5xx[status] = self.status_5xx.get(status, 0) + 1
                elif status:  # a 4xx would be a defect of the run: count and show it
                    with self.lock:
                        self.unexpected.append(f"{status} {body[:200]!r}")
                    break
                if time.time() > deadline:
                    with self.lock:
                        self.given_up.append(key)
                    break
                with self.lock:
                    self.retries += 1
                time.sleep(pause)
                pause = min(2.0, pause * 2)


def outbox_open(dsn: str) -> int:
    import psycopg

    for _ in range(20):
        try:
            with psycopg.connect(dsn) as conn:
                return conn.execute(
                    "SELECT count(*) FROM core_outboxjob WHERE state IN ('pending','running')"
                ).fetchone()[0]
        except psycopg.OperationalError:
            time.sleep(0.5)
    return -1


def count(dsn: str, load: Load) -> dict:
    import psycopg

    ids = [case_id for case_id, _ in load.acked.values()]
    with psycopg.connect(dsn) as conn:
        one = lambda sql, *a: conn.execute(sql, a).fetchone()[0]  # noqa: E731
        present = one("SELECT count(*) FROM cases_case WHERE id = ANY(%s)", ids)
        keys = list(load.acked) + load.given_up
        per_key = one(
            "SELECT count(*) FROM (SELECT idempotency_key FROM cases_case "
            "WHERE idempotency_key = ANY(%s) GROUP BY applicant_id, idempotency_key "
            "HAVING count(*) > 1) d",
            keys,
        )
        return {
            "acknowledged": len(ids),
            "lost": len(ids) - present,
            "duplicated_by_key": per_key,
            "cases_in_db": one("SELECT count(*) FROM cases_case"),
            "created_but_given_up": one(
                "SELECT count(*) FROM cases_case WHERE idempotency_key = ANY(%s)",
                load.given_up,
            ),
            "duplicate_numbers": one(
                "SELECT count(*) FROM (SELECT number FROM cases_case GROUP BY number "
                "HAVING count(*) > 1) d"
            ),
            "cases_without_notification": one(
                "SELECT count(*) FROM cases_case c WHERE NOT EXISTS (SELECT 1 FROM "
                "cases_notification n WHERE n.case_id = c.id AND n.event = 'submitted')"
            ),
            "notifications_duplicated": one(
                "SELECT count(*) FROM (SELECT case_id FROM cases_notification "
                "WHERE event = 'submitted' GROUP BY case_id, user_id HAVING count(*) > 1) d"
            ),
            "outbox_not_done": one(
                "SELECT count(*) FROM core_outboxjob WHERE state <> 'done'"
            ),
            "outbox_runs_over_one": one(
                "SELECT count(*) FROM core_outboxjob WHERE attempts > 1"
            ),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=75)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root (it starts its own PostgreSQL cluster as postgres)")
    print("machine:", common.machine(), file=sys.stderr)
    cluster = Cluster()
    server = worker = None
    try:
        cluster.start()
        item_code, tokens = setup(args.clients)
        server = common.server_start(
            {"REDIS_URL": common.REDIS_URL, **FAST_OUTBOX}, workers=3, kind="wsgi"
        )
        worker = worker_start()
        load = Load(item_code, tokens)
        threads = [
            threading.Thread(target=load.client, args=(i,), daemon=True)
            for i in range(args.clients)
        ]
        started = time.time()
        for t in threads:
            t.start()
        faults: list[str] = []
        backlog = 0
        plan = [
            (10, "kill -9 the worker"),
            (15, "start the worker"),
            (30, "restart PostgreSQL"),
            (50, "kill -9 a web worker"),
        ]
        while time.time() - started < args.seconds:
            elapsed = time.time() - started
            if plan and elapsed >= plan[0][0]:
                _, what = plan.pop(0)
                if what == "kill -9 the worker":
                    kill_group(worker)
                elif what == "start the worker":
                    worker = worker_start()
                elif what == "restart PostgreSQL":
                    cluster.restart_postgres()
                else:
                    pids = gunicorn_worker_pids(server.pid)
                    if pids:
                        os.kill(pids[0], signal.SIGKILL)
                faults.append(f"{round(elapsed)} s: {what}")
            backlog = max(backlog, outbox_open(common.DATABASE_URL))
            time.sleep(0.5)
        load.stop.set()
        for t in threads:
            t.join(timeout=120)
        load_seconds = time.time() - started
        drain_started = time.time()
        while (
            outbox_open(common.DATABASE_URL) > 0 and time.time() - drain_started < 240
        ):
            time.sleep(1)
        drained = round(time.time() - drain_started, 1)
        result = {
            "seconds": round(load_seconds, 1),
            "clients": args.clients,
            "faults": faults,
            "cases_per_s": round(len(load.acked) / load_seconds, 1),
            "server_errors_5xx": load.server_errors,
            "status_5xx": load.status_5xx,
            "dropped_connections": load.dropped,
            "client_retries": load.retries,
            "given_up": len(load.given_up),
            "unexpected_4xx": load.unexpected[:5],
            "outbox_backlog_max": backlog,
            "outbox_drained_after_s": drained,
            **count(common.DATABASE_URL, load),
            "loadavg_1m": round(os.getloadavg()[0], 1),
        }
        print(json.dumps(result, ensure_ascii=False))
    finally:
        if worker is not None:
            kill_group(worker, signal.SIGTERM)
        if server is not None:
            common.server_stop(server)
        cluster.stop()


if __name__ == "__main__":
    main()
