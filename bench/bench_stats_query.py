"""
Benchmark the statistics queries (issue 15): a year of a county.

Run after bench_stats_rollup.py on the same database (it fills the cases
and builds the rollups):

    .venv/bin/python bench/bench_stats_rollup.py --cases 1000000
    .venv/bin/python bench/bench_stats_query.py

On ``zt_perf_stats`` (kept), ``--rounds`` times each after a warm-up, one
client: ``selectors.case_figures`` over 2025 (a whole year: twelve month
rows per key) grouped by department, item, counter, staff, month, channel
and none; the same for one department (a department head's view); a
custom range with partial months at both ends (2025-01-15 … 2025-12-20:
month rows plus day rows); a quarter by week (day rows); and the public
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


def timed(fn, rounds: int) -> list[float]:
    for _ in range(3):
        fn()
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    common.django_setup({"WORKDAYS_PROVISIONAL_YEARS": "2"})
    from zhengtong.catalog.models import Department
    from zhengtong.stats import selectors
    from zhengtong.stats.models_facts import CaseDaily, CaseFact
    from zhengtong.stats.selectors_disclosure import disclosure_month_figures

    dept = Department.objects.order_by("pk").first()
    result: dict = {
        "machine": common.machine(),
        "cases": CaseFact.objects.count(),
        "rollup_rows_2025": {
            "day": CaseDaily.objects.filter(grain="d", day__year=2025).count(),
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
            "2025-01-15..12-20 by department (partial months)",
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
    rows.append(
        common.summary(
            "quarter by week (day rows)",
            timed(
                lambda: selectors.case_figures(
                    date_from=date(2025, 4, 1), date_to=date(2025, 6, 30), group="week"
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
