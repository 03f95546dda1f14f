"""
Benchmark staff inboxes, case lists (100 per page) and case detail with
1,000,000 cases in PostgreSQL (issue 3 figure 2).

Run from the repository root (PostgreSQL on 127.0.0.1:55432 must be up):

    .venv/bin/python bench/bench_cases_lists.py [--cases 1000000] [--generate-only]
    .venv/bin/python bench/bench_cases_lists.py --reuse [--seconds 10] [--workers 3]
        [--server wsgi|asgi] [--client wrk|python] [--only detail]

What it does:
  1. recreates the database ``zt_perf_cases_lists`` (BENCH_DB) and migrates it
     (the inbox indexes come from the cases migrations);
  2. creates 20 departments with one item each, 5 reviewers per department
     and 1,000 applicants through the ORM, then generates the cases with one
     ``INSERT … SELECT generate_series`` (statuses, lamps, assignees spread
     over the departments) and three audit events per case (statuses, lamps and
     assignees drawn with a seeded random()), then ANALYZE;
  3. starts gunicorn with 3 sync WSGI workers (config.settings.prod; ``--server
     asgi`` for the earlier gunicorn + uvicorn setup) on 127.0.0.1:BENCH_PORT
     and times with wrk (``--client python`` for the threaded Python client),
     from one connection and then from 4 concurrent ones, GET /api/v1/cases/?inbox=…&page_size=100 for each
     inbox, the full list, a deep keyset page, an applicant's list and
     GET /api/v1/cases/{id}/;
  4. prints p50/p95/p99, req/s, errors and the server's CPU ms per request,
     and stops the server by PID (the database stays: ``--reuse`` skips
     steps 1–2).
Targets: lists p95 <= 50 ms, detail p95 <= 30 ms. Numbers go to
docs/perf/cases.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import threading
import time

import bench_cases_common as common

N_DEPTS = 20
STAFF_PER_DEPT = 5

GENERATE_SQL = """
INSERT INTO cases_case (
  created_at, updated_at, number, query_code, item_id, item_version_id, department_id,
  region_code, applicant_id, agent_id, created_by_id, applicant_name, applicant_id_type,
  applicant_id_number, applicant_phone, channel, form_data, status, previous_status,
  handling_mode, submitted_at, received_date, intake_due_date, accepted_at, accepted_date,
  deemed_accepted, tolerated_materials, tolerance_due_date, promised_days, statutory_days,
  suspended_days, extension_days, due_date, statutory_due_date, lamp, current_assignee_id,
  outcome, decided_at, decision_reason, result_number, result_valid_until,
  certificate_due_date, certificate_issued_at, delivery_method, delivery_tracking,
  delivered_at, concluded_at, closing_reason, referral_authority, idempotency_key,
  promised_unit, statutory_unit, due_date_provisional,
  tolerance_status)
SELECT
  t.at, t.at, '511602-B-' || lpad(g::text, 8, '0'), 'QC' || (g %% 9973)::text,
  (%(items)s::bigint[])[1 + g %% 20], (%(versions)s::bigint[])[1 + g %% 20],
  (%(depts)s::bigint[])[1 + g %% 20], '511602000000',
  (%(applicants)s::bigint[])[1 + g %% 1000], NULL, NULL, '申请人' || (g %% 1000)::text,
  'resident_id', '11010519491231002X', '13800001111', 'online', '{}'::jsonb,
  t.status, '', 'committed', t.at, t.at::date, t.at::date + 7,
  CASE WHEN t.running THEN t.at END, CASE WHEN t.running THEN t.at::date END,
  false, '[]'::jsonb, NULL, 10, 20, 0, 0,
  CASE WHEN t.running THEN t.at::date + 14 END, CASE WHEN t.running THEN t.at::date + 28 END,
  CASE WHEN t.running THEN (CASE WHEN t.lamp_b = 0 THEN 'red' WHEN t.lamp_b = 1 THEN 'yellow' ELSE 'green' END) ELSE '' END,
  CASE WHEN t.status IN ('accepted', 'under_review') THEN (%(staff)s::bigint[])[1 + (g %% 20) * 5 + t.who] END,
  '', NULL, '', '', NULL, NULL, NULL, '', '', NULL,
  CASE WHEN t.status = 'concluded' THEN t.at + interval '10 days' END, '', '', '',
  'working', 'working', false, ''
