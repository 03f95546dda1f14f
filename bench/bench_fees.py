"""
Benchmark the fee totals and the daily reconciliation (issue 14 item 4).

Run from the repository root, with bench/servers.sh started:

    bench/servers.sh start
    .venv/bin/python bench/bench_fees.py                 # 200,000 charges
    .venv/bin/python bench/bench_fees.py --charges 20000

On its own PostgreSQL database (``zt_perf_fees``, dropped and created):
migrate; a county with 20 departments and 60 counters; ``--charges`` cases
over 60 days (March and April 2026), each with one charge, 80% paid (cash,
card, transfer), 2% with an approved refund — written in time order (as a
hall appends them) by COPY
(``core.db.rows_insert``); VACUUM ANALYZE. Then, ``--rounds`` times each,
time ``fee_totals`` for the month by department, counter, item and day,
``reconciliation_rows`` for one day (centre-wide and one department) and
for the month, against a baseline measured in the same run: one
``SUM(amount_fen)`` of the month's payments (the least any total can cost).

Targets (docs/performance.md): a day's reconciliation <= 100 ms and a
month's totals <= 1 s at this size.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("BENCH_DB", "zt_perf_fees")

import bench_cases_common as common  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = date(2026, 3, 1)
DAYS = 61


def build(n: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from zhengtong.cases.models import Case
    from zhengtong.catalog.models import Counter, Department, Hall, Region
    from zhengtong.core.db import rows_insert
    from zhengtong.fees.models import Charge, FeeItem, Payment, Refund

    rng = random.Random(14)
    region = Region.objects.create(code="511602000000", name="广安区", level="county")
    hall = Hall.objects.create(region=region, name="政务服务中心")
    departments = [
        Department.objects.create(region=region, name=f"部门{i:02d}") for i in range(20)
    ]
    counters = [
        Counter.objects.create(hall=hall, number=str(i + 1), name="综合窗口")
        for i in range(60)
    ]
    user = get_user_model().objects.create(username="clerk")
    approver = get_user_model().objects.create(username="head")
    items, fees = [], []
    for i, dept in enumerate(departments):
        item = common.published_item(
            code=f"FEE-{i:03d}", name=f"事项{i}", department=dept, region=region
        )
        items.append(item)
        fees.append(
            FeeItem.objects.create(
                version=item.current_version,
                name="登记费",
                legal_basis="基准",
                standard="每件80元",
                amount_fen=8000,
            )
        )
    t0 = time.perf_counter()
    cases = []
    for k in range(n):
        d = k % len(departments)
        cases.append(
            (
                f"B{k:08d}",
                "Q",
                items[d].pk,
                items[d].current_version_id,
                departments[d].pk,
                user.pk,
            )
        )
    rows_insert(
        Case,
        (
            "number",
            "query_code",
            "item_id",
            "item_version_id",
            "department_id",
            "applicant_id",
        ),
        cases,
    )
    case_ids = list(Case.objects.order_by("pk").values_list("pk", "department_id"))
    charges, payments, refunds = [], [], []
    for k, (case_id, dept_id) in enumerate(case_ids):
        d = dept_id - departments[0].pk
        day = START + timedelta(days=rng.randrange(DAYS))
        at = datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)
        counter = counters[d * 3 + rng.randrange(3)].pk
        reduction = 4000 if rng.random() < 0.1 else 0
        charges.append(
            (
                case_id,
                fees[d].pk,
                dept_id,
                counter,
                1,
                8000,
                8000,
                reduction,
                8000 - reduction,
                False,
                user.pk,
                at,
                day,
            )
        )
        if rng.random() < 0.8:
            method = rng.choice(("cash", "card", "transfer"))
            payments.append(
                (
                    case_id,
                    dept_id,
                    counter,
                    "511602000000",
                    method,
                    8000 - reduction or 1,
                    f"P{k:09d}",
                    user.pk,
                    at,
                    day,
                )
            )
    # rows arrive in time order in a real hall: keep the table in that order
    charges.sort(key=lambda r: r[11])
    payments.sort(key=lambda r: r[8])
    rows_insert(
        Charge,
        (
            "case_id",
            "fee_item_id",
            "department_id",
            "counter_id",
            "quantity",
            "standard_fen",
            "amount_fen",
            "reduction_fen",
            "due_fen",
            "deferred",
            "charged_by_id",
            "charged_at",
            "charged_on",
        ),
        charges,
    )
    rows_insert(
        Payment,
        (
            "case_id",
            "department_id",
            "counter_id",
            "region_code",
            "method",
            "amount_fen",
            "receipt_number",
            "received_by_id",
            "paid_at",
            "paid_on",
        ),
        payments,
    )
    for p in Payment.objects.order_by("pk").values(
        "pk", "case_id", "department_id", "counter_id", "paid_at", "paid_on"
    ):
        if rng.random() < 0.02:
            refunds.append(  # noqa: PERF401
                (
                    p["pk"],
                    p["case_id"],
                    p["department_id"],
                    p["counter_id"],
                    1000,
                    "退费",
                    "approved",
                    user.pk,
                    p["paid_at"],
                    approver.pk,
                    p["paid_at"],
                    p["paid_on"],
                )
            )
    rows_insert(
        Refund,
        (
            "payment_id",
            "case_id",
            "department_id",
            "counter_id",
            "amount_fen",
            "reason",
            "state",
            "requested_by_id",
            "requested_at",
            "decided_by_id",
            "decided_at",
            "decided_on",
        ),
        refunds,
    )
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    return {
        "departments": [d.pk for d in departments],
        "rows": (len(charges), len(payments), len(refunds)),
        "load_s": time.perf_counter() - t0,
    }


def timed(fn, rounds: int) -> dict:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {"median_ms": statistics.median(times), "max_ms": max(times)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--charges", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    common.database_recreate()
    common.django_setup()
    common.migrate()
    from django.db.models import Sum

    from zhengtong.fees.models import Payment
    from zhengtong.fees.selectors import fee_totals, reconciliation_rows

    w = build(args.charges)
    month = (date(2026, 3, 1), date(2026, 3, 31))
    day = (date(2026, 3, 16), date(2026, 3, 16))
    cases = {
        "baseline: SUM of the month's payments": lambda: Payment.objects.filter(
            paid_on__range=month
        ).aggregate(s=Sum("amount_fen")),
        "fee_totals month by department": lambda: fee_totals(
            date_from=month[0], date_to=month[1], group="department"
        ),
        "fee_totals month by counter": lambda: fee_totals(
            date_from=month[0], date_to=month[1], group="counter"
        ),
        "fee_totals month by item": lambda: fee_totals(
            date_from=month[0], date_to=month[1], group="item"
        ),
        "fee_totals month by day": lambda: fee_totals(
            date_from=month[0], date_to=month[1], group="day"
        ),
        "reconciliation one day, centre": lambda: reconciliation_rows(
            date_from=day[0], date_to=day[1]
        ),
        "reconciliation one day, one department": lambda: reconciliation_rows(
            date_from=day[0], date_to=day[1], department_id=w["departments"][3]
        ),
        "reconciliation month, centre": lambda: reconciliation_rows(
            date_from=month[0], date_to=month[1]
        ),
    }
    print(f"machine: {common.machine()}")
    print(f"load: {os.getloadavg()}")
    print(
        f"rows (charges, payments, refunds): {w['rows']}, loaded in {w['load_s']:.1f} s"
    )
    for name, fn in cases.items():
        fn()  # warm
        r = timed(fn, args.rounds)
        print(f"{name:45s} median {r['median_ms']:8.1f} ms   max {r['max_ms']:8.1f} ms")


if __name__ == "__main__":
    main()
