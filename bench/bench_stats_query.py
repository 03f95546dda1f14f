"""
Benchmark the statistics queries (issue 15): a year of a county.

Run after bench_stats_rollup.py on the same database (it fills the cases
and builds the rollups), or on a copy of the report bench's database:

    .venv/bin/python bench/bench_stats_rollup.py --cases 1000000
    .venv/bin/python bench/bench_stats_query.py
    BENCH_DB=zt_b6_1m .venv/bin/python bench/bench_stats_query.py

A database built before the week grain (rollup rows "w") has none: the
bench then builds them once from the day rows with one SQL statement per
rollup (``weeks_build``: the same sums ``rollup_upsert`` writes), so the
figures read what a rebuild would give.

On ``zt_perf_stats`` (kept), ``--rounds`` times each after a warm-up, one
client: ``selectors.case_figures`` over 2025 (a whole year: twelve month
rows per key) grouped by department, item, counter, staff, month, channel
and none; the same for one department (a department head's view); a
custom range with partial months at both ends (2025-01-15 … 2025-12-20:
month rows, week rows and day rows); a quarter and a year by week (week
rows); a department head's year (the user's scope); and the public
disclosure page's month figures.  Baseline in the same run: one row by
primary key (``Department``), the floor of a query on this loaded machine.

Target (issue 15): any dashboard query over a year p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("BENCH_DB", "zt_perf_stats")

import bench_cases_common as common  # noqa: E402

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
TARGET_P95_MS = 100


def timed(fn, rounds: int) -> list[float]:
    for _ in range(3):
        fn()
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def weeks_build() -> dict[str, int]:
    """Week rows from the day rows, for a database rolled up before they existed."""
    from django.db import connection, transaction

    from zhengtong.stats.services.facts import sources

    built = {}
    with transaction.atomic(), connection.cursor() as cur:
        for source in sources():
            table = source.rollup_model._meta.db_table
            dims = [f for f in source.key_fields if f not in ("grain", "day")]
            cols = ", ".join(dims)
            sums = ", ".join(f"sum({m})" for m in source.measures)
            cur.execute(f"DELETE FROM {table} WHERE grain = 'w'")
            cur.execute(
                f"INSERT INTO {table} (grain, day, {cols}, {', '.join(source.measures)}) "
                f"SELECT 'w', date_trunc('week', day)::date, {cols}, {sums} "
                f"FROM {table} WHERE grain = 'd' "
                f"GROUP BY date_trunc('week', day)::date, {cols}"
            )
            built[source.name] = cur.rowcount
    with connection.cursor() as cur:
        for source in sources():
            cur.execute(f"VACUUM ANALYZE {source.rollup_model._meta.db_table}")
    return built


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    common.django_setup({"WORKDAYS_PROVISIONAL_YEARS": "2"})
    from django.contrib.auth import get_user_model

    from zhengtong.catalog.models import Department
    from zhengtong.stats import selectors
    from zhengtong.stats.models_facts import CaseDaily, CaseFact
    from zhengtong.stats.selectors_disclosure import disclosure_month_figures

    if not CaseDaily.objects.filter(grain="w").exists():
        t = time.perf_counter()
        built = weeks_build()
        print(
            f"week rows built from the day rows: {built} "
            f"in {time.perf_counter() - t:.1f} s",
            file=sys.stderr,
        )
    dept = Department.objects.order_by("pk").first()
    head = (
        get_user_model()
        .objects.filter(is_active=True, is_superuser=False, department=dept)
        .first()
    )
    result: dict = {
        "machine": common.machine(),
        "cases": CaseFact.objects.count(),
        "rollup_rows_2025": {
            "day": CaseDaily.objects.filter(grain="d", day__year=2025).count(),
            "week": CaseDaily.objects.filter(grain="w", day__year=2025).count(),
            "month": CaseDaily.objects.filter(grain="m", day__year=2025).count(),
        },
        "loadavg_before": round(os.getloadavg()[0], 1),
    }
    rows = [
        common.summary(
            "baseline: one department by pk",
            timed(
                lambda: (
                    Department.objects.filter(pk=dept.pk).values_list("name").first()
                ),
                args.rounds,
            ),
        )
    ]
    groups = ("department", "item", "counter", "staff", "month", "channel", "none")
    rows.extend(
        common.summary(
            f"year by {group}",
            timed(
                lambda g=group: selectors.case_figures(
                    date_from=YEAR[0], date_to=YEAR[1], group=g
                ),
                args.rounds,
            ),
        )
        for group in groups
    )
    rows.append(
        common.summary(
            "year by item, one department",
            timed(
                lambda: selectors.case_figures(
                    date_from=YEAR[0],
                    date_to=YEAR[1],
                    group="item",
                    department_id=dept.pk,
                ),
                args.rounds,
            ),
        )
    )
    rows.append(
        common.summary(
            "2025-01-15..12-20 by department (months + weeks + days)",
            timed(
                lambda: selectors.case_figures(
                    date_from=date(2025, 1, 15),
                    date_to=date(2025, 12, 20),
                    group="department",
                ),
                args.rounds,
            ),
        )
    )
    for name, start, end in (
        ("quarter by week (week rows)", date(2025, 4, 1), date(2025, 6, 30)),
        ("year by week (week rows)", *YEAR),
    ):
        rows.append(
            common.summary(
                name,
                timed(
                    lambda a=start, b=end: selectors.case_figures(
                        date_from=a, date_to=b, group="week"
                    ),
                    args.rounds,
                ),
            )
        )
    rows.append(
        common.summary(
            "year by month, queue figures",
            timed(
                lambda: selectors.ticket_figures(
                    date_from=YEAR[0], date_to=YEAR[1], group="month"
                ),
                args.rounds,
            ),
        )
    )
    if head is not None:
        rows.append(
            common.summary(
                "year by staff, a department's own user (scope)",
                timed(
                    lambda: selectors.case_figures(
                        date_from=YEAR[0], date_to=YEAR[1], group="staff", user=head
                    ),
                    args.rounds,
                ),
            )
        )
    rows.append(
        common.summary(
            "disclosure month figures",
            timed(lambda: disclosure_month_figures(date(2025, 6, 1)), args.rounds),
        )
    )
    result["queries"] = rows
    result["loadavg_after"] = round(os.getloadavg()[0], 1)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    load = result["loadavg_after"]
    for row in rows[1:]:
        verdict = "ok" if row["p95_ms"] <= TARGET_P95_MS else "OVER"
        print(
            f"SUMMARY {row['name']}: p95 {row['p95_ms']} ms "
            f"(target <= {TARGET_P95_MS} ms, baseline p95 {rows[0]['p95_ms']} ms, "
            f"load {load}) {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
