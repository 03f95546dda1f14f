"""
Benchmark rating submission over HTTP (issue 13, figure 1).

Run from the repository root (PostgreSQL on 127.0.0.1:55432 up):

    .venv/bin/python bench/bench_feedback_ratings.py [--seconds 20] [--clients 8]
        [--workers 3]

What it does:
  1. recreates the database ``zt_perf_feedback_ratings`` (BENCH_DB), migrates;
  2. creates a county, a department with a published item, one applicant with
     a token and 40,000 concluded cases of theirs (bulk insert);
  3. starts gunicorn (3 sync WSGI workers, config.settings.prod) on
     127.0.0.1:BENCH_PORT;
  4. wrk POSTs /api/v1/feedback/ratings/ ``{"case": ID, "level": L}`` over 8
     keep-alive connections, each request a new case, one in ten a bad
     rating (so it opens its rectification in the same transaction);
     reports ratings/s, p50/p95/p99, non-2xx;
  5. a duplicate storm: 8 connections POST the same case for 3 s; exactly
     one rating must exist for it, every other answer is 409;
  6. checks: no event key twice, the rollup's totals equal the rating rows;
  7. baseline in the same run: 8 psycopg threads do the same inserts with
     raw SQL (rating row, rollup upsert, audit row) and the ratio is printed.
Target: >= 300/s, p95 <= 100 ms, 0 duplicates.  Numbers: docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("BENCH_DB", "zt_perf_feedback_ratings")
os.environ.setdefault("BENCH_PORT", "18171")

import bench_cases_common as common

CASES = 40_000
WARM_BASE_OFFSET = 36_000

WRK_LUA = r"""
local base = tonumber(os.getenv("WRK_BASE"))
local step = tonumber(os.getenv("WRK_STEP") or "1")
local same = os.getenv("WRK_SAME")