FROM generate_series(1, %(n)s) AS g
CROSS JOIN LATERAL (
  SELECT now() - ((%(n)s - g) * interval '30 seconds') AS at, r.b AS bucket,
         CASE WHEN r.b < 8 THEN 'submitted'
              WHEN r.b < 10 THEN 'supplement_requested'
              WHEN r.b < 20 THEN 'accepted'
              WHEN r.b < 35 THEN 'under_review'
              WHEN r.b < 37 THEN 'suspended'
              WHEN r.b < 40 THEN 'decided_approved'
              WHEN r.b < 95 THEN 'concluded'
              ELSE 'rejected_at_intake' END AS status,
         r.b BETWEEN 10 AND 36 AS running, r.lamp_b, r.who
  FROM (SELECT floor(random() * 100)::int AS b, floor(random() * 10)::int AS lamp_b,
               floor(random() * 5)::int AS who, g AS keep) AS r
) AS t
"""

AUDIT_SQL = """
INSERT INTO core_auditevent (stream, seq, prev_hash, hash, created_at, actor_id, actor_label,
  action, object_type, object_id, from_state, to_state, reason, details)
SELECT 'cases.case:' || c.id, s.seq, '', md5(c.id::text || s.seq) || md5(s.seq || c.id::text),
  c.created_at + s.seq * interval '1 hour', NULL, '系统',
  (ARRAY['submit', 'accept', 'step_start'])[s.seq], 'cases.case', c.id::text, '',
  c.status, '', '{}'::jsonb
