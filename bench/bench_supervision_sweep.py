"""
Benchmark the supervision sweep (issue 12): 1,000,000 open clocks, 2% changing.

Run from the repository root, with bench/servers.sh started:

    bench/servers.sh start
    .venv/bin/python bench/bench_supervision_sweep.py              # 1,000,000 clocks
    .venv/bin/python bench/bench_supervision_sweep.py --clocks 100000

On its own PostgreSQL database (``zt_perf_supervision``, dropped and created):

  1. migrate; 30 departments with a head each, 600 staff owners, 3 supervisors;
  2. write the clocks with ``core.db.rows_insert`` (COPY): 95% running, 5%
     suspended, due dates from 30 days back to 60 ahead of Monday
     2026-03-16, each yellow day computed by the sync's own ``warn_on_for``
     on the real calendar; every stored lamp is right for the day before,
     so that on 03-16 exactly the rows whose lamp moves overnight change —
     tuned to ``--share`` (default 2%) of the clocks; VACUUM ANALYZE;
  3. time ``supervision_sweep()`` at 2026-03-16 10:00 (one pass: sync of
     nothing new, the six moves, one audit event per change, the alerts of
     the ladder, the escalation query, the daily rules, the count) and
     count its statements;
  4. run it again (must change nothing: idempotent);
  5. the baseline in the same run: put the changed rows back, then one plain
     ``UPDATE … SET lamp = … WHERE id = ANY(…)`` touching the same rows;
     report the ratio sweep / plain UPDATE.

Target (issue 12): <= 5 s wall for the sweep, one pass.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("BENCH_DB", "zt_perf_supervision")

import bench_cases_common as common  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 16)
NOW = datetime(2026, 3, 16, 10, 0, tzinfo=SHANGHAI)
TARGET_S = 5.0
PASSWORD = "bench-only-not-a-secret"  # noqa: S105
KINDS = [("case", 0.3), ("case_statutory", 0.3), ("step", 0.3), ("certificate", 0.05),
         ("intake", 0.05)]  # fmt: skip


def world() -> dict:
    from django.conf import settings

    from zhengtong.accounts.constants import Role
    from zhengtong.accounts.services import roles_bootstrap, user_create
    from zhengtong.catalog.models import Department, Region

    # 630 accounts: a fast hasher (bench only; nobody logs in)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    roles_bootstrap()
    region = Region.objects.create(code="511602000000", name="广安区", level="county")
    depts = [
        Department.objects.create(
            region=region, name=f"部门{i:02d}", short_name=f"部{i}"
        )
        for i in range(30)
    ]
    owners: dict[int, list[int]] = {}
    for d in depts:
        user_create(
            username=f"head{d.pk}",
            password=PASSWORD,
            roles=[Role.DEPARTMENT_HEAD],
            department=d,
            is_staff=True,
        )
        owners[d.pk] = [
            user_create(
                username=f"staff{d.pk}_{k}",
                password=PASSWORD,
                roles=[Role.REVIEWER],
                department=d,
                is_staff=True,
            ).pk
            for k in range(20)
        ]
    for k in range(3):
        user_create(username=f"super{k}", password=PASSWORD, roles=[Role.SUPERVISOR])
    return {"departments": [d.pk for d in depts], "owners": owners}


def lamp_on(day: date, due: date, warn: date) -> str:
    if day > due:
        return "red"
    return "yellow" if day >= warn else "green"


def clocks_write(n: int, share: float, w: dict, seed: int = 12) -> list[int]:
    """Write ``n`` clocks; return the positions whose lamp moves on TODAY."""
    from zhengtong.cases.clock import calendar
    from zhengtong.core.db import rows_insert
    from zhengtong.supervision.models import Clock, SupervisionPolicy
    from zhengtong.supervision.services.sync import warn_on_for

    rng = random.Random(seed)
    cal = calendar()
    policy = SupervisionPolicy(yellow_days_left=2)
    yesterday = TODAY - timedelta(days=1)
    # due dates whose lamp moves overnight vs. those that do not
    moving, still = [], []
    for offset in range(-30, 61):
        due = TODAY + timedelta(days=offset)
        warn = warn_on_for(cal, policy, due - timedelta(days=28), due)
        pair = (due, warn)
        (
            moving
            if lamp_on(TODAY, due, warn) != lamp_on(yesterday, due, warn)
            else still
        ).append(pair)
    kinds = [k for k, _ in KINDS]
    weights = [p for _, p in KINDS]
    columns = (
        "kind", "object_id", "number", "title", "case_id", "region_code", "department_id",
        "owner_id", "started_on", "due_date", "warn_on", "state", "lamp", "lamp_since",
        "red_since", "provisional",
    )  # fmt: skip
    rows = []
    changing = []
    for i in range(n):
        state = "running" if rng.random() < 0.95 else "suspended"
        moves = state == "running" and rng.random() < share
        due, warn = rng.choice(moving if moves else still)
        if moves:
            changing.append(i)
        lamp = lamp_on(yesterday, due, warn)
        dept = rng.choice(w["departments"])
        rows.append(
            (
                rng.choices(kinds, weights)[0],
                i + 1,
                f"511602-2026-{i:07d}",
                "营业执照办理",
                i + 1,
                "511602000000",
                dept,
                rng.choice(w["owners"][dept]),
                due - timedelta(days=28),
                due,
                warn,
                state,
                lamp,
                yesterday,
                due + timedelta(days=1) if lamp == "red" else None,
                False,
            )
        )
        if len(rows) == 50_000:
            rows_insert(Clock, columns, rows)
            rows = []
    rows_insert(Clock, columns, rows)
    return changing


class Counter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--clocks", type=int, default=1_000_000)
    parser.add_argument("--share", type=float, default=0.02)
    args = parser.parse_args()
    common.database_recreate()
    common.django_setup({"WORKDAYS_PROVISIONAL_YEARS": "2"})
    common.migrate()
    from django.db import connection

    import time_machine

    from zhengtong.supervision.models import Alert, Clock
    from zhengtong.supervision.services.sweep import supervision_sweep

    result: dict = {
        "machine": common.machine(),
        "clocks": args.clocks,
        "share": args.share,
    }
    t = time.perf_counter()
    w = world()
    changing = clocks_write(args.clocks, args.share, w)
    with connection.cursor() as cursor:
        # steady state: clocks red for days already had their order drafted
        cursor.execute(
            "INSERT INTO supervision_supervisionorder (number, target, case_id, clock_id,"
            " department_id, reason, action, reply_days, due_date_provisional, state, level,"
            " auto, created_at, updated_at) SELECT 'B' || id, 'case', case_id, id,"
            " department_id, '超期', '督办', 3, false, 'draft', 1, true, now(), now()"
            " FROM supervision_clock WHERE lamp = 'red' AND red_since < %s",
            [TODAY - timedelta(days=4)],
        )
        result["orders_steady_state"] = cursor.rowcount
        cursor.execute(
            "UPDATE supervision_clock SET escalated_on = red_since + 3"
            " WHERE lamp = 'red' AND red_since < %s",
            [TODAY - timedelta(days=4)],
        )
        cursor.execute("VACUUM ANALYZE supervision_clock")
        cursor.execute("VACUUM ANALYZE supervision_supervisionorder")
    result["fill_s"] = round(time.perf_counter() - t, 1)
    result["expected_changes"] = len(changing)
    counter = Counter()
    with time_machine.travel(NOW, tick=True), connection.execute_wrapper(counter):
        t = time.perf_counter()
        summary = supervision_sweep()
        result["sweep_s"] = round(time.perf_counter() - t, 2)
        result["sweep_statements"] = counter.n
        result["summary"] = summary
        result["alerts"] = Alert.objects.count()
        t = time.perf_counter()
        again = supervision_sweep()
        result["second_run_s"] = round(time.perf_counter() - t, 2)
        result["second_run_changed"] = again["changed"]
    # baseline: the same rows, back to yesterday's lamp, then one plain UPDATE
    ids = list(
        Clock.objects.filter(lamp_since=TODAY, state="running").values_list(
            "pk", flat=True
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE supervision_clock SET lamp = 'green' WHERE id = ANY(%s)", [ids]
        )
        cursor.execute("VACUUM ANALYZE supervision_clock")
        t = time.perf_counter()
        cursor.execute(
            "UPDATE supervision_clock SET lamp = 'yellow', lamp_since = %s WHERE id = ANY(%s)",
            [TODAY, ids],
        )
        result["plain_update_s"] = round(time.perf_counter() - t, 2)
    result["plain_update_rows"] = len(ids)
    result["ratio_sweep_to_plain_update"] = round(
        result["sweep_s"] / max(result["plain_update_s"], 1e-6), 1
    )
    result["loadavg_1m"] = round(os.getloadavg()[0], 1)
    result["target_s"] = TARGET_S
    result["ok"] = (
        result["sweep_s"] <= TARGET_S
        and summary["changed"] == len(changing)
        and again["changed"] == 0
    )
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
