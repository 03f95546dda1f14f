"""
Benchmark the 统一出件 desk and the green channel reads (issue 14, items 5-6).

Run from the repository root, with bench/servers.sh started:

    .venv/bin/python bench/bench_agency_desk.py               # 200,000 cases
    .venv/bin/python bench/bench_agency_desk.py --cases 1000000

On its own PostgreSQL database (``zt_perf_agency``, dropped and created):
the cases of ``bench_cases_lists.generate`` (20 departments, 3% decided and
not delivered), one hall with a counter per department, a clerk at the
first counter; half of the cases linked to a ticket of that hall, a second
hall for the other half; 1% of the cases marked for the green channel.
One client, ``--rounds`` times each after a warm-up:

- baseline: the 待办结 inbox page of a department clerk
  (``cases.selectors.case_list_for_user(inbox="to_conclude")``, 50 rows);
- the desk page (``agency.selectors.handover_desk_list``, 50 rows) of the
  clerk (any department, received in the hall);
- the inbox's green channel block (``case_list_marked`` over the 全部办件
  inbox, 20 rows);
- ``mark_counts`` by kind and by department over one year.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("BENCH_DB", "zt_perf_agency")

import bench_cases_common as common  # noqa: E402
import bench_cases_lists as lists  # noqa: E402


def world(n: int) -> dict:
    lists.generate(n)
    from django.db import connection

    from zhengtong.accounts.models import User
    from zhengtong.catalog.models import Counter, Department, Hall
    from zhengtong.queueing.models import Category, StaffCounterAssignment

    halls = [Hall.objects.create(name=f"基准大厅{i}") for i in (1, 2)]
    categories = [
        Category.objects.create(hall=h, code=f"bench{h.pk}", prefix="A", name="综合")
        for h in halls
    ]
    for d, dept in enumerate(Department.objects.order_by("id")):
        counter = Counter.objects.create(hall=halls[0], number=str(d + 1))
        counter.departments.add(dept)
    clerk = User.objects.get(username="staff0_0")
    StaffCounterAssignment.objects.create(
        user=clerk, counter=Counter.objects.filter(hall=halls[0]).order_by("id").first()
    )
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO queueing_ticket (created_at, updated_at, hall_id, category_id,
              issued_category_id, service_date, seq, number, token, status, priority,
              priority_class, channel, arrival_at, recall_count, transfer_count, matter,
              case_id, phone)
            SELECT now(), now(), CASE WHEN c.id %% 2 = 0 THEN %(h1)s ELSE %(h2)s END,
              CASE WHEN c.id %% 2 = 0 THEN %(c1)s ELSE %(c2)s END,
              CASE WHEN c.id %% 2 = 0 THEN %(c1)s ELSE %(c2)s END,
              c.created_at::date, c.id, 'A' || c.id, md5(c.id::text), 'finished', 'none',
              1, 'kiosk', c.created_at, 0, 0, '', c.id, ''
            FROM cases_case c
            """,
            {
                "h1": halls[0].pk,
                "h2": halls[1].pk,
                "c1": categories[0].pk,
                "c2": categories[1].pk,
            },
        )
        cur.execute(
            """
            INSERT INTO agency_prioritymark (created_at, updated_at, kind, basis,
              case_id, marked_by_id, marked_on)
            SELECT now(), now(),
              (ARRAY['key_project', 'elderly', 'disabled', 'serviceman'])[1 + c.id %% 4],
              '基准', c.id, %(clerk)s, c.created_at::date
            FROM cases_case c WHERE c.id %% 100 = 7
            """,
            {"clerk": clerk.pk},
        )
        cur.execute("ANALYZE")
    return {"clerk": clerk.pk}


def timed(name: str, fn, rounds: int) -> dict:
    for _ in range(3):
        fn()
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return common.summary(name, out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    info = world(args.cases)
    from datetime import date

    from zhengtong.accounts.models import User
    from zhengtong.agency import selectors
    from zhengtong.cases.selectors import case_list_for_user

    clerk = User.objects.get(pk=info["clerk"])
    ready = selectors.handover_desk_list(user=clerk).count()
    results = [
        timed(
            "baseline: 待办结 inbox page (50)",
            lambda: list(case_list_for_user(user=clerk, inbox="to_conclude")[:50]),
            args.rounds,
        ),
        timed(
            "出件 desk page (50)",
            lambda: list(selectors.handover_desk_list(user=clerk)[:50]),
            args.rounds,
        ),
        timed(
            "inbox green block (20)",
            lambda: list(
                selectors.case_list_marked(
                    qs=case_list_for_user(user=clerk, inbox="all")
                )[:20]
            ),
            args.rounds,
        ),
        timed(
            "mark_counts by kind, one year",
            lambda: selectors.mark_counts(
                date_from=date(2026, 1, 1), date_to=date(2026, 12, 31), group="kind"
            ),
            args.rounds,
        ),
        timed(
            "mark_counts by department, one year",
            lambda: selectors.mark_counts(
                date_from=date(2026, 1, 1),
                date_to=date(2026, 12, 31),
                group="department",
            ),
            args.rounds,
        ),
    ]
    print(
        json.dumps(
            {
                "cases": args.cases,
                "ready_at_desk": ready,
                "machine": common.machine(),
                "results": results,
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
