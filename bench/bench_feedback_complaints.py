"""
Benchmark the complaint reads (issue 13, complaints side): the monthly
rollup the assessment calls, the public columns, the register page and its
counts, at 200,000 complaints (a large county over a year).

Run from the repository root (PostgreSQL on 127.0.0.1:55432 up):

    .venv/bin/python bench/bench_feedback_complaints.py [--complaints 200000] [--rounds 30]

What it does:
  1. recreates ``zt_perf_feedback_complaints`` (BENCH_DB) and migrates it
     (the categories come from the data migration);
  2. 20 departments, 40 counters, 60 staff, a supervisor and a discipline
     officer; inserts the complaints with one INSERT … SELECT
     generate_series over 2026 (2 % integrity, 90 % replied — 8 % of those
     late —, 10 % found true); VACUUM ANALYZE;
  3. one client, in process, ``--rounds`` times each after a warm-up:
     ``complaint_rollup_rows`` for November by department, counter, staff
     and for the year by month; ``complaint_public_columns`` (20 department
     rows); one page (50 rows, masked) of the supervisor's open register and
     of the discipline officer's; ``complaint_counts_for_user``;
  4. baseline in the same run: ``SELECT count(*)`` of November's complaints
     (the bare scan every month figure needs).
Numbers: docs/performance.md ("Issue 13 — complaints").
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import date

os.environ.setdefault("BENCH_DB", "zt_perf_feedback_complaints")

import bench_cases_common as common


def setup(n: int) -> dict:
    common.database_recreate()
    common.django_setup()
    common.migrate()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    from zhengtong.accounts.constants import Role
    from zhengtong.accounts.services import user_create
    from zhengtong.catalog.models import Counter, Department, Hall, Region
    from zhengtong.feedback.catalogue import DISCIPLINE_GROUP
    from zhengtong.feedback.models import ComplaintCategory

    region = Region.objects.create(code="511602000000", name="广安区", level="county")
    depts = Department.objects.bulk_create(
        [Department(region=region, name=f"部门{i:02d}") for i in range(20)]
    )
    hall = Hall.objects.create(region=region, name="广安区政务服务中心")
    counters = Counter.objects.bulk_create(
        [Counter(hall=hall, number=str(i + 1)) for i in range(40)]
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
    supervisor = user_create(
        username="super",
        password="pw-123456",  # noqa: S106
        roles=[Role.SUPERVISOR],
        is_staff=True,
    )
    officer = user_create(
        username="jijian",
        password="pw-123456",  # noqa: S106
        roles=[Role.SUPERVISOR],
        is_staff=True,
    )
    officer.groups.add(Group.objects.get(name=DISCIPLINE_GROUP))
    plain = ComplaintCategory.objects.get(code="rules_returned")
    integrity = ComplaintCategory.objects.get(code="integrity_extortion")
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO feedback_complaint (created_at, updated_at, number, channel,
                hotline_number, category_id, subcategory_id, integrity, written, content,
                complainant_name, complainant_phone, hall_id, counter_id, person_id,
                department_id, region_code, received_on, state, proposal_due, reply_due,
                route, proposal, approval_note, reply_mode, reply_text, on_the_spot,
                late_reason, verified, replied_on, revisit_result, revisit_text)
            SELECT now(), now(), '投〔2026〕' || g || '号', 'phone', '',
                CASE WHEN g %% 50 = 0 THEN %s ELSE %s END,
                CASE WHEN g %% 50 = 0 THEN %s ELSE %s END,
                g %% 50 = 0, false, '随意退件', '李先生', '13700001111', %s,
                %s + (g %% 40), %s + (g %% 60), %s + (g %% 20), '511602000000', d,
                CASE WHEN g %% 10 = 0 THEN 'received' ELSE 'replied' END,
                d + 2, d + 7, '', '', '', CASE WHEN g %% 10 = 0 THEN '' ELSE 'oral' END,
                CASE WHEN g %% 10 = 0 THEN '' ELSE '已答复' END, false, '',
                CASE WHEN g %% 10 = 1 THEN true ELSE NULL END,
                CASE WHEN g %% 10 = 0 THEN NULL WHEN g %% 12 = 0 THEN d + 9 ELSE d + 3 END,
                '', ''
            FROM (
                SELECT g, (date '2026-01-01' + (g * 364 / %s))::date AS d
                FROM generate_series(1, %s) g
            ) s
            """,
            [
                integrity.parent_id,
                plain.parent_id,
                integrity.pk,
                plain.pk,
                hall.pk,
                counters[0].pk,
                staff[0].pk,
                depts[0].pk,
                n,
                n,
            ],
        )
        cursor.execute("VACUUM ANALYZE feedback_complaint")
    return {
        "load_seconds": round(time.perf_counter() - t0, 1),
        "supervisor": supervisor.pk,
        "officer": officer.pk,
        "departments": [d.pk for d in depts],
    }


def timed(fn, rounds: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    world = setup(args.complaints)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from zhengtong.feedback.selectors_complaints import (
        complaint_counts_for_user,
        complaint_list_for_user,
        complaint_masked_row,
        complaint_public_columns,
        complaint_rollup_rows,
    )

    user_model = get_user_model()
    supervisor = user_model.objects.get(pk=world["supervisor"])
    officer = user_model.objects.get(pk=world["officer"])
    nov, nov_end = date(2026, 11, 1), date(2026, 11, 30)

    def baseline() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM feedback_complaint WHERE received_on BETWEEN %s AND %s",
                [nov, nov_end],
            )
            cursor.fetchone()

    def page(user) -> None:
        rows = complaint_list_for_user(user=user, state="open")[:50]
        [complaint_masked_row(c) for c in rows]

    def public() -> None:
        rows = [{"department_id": d} for d in world["departments"]]
        complaint_public_columns(rows, group="department", month=nov, departments=None)

    cases = {
        "baseline count(November)": baseline,
        "rollup November by department": lambda: complaint_rollup_rows(
            date_from=nov, date_to=nov_end, group="department"
        ),
        "rollup November by counter": lambda: complaint_rollup_rows(
            date_from=nov, date_to=nov_end, group="counter"
        ),
        "rollup November by staff": lambda: complaint_rollup_rows(
            date_from=nov, date_to=nov_end, group="staff"
        ),
        "rollup 2026 by month": lambda: complaint_rollup_rows(
            date_from=date(2026, 1, 1), date_to=date(2026, 12, 31), group="month"
        ),
        "public columns (20 departments)": public,
        "register page, supervisor (open, 50 rows)": lambda: page(supervisor),
        "register page, discipline (open, 50 rows)": lambda: page(officer),
        "register counts, supervisor": lambda: complaint_counts_for_user(
            user=supervisor
        ),
    }
    results = {}
    for name, fn in cases.items():
        results[name] = common.summary(name, timed(fn, args.rounds))
    print(
        json.dumps(
            {
                "machine": common.machine(),
                "load": os.getloadavg(),
                "complaints": args.complaints,
                "load_seconds": world["load_seconds"],
                "results": results,
            },
            ensure_ascii=False,
            indent=1,
            default=str,
        )
    )


if __name__ == "__main__":
    main()