FROM cases_case c CROSS JOIN generate_series(1, 3) AS s(seq)
"""


BENCH_PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-" + "pass-1")


def generate(n: int) -> dict:
    common.database_recreate()
    common.django_setup()
    common.migrate()
    from django.contrib.auth.models import Group
    from django.db import connection

    from rest_framework.authtoken.models import Token

    from zhengtong.accounts.models import User
    from zhengtong.accounts.services import roles_bootstrap
    from zhengtong.catalog.models import (
        Department,
        Region,
    )

    roles_bootstrap()
    staff_groups = list(Group.objects.filter(name__in=["审批人员", "窗口人员"]))
    region = Region.objects.create(code="511602000000", name="广安区", level="county")
    depts, items, versions, staff = [], [], [], []
    for d in range(N_DEPTS):
        dept = Department.objects.create(
            region=region, name=f"基准部门{d}", short_name=f"基准{d}"
        )
        item = common.published_item(
            code=f"BENCH-{d:03d}", name=f"基准事项{d}", department=dept, region=region
        )
        version = item.current_version
        depts.append(dept.pk)
        items.append(item.pk)
        versions.append(version.pk)
        for s in range(STAFF_PER_DEPT):
            # no password: tokens only (PBKDF2 for 100 users would dominate setup)
            user = User.objects.create(
                username=f"staff{d}_{s}",
                department=dept,
                is_staff=True,
                password="!",  # noqa: S106
            )
            user.groups.set(staff_groups)
            staff.append(user.pk)
    applicant_group = Group.objects.get(name="申请人")
    applicants = User.objects.bulk_create(
        [
            User(username=f"app{i}", display_name=f"申请人{i}", password="!")  # noqa: S106
            for i in range(1000)
        ]
    )
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=u.pk, group_id=applicant_group.pk)
            for u in applicants
        ]
    )
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.42)")
        cur.execute(
            GENERATE_SQL,
            {
                "n": n,
                "items": items,
                "versions": versions,
                "depts": depts,
                "applicants": [u.pk for u in applicants],
                "staff": staff,
            },
        )
        t_cases = time.perf_counter() - t0
        cur.execute(AUDIT_SQL)
        t_audit = time.perf_counter() - t0 - t_cases
        cur.execute("ANALYZE")
    print(
        f"generated {n} cases in {t_cases:.1f} s, {3 * n} audit events in {t_audit:.1f} s"
    )
    staff_user = User.objects.get(username="staff0_0")
    info = {
        "staff_token": Token.objects.create(user=staff_user).key,
        "applicant_token": Token.objects.create(user=applicants[0]).key,
        "dept": depts[0],
    }
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id FROM cases_case WHERE department_id = %s ORDER BY random() LIMIT 500",
            [depts[0]],
        )
        info["detail_ids"] = [r[0] for r in cur.fetchall()]
        cur.execute(
            "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY id) FROM cases_case"
        )
        info["mid_id"] = cur.fetchone()[0]
    return info


def reuse() -> dict:
    common.django_setup()
    common.migrate()  # newer migrations of the code (quick when none is pending)
    from django.db import connection

    from rest_framework.authtoken.models import Token

    with connection.cursor() as cur:
        cur.execute(
            "SELECT department_id FROM accounts_user WHERE username = 'staff0_0'"
        )
        dept = cur.fetchone()[0]
        cur.execute(
            "SELECT id FROM cases_case WHERE department_id = %s ORDER BY random() LIMIT 500",
            [dept],
        )
        ids = [r[0] for r in cur.fetchall()]
        cur.execute(
            "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY id) FROM cases_case"
        )
        mid = cur.fetchone()[0]
    return {
        "staff_token": Token.objects.get(user__username="staff0_0").key,
        "applicant_token": Token.objects.get(user__username="app0").key,
        "dept": dept,
        "detail_ids": ids,
        "mid_id": mid,
    }


def timed(paths: list[str], token: str, clients: int) -> list[float]:
    lat: list[list[float]] = [[] for _ in range(clients)]
    bad = []

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", common.PORT, timeout=30)
        for path in paths[i::clients]:
            t0 = time.perf_counter()
            status, _ = common.request(conn, "GET", path, token)
            lat[i].append((time.perf_counter() - t0) * 1000)
            if status != 200:
                bad.append((path, status))
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if bad:
        print("non-200 answers:", bad[:3], len(bad))
    return [x for row in lat for x in row]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300, help="python client")
    parser.add_argument("--seconds", type=float, default=10, help="wrk, per line")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the generated database"
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="generate the data and stop"
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--only", default="", help='lines whose name contains this, e.g. "detail"'
    )
    parser.add_argument("--server", choices=common.SERVER_KINDS, default="wsgi")
    parser.add_argument(
        "--client",
        choices=("wrk", "python"),
        default="wrk" if common.WRK else "python",
    )
    args = parser.parse_args()
    print("machine:", common.machine())
    info = reuse() if args.reuse else generate(args.cases)
    if args.generate_only:
        return
    proc = common.server_start(workers=args.workers, kind=args.server)
    print(f"server: {args.server} x{args.workers}, client: {args.client}")
    results = []
    try:
        staff, appl, n = info["staff_token"], info["applicant_token"], args.requests
        detail_paths = [
            f"/api/v1/cases/{random.choice(info['detail_ids'])}/" for _ in range(n)
        ]
        scenarios = [
            (
                "inbox 待受理 intake",
                ["/api/v1/cases/?inbox=intake&page_size=100"],
                staff,
            ),
            ("inbox 我的待办 mine", ["/api/v1/cases/?inbox=mine&page_size=100"], staff),
            (
                "inbox 即将到期 due_soon",
                ["/api/v1/cases/?inbox=due_soon&page_size=100"],
                staff,
            ),
            (
                "inbox 已超期 overdue",
                ["/api/v1/cases/?inbox=overdue&page_size=100"],
                staff,
            ),
            ("case list (department, all)", ["/api/v1/cases/?page_size=100"], staff),
            (
                "case list deep keyset page",
                [f"/api/v1/cases/?page_size=100&before={info['mid_id']}"],
                staff,
            ),
            ("applicant's own list", ["/api/v1/cases/?page_size=100"], appl),
            ("case detail", detail_paths, staff),
        ]
        for name, paths, token in scenarios:
            if args.only not in name:
                continue
            target = 30 if name == "case detail" else 50
            for clients in (1, 4):
                label = f"{name} [{clients} client{'s' if clients > 1 else ''}]"
                if args.client == "wrk":
                    common.wrk_run(paths, token, clients, 2)  # warm-up
                    s = common.cpu_per_request(
                        proc,
                        lambda p=paths, t=token, c=clients: common.wrk_run(
                            p, t, c, args.seconds
                        ),
                    )
                    s = {"name": label, **s}
                else:
                    many = (paths * n)[:n]
                    timed(many[:20], token, 1)  # warm-up
                    s = common.summary(label, timed(many, token, clients))
                s["target_p95_ms"] = target
                s["pass"] = s["p95_ms"] <= target
                results.append(s)
                print(json.dumps(s, ensure_ascii=False))
    finally:
        common.server_stop(proc)


if __name__ == "__main__":
    main()