local counter = 1
setup = function(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
wrk.method = "POST"
wrk.headers["Authorization"] = os.getenv("WRK_AUTH")
wrk.headers["Accept"] = "application/json"
wrk.headers["Content-Type"] = "application/json"
local i = 0
request = function()
  i = i + 1
  local id = base
  if not same then id = base + (tid - 1) + i * step end
  local level = 5 - (i % 3)
  if i % 10 == 0 then level = 1 end
  return wrk.format(nil, nil, nil, '{"case": ' .. id .. ', "level": ' .. level .. '}')
end
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "socket_errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def setup() -> tuple[str, int]:
    common.database_recreate()
    common.django_setup()
    common.migrate()
    from django.utils import timezone

    from rest_framework.authtoken.models import Token

    from zhengtong.accounts.constants import Role
    from zhengtong.accounts.services import user_create
    from zhengtong.cases.models import Case
    from zhengtong.catalog.models import Department, Region

    region = Region.objects.create(code="511602000000", name="广安区", level="county")
    dept = Department.objects.create(region=region, name="区行政审批局")
    item = common.published_item(
        code="11511602MB0000001-511602000000-000-BENCH-1-00",
        name="基准测试事项",
        department=dept,
        region=region,
    )
    user = user_create(
        username="rater", password="bench-" + "pass-1", roles=[Role.APPLICANT]
    )
    now = timezone.now()
    Case.objects.bulk_create(
        [
            Case(
                number=f"B{i:07d}",
                query_code="ABCD1234",
                item=item,
                item_version=item.current_version,
                department=dept,
                region_code=region.code,
                applicant=user,
                applicant_name="申请人",
                channel="counter",
                status="concluded",
                submitted_at=now,
                accepted_at=now,
                concluded_at=now,
            )
            for i in range(CASES)
        ],
        batch_size=2000,
    )
    first = Case.objects.order_by("pk").values_list("pk", flat=True).first()
    return Token.objects.create(user=user).key, int(first)


def wrk(token: str, seconds: float, base: int, same: bool = False) -> dict:
    script = Path(tempfile.gettempdir()) / "zt_perf_feedback_wrk.lua"
    script.write_text(WRK_LUA)
    env = dict(os.environ)
    env.update({"WRK_AUTH": f"Token {token}", "WRK_BASE": str(base), "WRK_STEP": "2"})
    if same:
        env["WRK_SAME"] = "1"
    out = subprocess.run(
        [
            common.WRK,
            "-t2",
            "-c8",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{common.PORT}/api/v1/feedback/ratings/",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("{"))
    result = json.loads(line)
    result["rate_per_s"] = round(result["requests"] / result["seconds"], 1)
    result["loadavg_1m"] = round(os.getloadavg()[0], 1)
    return result


def checks(storm_case: int) -> dict:
    from django.db import connection
    from django.db.models import Sum

    from zhengtong.feedback.models_ratings import Rating, RatingRollup, Rectification

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM feedback_rating"
            " GROUP BY event_kind, event_id HAVING count(*) > 1) d"
        )
        duplicates = cursor.fetchone()[0]
    total = Rating.objects.count()
    rolled = RatingRollup.objects.filter(grain="department").aggregate(
        n=Sum("ratings"), d=Sum("dissatisfied")
    )
    return {
        "ratings": total,
        "duplicate_event_keys": duplicates,
        "storm_case_ratings": Rating.objects.filter(case_id=storm_case).count(),
        "rollup_ratings": rolled["n"],
        "rollup_equals_rows": rolled["n"] == total,
        "bad_ratings": Rating.objects.filter(level__lte=2).count(),
        "rectifications": Rectification.objects.count(),
    }


def raw_sql_load(
    clients: int, seconds: float, first_case: int
) -> tuple[int, float, list[float]]:
    """The same writes per rating with psycopg and no framework."""
    import hashlib
    from datetime import UTC, datetime

    import psycopg

    with psycopg.connect(common.DATABASE_URL, autocommit=True) as conn:
        dept_id, item_id = conn.execute(
            "SELECT department_id, id FROM catalog_serviceitem LIMIT 1"
        ).fetchone()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    stop = time.perf_counter() + seconds

    def client(i: int) -> None:
        n = 0
        with psycopg.connect(common.DATABASE_URL) as conn:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                now = datetime.now(UTC)
                event = 10_000_000 + i * 1_000_000 + n
                n += 1
                with conn.transaction():
                    rid = conn.execute(
                        """INSERT INTO feedback_rating (event_kind, event_id, level, indicators,
                        comment, channel, is_default, real_name, rater_name, rater_phone,
                        department_id, item_id, region_code, served_at, rated_at, month, excluded)
                        VALUES ('case', %s, 5, '{}', '', 'online', false, true, '', '', %s, %s,
                        '511602000000', %s, %s, %s, false) RETURNING id""",
                        (event, dept_id, item_id, now, now, now.date().replace(day=1)),
                    ).fetchone()[0]
                    conn.execute(
                        """INSERT INTO feedback_ratingrollup (grain, month, department_id, key_id,
                        ratings, satisfied, dissatisfied, defaults, excluded, rectified)
                        VALUES ('department', %s, %s, %s, 1, 1, 0, 0, 0, 0), ('item', %s, %s, %s, 1, 1, 0, 0, 0, 0)
                        ON CONFLICT (grain, month, department_id, key_id) DO UPDATE SET
                        ratings = feedback_ratingrollup.ratings + excluded.ratings,
                        satisfied = feedback_ratingrollup.satisfied + excluded.satisfied""",
                        (
                            now.date().replace(day=1),
                            dept_id,
                            dept_id,
                            now.date().replace(day=1),
                            dept_id,
                            item_id,
                        ),
                    )
                    stream = f"feedback.rating:{rid}"
                    digest = hashlib.sha256(f"{stream}|1".encode()).hexdigest()
                    conn.execute(
                        """INSERT INTO core_auditevent (stream, seq, prev_hash, hash, created_at,
                        actor_label, action, object_type, object_id, from_state, to_state, reason, details)
                        VALUES (%s,1,'',%s,%s,'','rating.create','feedback.rating',%s,'','5','','{}')""",
                        (stream, digest, now, str(rid)),
                    )
                latencies[i].append((time.perf_counter() - t0) * 1000)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    return (
        sum(len(x) for x in latencies),
        elapsed,
        [x for row in latencies for x in row],
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    print("machine:", common.machine(), "| load:", os.getloadavg())
    token, first = setup()
    proc = common.server_start({}, workers=args.workers, kind="wsgi")
    try:
        wrk(token, 3, first + WARM_BASE_OFFSET)  # warm-up on other cases
        s = wrk(token, args.seconds, first)
        storm_case = first + CASES - 1
        storm = wrk(token, 3, storm_case, same=True)
    finally:
        common.server_stop(proc)
    s["name"] = (
        f"HTTP POST /api/v1/feedback/ratings/ (wsgi x{args.workers}, wrk, 8 connections)"
    )
    print(json.dumps(s, ensure_ascii=False))
    print(
        json.dumps(
            {"duplicate storm (one case, 8 connections)": storm}, ensure_ascii=False
        )
    )
    c = checks(storm_case)
    print(json.dumps(c, ensure_ascii=False))
    rn, relapsed, rlat = raw_sql_load(args.clients, args.seconds, first)
    raw_rate = rn / relapsed
    print(
        json.dumps(
            {
                **common.summary("raw SQL (rating, rollup, audit)", rlat),
                "rate_per_s": round(raw_rate, 1),
            },
            ensure_ascii=False,
        )
    )
    print(f"ratio HTTP/raw throughput: {s['rate_per_s'] / raw_rate:.3f}")
    ok_dup = c["duplicate_event_keys"] == 0 and c["storm_case_ratings"] == 1
    print(
        "target >= 300/s:",
        "PASS" if s["rate_per_s"] >= 300 else "FAIL",
        "| p95 <= 100 ms:",
        "PASS" if s["p95_ms"] <= 100 else "FAIL",
        "| 0 duplicates:",
        "PASS" if ok_dup else "FAIL",
        "| errors:",
        s["non_2xx"] + s["socket_errors"],
    )


if __name__ == "__main__":
    main()
