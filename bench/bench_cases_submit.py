"""
Benchmark case submission over HTTP (issue 3 figure 1).

Run from the repository root (PostgreSQL on 127.0.0.1:55432 and Redis on
127.0.0.1:56379 must be up):

    .venv/bin/python bench/bench_cases_submit.py [--seconds 20] [--clients 8]
        [--workers 3] [--server wsgi|asgi] [--client wrk|python]

What it does:
  1. recreates the database ``zt_perf_cases_submit`` (BENCH_DB) and migrates it;
  2. creates a department, a published item and one applicant + token per
     client;
  3. starts gunicorn with 3 sync WSGI workers (``--server asgi``: gunicorn +
     uvicorn workers, the earlier setup) with config.settings.prod, DEBUG off,
     REDIS_URL=redis db 3 so notifications go to a RedisHuey queue, on
     127.0.0.1:BENCH_PORT;
  4. wrk (or ``--client python``: threads with http.client) POSTs
     /api/v1/cases/ {"item_code": ...} over 8 keep-alive connections for
     --seconds; reports cases/s, p50/p95/p99, errors and the CPU ms per
     request of the workers, of PostgreSQL and of the whole machine;
  5. in the same run, 8 threads of a minimal raw-SQL script (psycopg) do the
     same inserts per case (sequence UPDATE … RETURNING, case row, audit row,
     one transaction) and the ratio HTTP / raw is printed;
  6. stops the server by PID and clears the Redis queue it filled.
Target: >= 300 cases/s, p95 <= 100 ms. Numbers go to docs/perf/cases.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import threading
import time

os.environ.setdefault("BENCH_DB", "zt_perf_cases_submit")
os.environ.setdefault("BENCH_PORT", "18162")

import bench_cases_common as common

BENCH_PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-" + "pass-1")


def setup(clients: int) -> tuple[str, list[str]]:
    common.database_recreate()
    common.django_setup({"REDIS_URL": common.REDIS_URL})
    common.migrate()
    from rest_framework.authtoken.models import Token

    from zhengtong.accounts.constants import Role
    from zhengtong.accounts.services import user_create
    from zhengtong.catalog.models import (
        Department,
        Region,
    )

    region = Region.objects.create(code="511602000000", name="广安区", level="county")
    dept = Department.objects.create(
        region=region, name="区行政审批局", short_name="广安区审批"
    )
    item = common.published_item(
        code="11511602MB0000001-511602000000-000-BENCH-1-00",
        name="基准测试事项",
        department=dept,
        region=region,
    )
    tokens = []
    for i in range(clients):
        user = user_create(
            username=f"bench{i}",
            password=BENCH_PASSWORD,
            roles=[Role.APPLICANT],
            display_name=f"申请人{i}",
        )
        tokens.append(Token.objects.create(user=user).key)
    return item.item_code, tokens


def http_load(
    item_code: str, tokens: list[str], seconds: float
) -> tuple[int, float, list[float], int]:
    latencies: list[list[float]] = [[] for _ in tokens]
    errors = [0 for _ in tokens]
    stop = time.perf_counter() + seconds
    body = json.dumps({"item_code": item_code})

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", common.PORT, timeout=30)
        headers = {
            "Authorization": f"Token {tokens[i]}",
            "Content-Type": "application/json",
        }
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            conn.request("POST", "/api/v1/cases/", body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            latencies[i].append((time.perf_counter() - t0) * 1000)
            if resp.status != 201:
                errors[i] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(tokens))]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    flat = [x for row in latencies for x in row]
    return len(flat), elapsed, flat, sum(errors)


def raw_sql_load(clients: int, seconds: float) -> tuple[int, float, list[float]]:
    """Same inserts per case with psycopg and no framework."""
    import hashlib
    import secrets
    from datetime import UTC, datetime

    import psycopg

    with psycopg.connect(common.DATABASE_URL, autocommit=True) as conn:
        item_id, version_id, dept_id = conn.execute(
            "SELECT i.id, i.current_version_id, i.department_id FROM catalog_serviceitem i LIMIT 1"
        ).fetchone()
        user_ids = [
            r[0]
            for r in conn.execute("SELECT id FROM accounts_user ORDER BY id").fetchall()
        ]
    latencies: list[list[float]] = [[] for _ in range(clients)]
    stop = time.perf_counter() + seconds

    def client(i: int) -> None:
        with psycopg.connect(common.DATABASE_URL) as conn:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                now = datetime.now(UTC)
                with conn.transaction():
                    seq = conn.execute(
                        "UPDATE cases_casesequence SET last = last + 1 WHERE scope=%s AND year=%s RETURNING last",
                        ("raw511", 2026),
                    ).fetchone()[0]
                    number = f"raw511-2026-{seq:06d}"
                    case_id = conn.execute(
                        """INSERT INTO cases_case (created_at, updated_at, number, query_code, item_id,
                        item_version_id, department_id, region_code, applicant_id, applicant_name,
                        applicant_id_type, applicant_id_number, applicant_phone, channel, form_data, status,
                        previous_status, handling_mode, submitted_at, received_date, intake_due_date,
                        deemed_accepted, tolerated_materials, suspended_days, extension_days, lamp,
                        outcome, decision_reason, result_number, delivery_method, delivery_tracking,
                        closing_reason, referral_authority, idempotency_key, promised_days, statutory_days,
                        promised_unit, statutory_unit, due_date_provisional, tolerance_status)
                        VALUES (%s,%s,%s,%s,%s,%s,%s,'511602000000',%s,'申请人','','','', 'online','{}',
                        'submitted','','committed',%s,%s,%s,false,'[]',0,0,'','','','','','','','','',10,20,
                        'working','working',false,'')
                        RETURNING id""",
                        (
                            now,
                            now,
                            number,
                            secrets.token_hex(3).upper(),
                            item_id,
                            version_id,
                            dept_id,
                            user_ids[i % len(user_ids)],
                            now,
                            now.date(),
                            now.date(),
                        ),
                    ).fetchone()[0]
                    stream = f"cases.case:{case_id}"
                    digest = hashlib.sha256(f"{stream}|1|{number}".encode()).hexdigest()
                    conn.execute(
                        """INSERT INTO core_auditevent (stream, seq, prev_hash, hash, created_at, actor_id,
                        actor_label, action, object_type, object_id, from_state, to_state, reason, details)
                        VALUES (%s,1,'',%s,%s,%s,'申请人','submit','cases.case',%s,'','submitted','','{}')""",
                        (
                            stream,
                            digest,
                            now,
                            user_ids[i % len(user_ids)],
                            str(case_id),
                        ),
                    )
                latencies[i].append((time.perf_counter() - t0) * 1000)

    with psycopg.connect(common.DATABASE_URL, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO cases_casesequence (scope, year, last) VALUES ('raw511', 2026, 0) ON CONFLICT DO NOTHING"
        )
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    flat = [x for row in latencies for x in row]
    return len(flat), elapsed, flat


def redis_clear() -> None:
    try:
        import redis

        redis.Redis.from_url(common.REDIS_URL).flushdb()
    except Exception as exc:
        print("redis clear failed:", exc)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--server",
        choices=common.SERVER_KINDS,
        default="wsgi",
        help="wsgi: gunicorn sync workers (default); asgi: gunicorn + uvicorn",
    )
    parser.add_argument(
        "--client",
        choices=("wrk", "python"),
        default="wrk" if common.WRK else "python",
        help="load generator (wrk when installed)",
    )
    args = parser.parse_args()
    print("machine:", common.machine())
    item_code, tokens = setup(args.clients)
    redis_clear()
    proc = common.server_start(
        {"REDIS_URL": common.REDIS_URL}, workers=args.workers, kind=args.server
    )
    name = f"HTTP POST /api/v1/cases/ ({args.server} x{args.workers}, {args.client}, {args.clients} clients)"
    try:
        if args.client == "wrk":
            body = json.dumps({"item_code": item_code})
            common.wrk_run(["/api/v1/cases/"], tokens[0], args.clients, 3, "POST", body)
            s = common.cpu_per_request(
                proc,
                lambda: common.wrk_run(
                    ["/api/v1/cases/"],
                    tokens[0],
                    args.clients,
                    args.seconds,
                    "POST",
                    body,
                ),
            )
            s = {"name": name, **s}
            http_rate, errors = s["rate_per_s"], s["non_2xx"] + s["socket_errors"]
        else:
            http_load(item_code, tokens, 3)  # warm-up
            n, elapsed, lat, errors = http_load(item_code, tokens, args.seconds)
            http_rate = n / elapsed
            s = {**common.summary(name, lat), "rate_per_s": round(http_rate, 1)}
    finally:
        common.server_stop(proc)
    print(json.dumps({**s, "errors": errors}, ensure_ascii=False))
    # (PostgreSQL alone is not measured here: the raw script's backends exit
    # with their connections before they could be read.)
    busy0, own0 = common.machine_busy_seconds(), time.process_time()
    rn, relapsed, rlat = raw_sql_load(args.clients, args.seconds)
    raw_rate = rn / relapsed
    rs = common.summary("raw SQL inserts", rlat)
    rs["client_cpu_ms_per_case"] = round(1000 * (time.process_time() - own0) / rn, 2)
    rs["machine_cpu_ms_per_case"] = round(
        1000 * (common.machine_busy_seconds() - busy0) / rn, 2
    )
    print(json.dumps({**rs, "rate_per_s": round(raw_rate, 1)}, ensure_ascii=False))
    print(
        f"ratio HTTP/raw throughput: {http_rate / raw_rate:.3f} (raw is {raw_rate / http_rate:.1f}x)"
    )
    print(
        "target >= 300/s:",
        "PASS" if http_rate >= 300 else "FAIL",
        "| p95 <= 100 ms:",
        "PASS" if s["p95_ms"] <= 100 else "FAIL",
    )
    redis_clear()


if __name__ == "__main__":
    main()
