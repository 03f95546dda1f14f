"""
Benchmark the public results page of a county with 1,000,000 ratings
(issue 13, figure 2).

Run from the repository root (PostgreSQL on 127.0.0.1:55432 up):

    .venv/bin/python bench/bench_feedback_public.py [--seconds 15] [--ratings 1000000]

What it does:
  1. recreates ``zt_perf_feedback_public`` (BENCH_DB) and migrates it;
  2. a county with 20 departments, 40 counters, 300 items, 60 staff;
  3. inserts the ratings with one INSERT … SELECT generate_series (12 months
     of 2026, levels 1–5, 3 % default ratings) and 5,000 closed
     rectifications of bad ones;
  4. builds the rollup with one INSERT … SELECT … GROUP BY per grain (what
     ``rollup_add`` keeps up one rating at a time) and checks that its
     November totals equal a direct count over the ratings;
  5. starts gunicorn (3 sync workers, config.settings.prod) and loads
     ``/feedback/results/?region=…&month=2026-11&group=…`` (the page, no
     login) and the hall display's JSON with wrk, 8 connections;
  6. baseline in the same run: the same month aggregated straight from the
     ratings table (what the page would cost without the rollup).
Target: p95 <= 50 ms.  Numbers: docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

os.environ.setdefault("BENCH_DB", "zt_perf_feedback_public")
os.environ.setdefault("BENCH_PORT", "18172")

import bench_cases_common as common

REGION = "511602000000"
STATIC_ENV = {
    "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "zt_perf_feedback_static")
}
WRK_LUA = r"""
wrk.headers["Accept"] = os.getenv("WRK_ACCEPT") or "text/html"
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


