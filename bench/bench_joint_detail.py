"""
Benchmark the detail of a 联办件 (joint case) with 1,000,000 cases in
PostgreSQL (issue 14 figure: p95 <= 30 ms), against the plain case detail
measured in the same run (the baseline).

Run from the repository root (PostgreSQL on 127.0.0.1:55432 must be up):

    .venv/bin/python bench/bench_joint_detail.py [--cases 1000000]
    .venv/bin/python bench/bench_joint_detail.py --reuse [--seconds 10]

What it does:
  1. generates the 1M cases of bench_cases_lists.py into its own database
     (BENCH_DB, default ``zt_e_perf_joint``; ``--reuse`` keeps it);
  2. turns 2,000 of department 0's cases into 联办件 of three departments
     (0 lead, 1 and 2): is_joint, the 45-day joint limit, three
     ``cases_casebranch`` rows each with an internal note, and one open
     branch suspension every fourth case (one INSERT … SELECT each);
  3. starts the server of bench_cases_lists (gunicorn, 3 sync workers) and
     times GET /api/v1/cases/{id}/ with wrk from 1 and 4 connections:
     plain cases of department 0 (baseline), joint cases seen by the lead
     department, joint cases seen by a branch department (staff of
     department 1: visible through its branch, the other notes hidden);
  4. prints p50/p95/p99, req/s and the server CPU ms per request.
"""

from __future__ import annotations

import argparse
import json
import os
import random

os.environ.setdefault("BENCH_DB", "zt_e_perf_joint")

import bench_cases_common as common
import bench_cases_lists as lists

JOINT_CASES = 2000

JOINT_SQL = """
WITH picked AS (
  SELECT id FROM cases_case
  WHERE department_id = %(lead)s AND accepted_date IS NOT NULL
  ORDER BY id DESC LIMIT %(n)s
)
UPDATE cases_case c SET is_joint = true, statutory_days = 45
FROM picked WHERE c.id = picked.id
RETURNING c.id
"""
BRANCH_SQL = """
INSERT INTO cases_casebranch (
  case_id, department_id, "order", is_lead, denial_stops_others, status,
  limit_days, suspended_days, extension_days, due_date, opinion, internal_note)
SELECT c.id, d.dept, d.ord, d.ord = 1, false,
       CASE WHEN d.ord = 2 AND c.id %% 3 = 0 THEN 'approved' ELSE 'open' END,
       20, 0, 0, c.accepted_date + 28, '', '内部意见 ' || d.ord
FROM cases_case c
CROSS JOIN (SELECT unnest(%(depts)s::bigint[]) AS dept,
                   generate_series(1, 3) AS ord) d
WHERE c.id = ANY(%(ids)s)
"""
SUSPEND_SQL = """
INSERT INTO cases_casesuspension (
  case_id, branch_id, kind, reason, started_on, working_days)
SELECT b.case_id, b.id, 'inspection', '检验', current_date - 3, 0
FROM cases_casebranch b
WHERE b."order" = 3 AND b.case_id %% 4 = 0 AND b.case_id = ANY(%(ids)s)
"""


def joint_prepare(info: dict) -> dict:
    from django.db import connection

    from rest_framework.authtoken.models import Token

    from zhengtong.accounts.models import User

    with connection.cursor() as cur:
        cur.execute("SELECT id FROM cases_case WHERE is_joint ORDER BY id LIMIT 1")
        if cur.fetchone() is None:
            cur.execute(
                "SELECT id FROM catalog_department WHERE name LIKE '基准部门%%' ORDER BY id"
            )
            depts = [r[0] for r in cur.fetchall()][:3]
            cur.execute(JOINT_SQL, {"lead": depts[0], "n": JOINT_CASES})
            ids = [r[0] for r in cur.fetchall()]
            cur.execute(BRANCH_SQL, {"depts": depts, "ids": ids})
            cur.execute(SUSPEND_SQL, {"ids": ids})
            cur.execute("ANALYZE cases_casebranch")
            cur.execute("ANALYZE cases_casesuspension")
        cur.execute(
            "SELECT id FROM cases_case WHERE is_joint ORDER BY random() LIMIT 500"
        )
        info["joint_ids"] = [r[0] for r in cur.fetchall()]
        cur.execute(
            "SELECT id FROM cases_case WHERE department_id = %s AND NOT is_joint "
            "ORDER BY random() LIMIT 500",
            [info["dept"]],
        )
        info["detail_ids"] = [r[0] for r in cur.fetchall()]
    branch_user = User.objects.get(username="staff1_0")
    info["branch_token"] = Token.objects.get_or_create(user=branch_user)[0].key
    return info


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    print("machine:", common.machine())
    info = lists.reuse() if args.reuse else lists.generate(args.cases)
    info = joint_prepare(info)
    print(f"joint cases: {len(info['joint_ids'])} sampled of {JOINT_CASES}")
    proc = common.server_start(workers=args.workers, kind="wsgi")
    try:
        n = 300
        plain = [
            f"/api/v1/cases/{random.choice(info['detail_ids'])}/" for _ in range(n)
        ]
        joint = [f"/api/v1/cases/{random.choice(info['joint_ids'])}/" for _ in range(n)]
        scenarios = [
            ("plain case detail (baseline), lead dept", plain, info["staff_token"]),
            ("joint case detail, lead dept", joint, info["staff_token"]),
            ("joint case detail, branch dept", joint, info["branch_token"]),
        ]
        for name, paths, token in scenarios:
            for clients in (1, 4):
                common.wrk_run(paths, token, clients, 2)  # warm-up
                s = common.cpu_per_request(
                    proc,
                    lambda p=paths, t=token, c=clients: common.wrk_run(
                        p, t, c, args.seconds
                    ),
                )
                s = {"name": f"{name} [{clients}]", **s, "target_p95_ms": 30}
                s["pass"] = s["p95_ms"] <= 30
                print(json.dumps(s, ensure_ascii=False))
    finally:
        common.server_stop(proc)


if __name__ == "__main__":
    main()
