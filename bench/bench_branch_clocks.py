"""
Benchmark the clock registry's sync of 联办件 with their branch clocks
(issue 14 item 1: branch clocks under supervision), against the sync of as
many plain cases measured in the same run (the baseline).

Run from the repository root, with bench/servers.sh started:

    .venv/bin/python bench/bench_branch_clocks.py [--cases 2000] [--rounds 5]

On its own PostgreSQL database (``zt_perf_branch_clocks``, dropped and
created): migrate; one region, three departments; ``--cases`` accepted
plain cases and as many accepted 联办件 of three branches each (rows written
directly: the sync reads only these columns), one open branch procedure
every fourth joint case; VACUUM ANALYZE. Then, ``--rounds`` times each, in
process: ``clocks_sync`` of the plain cases (2 registry rows a case: 承诺
and 法定) and of the joint cases (the same 2 plus 3 branch rows). The
figure: milliseconds per case, joint / plain. Target: the branch clocks
cost at most what their registry rows cost — joint ms per case ≤ 2.5 ×
plain (5 rows written instead of 2).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("BENCH_DB", "zt_perf_branch_clocks")

import bench_cases_common as common  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
ACCEPTED = date(2026, 3, 2)
TARGET_RATIO = 2.5


def world(n: int) -> tuple[list[int], list[int]]:
    """Write ``n`` plain and ``n`` joint accepted cases; return their ids."""
    from zhengtong.accounts.models import User
    from zhengtong.cases.models import Case, CaseBranch, CaseSuspension
    from zhengtong.catalog.models import Department, Region

    applicant = User.objects.create(username="bench_applicant")

    region = Region.objects.create(code="511602000000", name="广安区", level="county")
    depts = [
        Department.objects.create(region=region, name=f"部门{i}", short_name=f"部{i}")
        for i in range(3)
    ]
    item = common.published_item(
        code="BENCH-JOINT", name="联办事项", department=depts[0], region=region
    )
    when = datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)

    def cases(prefix: str, joint: bool) -> list[Case]:
        return Case.objects.bulk_create(
            Case(
                number=f"{prefix}-{k:07d}",
                query_code="00000000",
                item=item,
                item_version=item.current_version,
                department=depts[0],
                applicant=applicant,
                created_by=applicant,
                region_code=region.code,
                status="under_review",
                received_date=ACCEPTED,
                accepted_date=ACCEPTED,
                due_date=ACCEPTED + timedelta(days=60),
                statutory_due_date=ACCEPTED + timedelta(days=60),
                is_joint=joint,
                submitted_at=when,
            )
            for k in range(n)
        )

    plain = [c.pk for c in cases("P", False)]
    joint = [c.pk for c in cases("J", True)]
    branches = CaseBranch.objects.bulk_create(
        CaseBranch(
            case_id=case_id,
            department=dept,
            order=order,
            is_lead=order == 1,
            limit_days=20,
            due_date=ACCEPTED + timedelta(days=28),
        )
        for case_id in joint
        for order, dept in enumerate(depts, start=1)
    )
    CaseSuspension.objects.bulk_create(
        CaseSuspension(
            case_id=b.case_id, branch=b, kind="inspection", reason="检验",
            started_on=ACCEPTED + timedelta(days=7),
        )
        for b in branches[::12]
    )  # fmt: skip
    return plain, joint


def timed(ids: list[int], rounds: int) -> dict:
    from django.db import connection, reset_queries

    from zhengtong.supervision.services.sync import clocks_sync

    samples, rows, queries = [], 0, 0
    for _ in range(rounds):
        reset_queries()
        start = time.perf_counter()
        rows = clocks_sync(objects={"cases.case": ids})
        samples.append((time.perf_counter() - start) * 1000)
        queries = len(connection.queries)
    median = statistics.median(samples)
    return {
        "median_ms": round(median, 1),
        "max_ms": round(max(samples), 1),
        "ms_per_case": round(median / len(ids), 3),
        "registry_rows": rows,
        "statements": queries,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    common.database_recreate()
    common.django_setup({"WORKDAYS_PROVISIONAL_YEARS": "2"})
    common.migrate()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = True  # count statements
    plain, joint = world(args.cases)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    base = timed(plain, args.rounds)
    new = timed(joint, args.rounds)
    ratio = new["ms_per_case"] / base["ms_per_case"]
    report = {
        "machine": common.machine(),
        "load": os.getloadavg(),
        "cases": args.cases,
        "baseline_plain": base,
        "joint_with_branch_clocks": new,
        "ratio": round(ratio, 2),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(
        f"SUMMARY baseline plain sync {base['ms_per_case']} ms/case "
        f"({base['registry_rows']} rows); joint with branch clocks "
        f"{new['ms_per_case']} ms/case ({new['registry_rows']} rows); "
        f"ratio {ratio:.2f} (target <= {TARGET_RATIO}) "
        f"{'MET' if ratio <= TARGET_RATIO else 'NOT MET'}; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
