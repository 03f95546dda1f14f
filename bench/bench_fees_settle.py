"""
Benchmark the 收费办结 check (issue 14 item 4 follow-up): what the
``conclusion_checks`` guard adds to every 送达 and 办结 (and to the allowed
actions of a decided case).

Run from the repository root, with bench/servers.sh started:

    .venv/bin/python bench/bench_fees_settle.py                # 100,000 charges
    .venv/bin/python bench/bench_fees_settle.py --charges 200000

On its own PostgreSQL database (``zt_perf_fees_settle``, dropped and
created): the world of ``bench_fees.build`` (20 departments, one charge per
case, 80% paid). Then, ``--rounds`` times each over 200 cases, against a
baseline measured in the same run (reading the case row by its key):

- ``case_settlement_check`` with the flag off (the common case: one
  ``EXISTS`` on the version's fee items);
- the same with the flag on (plus ``case_outstanding_fen``: three sums by
  the case index), on cases that owe and cases that paid.

Target (docs/performance.md): the flag-on check <= 10 ms per case (four
index reads, on a write that costs tens of ms).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("BENCH_DB", "zt_perf_fees_settle")

import bench_cases_common as common  # noqa: E402
import bench_fees  # noqa: E402

TARGET_MS = 10.0


def per_case(fn, cases: list, rounds: int) -> dict:
    """Median and max over rounds of the mean time per case, in ms."""
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        for case in cases:
            fn(case)
        times.append((time.perf_counter() - t) * 1000 / len(cases))
    return {"median_ms": statistics.median(times), "max_ms": max(times)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--charges", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    common.database_recreate()
    common.django_setup()
    common.migrate()
    from zhengtong.cases.models import Case
    from zhengtong.core.errors import ApplicationError
    from zhengtong.fees.models import FeeItem, Payment
    from zhengtong.fees.settlement import case_settlement_check

    w = bench_fees.build(args.charges)
    paid_ids = set(Payment.objects.values_list("case_id", flat=True)[:5000])
    sample = list(Case.objects.order_by("pk")[: args.charges : args.charges // 200])
    owing = [c for c in sample if c.pk not in paid_ids]
    paid = [c for c in sample if c.pk in paid_ids]

    def check(case) -> None:
        with contextlib.suppress(ApplicationError):
            case_settlement_check(case)

    def baseline(case) -> None:
        Case.objects.only("pk").get(pk=case.pk)

    print(f"machine: {common.machine()}")
    print(f"load: {os.getloadavg()}")
    print(f"rows (charges, payments, refunds): {w['rows']}")
    results = {}
    for name, fn, cases in (
        ("baseline: the case row by key", baseline, sample),
        ("check, flag off", check, sample),
    ):
        fn(cases[0])
        results[name] = per_case(fn, cases, args.rounds)
    FeeItem.objects.update(settle_before_delivery=True)
    for name, fn, cases in (
        ("check, flag on, case owes (refused)", check, owing),
        ("check, flag on, case paid", check, paid),
    ):
        fn(cases[0])
        results[name] = per_case(fn, cases, args.rounds)
    for name, r in results.items():
        print(f"{name:40s} median {r['median_ms']:7.2f} ms   max {r['max_ms']:7.2f} ms")
    worst = max(r["median_ms"] for n, r in results.items() if "flag on" in n)
    print(
        f"SUMMARY settle check flag on: {worst:.2f} ms per case "
        f"(target <= {TARGET_MS} ms; baseline {results['baseline: the case row by key']['median_ms']:.2f} ms) "
        + ("OK" if worst <= TARGET_MS else "OVER")
    )


if __name__ == "__main__":
    main()
