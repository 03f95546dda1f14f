"""
Benchmark the monthly efficiency report (效能通报, issue 15): a month of a
county at 1,000,000 cases a year.

Run from the repository root, with bench/servers.sh started:

    .venv/bin/python bench/bench_stats_report.py                   # 1,000,000 cases
    .venv/bin/python bench/bench_stats_report.py --cases 200000
    .venv/bin/python bench/bench_stats_report.py --keep            # reuse the filled database

On its own database (``zt_perf_stats_report``, dropped and created unless
``--keep``):

  1. migrate; the county of bench_stats_rollup.py (30 departments, 210
     staff, 100 items, 12 counters) and its ``--cases`` cases over 2025 with
     their audit events (the same generator: ``world``, ``cases_write``);
     ``stats_rebuild()``; VACUUM ANALYZE;
  2. **baseline**, in the same run: the report of a month with no cases
     (2024-06: the fixed cost — WeasyPrint with the Chinese fonts, the
     workbook, the assessment of every counter and staff member);
  3. the **monthly report** of 2025-06 (``report_generate``: figures from
     the rollups, the month's assessment, SVG charts, PDF, Excel, archive
     row, audit event), ``--rounds`` times; and once the **quarterly**
     report of 2025-Q2; each split into figures / PDF / Excel.

Target (issue 15): monthly report PDF <= 15 s.  Prints one JSON document
(the figures for docs/performance.md) and one SUMMARY line per figure.  On a
copy of the filled database: ``BENCH_DB=zt_b6_1m … --keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("BENCH_DB", "zt_perf_stats_report")

import bench_cases_common as common  # noqa: E402


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    t = time.perf_counter()
    value = fn(*args, **kwargs)
    return round(time.perf_counter() - t, 2), value


def report_once(period: str, *, month: bool = True) -> dict:
    """Generate and archive one report; return its timings split by part."""
    from zhengtong.stats import documents
    from zhengtong.stats.services.reports import (
        period_parse,
        report_figures,
        report_generate,
    )

    kind, period, start, end = (
        period_parse(month=period) if month else period_parse(quarter=period)
    )
    figures_s, figures = timed(report_figures, kind=kind, start=start, end=end)
    pdf_s, pdf = timed(
        documents.report_pdf,
        title=period,
        scope_name="广安区",
        figures=figures,
        issued_on=end,
    )
    xlsx_s, _ = timed(
        documents.report_xlsx, title=period, scope_name="广安区", figures=figures
    )
    total_s, report = timed(
        report_generate, kind=kind, period=period, start=start, end=end
    )
    return {
        "period": period,
        "figures_s": figures_s,
        "pdf_s": pdf_s,
        "xlsx_s": xlsx_s,
        "generate_total_s": total_s,
        "pdf_kb": round(len(pdf) / 1024),
        "concluded": (figures["totals"] or {}).get("concluded", 0),
        "report_id": report.pk,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="reuse the filled database")
    args = parser.parse_args()
    if not args.keep:
        common.database_recreate()
    common.django_setup(
        {
            "WORKDAYS_PROVISIONAL_YEARS": "2",
            "VAR_DIR": str(Path(tempfile.gettempdir()) / "zt_perf_stats_report_var"),
        }
    )
    from django.db import connection

    import bench_stats_rollup as rollup

    from zhengtong.stats.models_facts import CaseFact
    from zhengtong.stats.services.rollup import stats_rebuild

    result: dict = {"machine": common.machine(), "cases": args.cases}
    t = time.perf_counter()
    common.migrate()
    if not args.keep:
        rollup.cases_write(args.cases, rollup.world())
    if args.keep and CaseFact.objects.exists():
        pass  # the rollups of the kept database are already built
    else:
        stats_rebuild()
        with connection.cursor() as cur:
            for table in ("stats_casedaily", "stats_ticketdaily", "stats_casefact"):
                cur.execute(f"VACUUM ANALYZE {table}")
    result["fill_s"] = round(time.perf_counter() - t, 1)
    result["load_before"] = round(os.getloadavg()[0], 1)
    result["baseline_empty_month"] = report_once("2024-06")
    rounds = [report_once("2025-06") for _ in range(args.rounds)]
    result["monthly_rounds"] = rounds
    result["monthly_worst_s"] = max(r["generate_total_s"] for r in rounds)
    result["quarterly"] = report_once("2025-Q2", month=False)
    result["target_monthly_s"] = 15
    result["loadavg_1m"] = round(os.getloadavg()[0], 1)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    load = result["loadavg_1m"]
    base = result["baseline_empty_month"]["generate_total_s"]
    for name, value, target in (
        ("monthly report 2025-06, worst round", result["monthly_worst_s"], 15),
        ("quarterly report 2025-Q2", result["quarterly"]["generate_total_s"], None),
    ):
        verdict = "" if target is None else (" ok" if value <= target else " OVER")
        print(
            f"SUMMARY {name}: {value} s "
            f"(target {'<= ' + str(target) + ' s' if target else 'none'}, "
            f"baseline empty month {base} s, load {load}){verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