def setup(n_ratings: int) -> None:
    common.database_recreate()
    common.django_setup()
    common.migrate()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from zhengtong.catalog.models import Counter, Department, Hall, Region, ServiceItem

    region = Region.objects.create(code=REGION, name="广安区", level="county")
    depts = Department.objects.bulk_create(
        [Department(region=region, name=f"部门{i:02d}") for i in range(20)]
    )
    hall = Hall.objects.create(region=region, name="广安区政务服务中心")
    counters = Counter.objects.bulk_create(
        [Counter(hall=hall, number=str(i + 1)) for i in range(40)]
    )
    items = ServiceItem.objects.bulk_create(
        [
            ServiceItem(
                item_code=f"BENCH-{i:04d}",
                department=depts[i % 20],
                region=region,
                name=f"基准事项{i:03d}",
                item_type="01",
            )
            for i in range(300)
        ]
    )
    user_model = get_user_model()
    staff = user_model.objects.bulk_create(
        [
            user_model(
                username=f"staff{i}",
                display_name=f"工作人员{i}",
                department=depts[i % 20],
            )
            for i in range(60)
        ]
    )
    d0, c0, i0, s0 = depts[0].pk, counters[0].pk, items[0].pk, staff[0].pk
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO feedback_rating (event_kind, event_id, level, indicators, comment,
                channel, is_default, real_name, rater_name, rater_phone, department_id,
                counter_id, item_id, staff_id, region_code, served_at, rated_at, month, excluded)
            SELECT 'ticket', g, lvl, '{}', '', CASE WHEN dft THEN 'default' ELSE 'device' END,
                dft, false, '', '', %s + (g %% 20), %s + (g %% 40), %s + (g %% 300),
                %s + (g %% 60), %s, ts, ts, date_trunc('month', ts AT TIME ZONE 'Asia/Shanghai')::date,
                false
            FROM (
                SELECT g,
                    CASE WHEN g %% 33 = 0 THEN 3 WHEN g %% 50 = 0 THEN 1 WHEN g %% 19 = 0 THEN 2
                         ELSE 3 + (g %% 3) END AS lvl,
                    g %% 33 = 0 AS dft,
                    timestamptz '2026-01-01 09:00+08' + (g * (365.0 * 86400 / %s)) * interval '1 second' AS ts
                FROM generate_series(1, %s) g
            ) s
            """,
            [d0, c0, i0, s0, REGION, n_ratings, n_ratings],
        )
        cursor.execute(
            """
            INSERT INTO feedback_rectification (created_at, updated_at, rating_id, department_id,
                region_code, state, step_started_on, due_date, opened_on, contacted, finding,
                classification, rectification_text, reply_text, revisit_response, appeal_reason,
                appeal_evidence, appeal_state_before, appeal_decision, closed_at, rectified_at)
            SELECT now(), now(), id, department_id, region_code, 'closed', month, month, month,
                true, '已核实', 'immediate', '已整改：增开窗口，联系电话13912345678已回访。',
                '已反馈', '满意', '', '', '', '', rated_at + interval '3 days', rated_at + interval '2 days'
            FROM feedback_rating WHERE level <= 2 AND NOT is_default ORDER BY id LIMIT 5000
            """
        )
        for grain, key in (
            ("department", "department_id"),
            ("counter", "counter_id"),
            ("item", "item_id"),
            ("staff", "staff_id"),
        ):
            cursor.execute(
                f"""
                INSERT INTO feedback_ratingrollup (grain, month, department_id, key_id, ratings,
                    satisfied, dissatisfied, defaults, excluded, rectified)
                SELECT %s, r.month, r.department_id, r.{key},
                    count(*) FILTER (WHERE NOT r.is_default AND NOT r.excluded),
                    count(*) FILTER (WHERE NOT r.is_default AND NOT r.excluded AND r.level >= 3),
                    count(*) FILTER (WHERE NOT r.is_default AND NOT r.excluded AND r.level <= 2),
                    count(*) FILTER (WHERE r.is_default AND NOT r.excluded),
                    count(*) FILTER (WHERE r.excluded),
                    count(x.id)
                FROM feedback_rating r LEFT JOIN feedback_rectification x
                    ON x.rating_id = r.id AND x.state = 'closed'
                GROUP BY r.month, r.department_id, r.{key}
                """,
                [grain],
            )
        cursor.execute("ANALYZE")
    print(
        f"inserted {n_ratings} ratings and the rollup in {time.perf_counter() - t0:.1f} s"
    )


def check_exact() -> dict:
    from datetime import date

    from zhengtong.feedback.models_ratings import Rating
    from zhengtong.feedback.selectors import rating_rollup_rows

    month = date(2026, 11, 1)
    rows = rating_rollup_rows(date_from=month, date_to=month, group="department")
    rolled = sum(r["ratings"] for r in rows)
    direct = Rating.objects.filter(
        month=month, is_default=False, excluded=False
    ).count()
    return {
        "november_rollup": rolled,
        "november_direct": direct,
        "equal": rolled == direct,
    }


def baseline_direct(repeats: int = 20) -> dict:
    """The month's department table aggregated straight from the ratings."""
    from django.db import connection

    lat = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT department_id, count(*) FILTER (WHERE NOT is_default),
                   count(*) FILTER (WHERE level >= 3 AND NOT is_default)
                   FROM feedback_rating WHERE month = '2026-11-01' GROUP BY department_id"""
            )
            cursor.fetchall()
        lat.append((time.perf_counter() - t0) * 1000)
    return common.summary(
        "baseline: same month aggregated from the ratings table (SQL only)", lat
    )


def wrk(path: str, seconds: float, accept: str = "text/html") -> dict:
    script = Path(tempfile.gettempdir()) / "zt_perf_feedback_public.lua"
    script.write_text(WRK_LUA)
    env = dict(os.environ, WRK_ACCEPT=accept)
    out = subprocess.run(
        [
            common.WRK,
            "-t2",
            "-c8",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{common.PORT}{path}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(next(x for x in out.stdout.splitlines() if x.startswith("{")))
    result["rate_per_s"] = round(result["requests"] / result["seconds"], 1)
    result["loadavg_1m"] = round(os.getloadavg()[0], 1)
    result["path"] = path
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    print("machine:", common.machine(), "| load:", os.getloadavg())
    setup(args.ratings)
    print(json.dumps(check_exact(), ensure_ascii=False))
    print(json.dumps(baseline_direct(), ensure_ascii=False))
    subprocess.run(  # the prod settings serve hashed static names (manifest)
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
    proc = common.server_start(STATIC_ENV, workers=args.workers, kind="wsgi")
    results = []
    try:
        q = f"region={REGION}&month=2026-11"
        wrk(f"/feedback/results/?{q}", 3)  # warm-up
        for path, accept in (
            (f"/feedback/results/?{q}&group=department", "text/html"),
            (f"/feedback/results/?{q}&group=counter", "text/html"),
            (f"/feedback/results/?{q}&group=item", "text/html"),
            (
                f"/api/v1/feedback/public/results/?{q}&group=department",
                "application/json",
            ),
        ):
            results.append(wrk(path, args.seconds, accept))
            print(json.dumps(results[-1], ensure_ascii=False))
    finally:
        common.server_stop(proc)
    worst = max(r["p95_ms"] for r in results)
    errors = sum(r["non_2xx"] + r["socket_errors"] for r in results)
    print(
        "target p95 <= 50 ms:",
        "PASS" if worst <= 50 else "FAIL",
        f"(worst {worst} ms)",
        "| errors:",
        errors,
    )


if __name__ == "__main__":
    main()
