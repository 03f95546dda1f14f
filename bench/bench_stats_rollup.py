"""
Benchmark the statistics rollups (issue 15): full rebuild and incremental
throughput on PostgreSQL.

Run from the repository root, with bench/servers.sh started:

    .venv/bin/python bench/bench_stats_rollup.py                   # 200,000 cases
    .venv/bin/python bench/bench_stats_rollup.py --cases 1000000
    .venv/bin/python bench/bench_stats_rollup.py --keep            # reuse the filled database
    BENCH_DB=zt_b5_1m .venv/bin/python bench/bench_stats_rollup.py --keep --cases 1000000
                                    # a copy of a filled 1,000,000-case database

On its own database (``zt_perf_stats``, dropped and created unless
``--keep``):

  1. migrate; a county (30 departments, 7 staff each, 100 items, 12
     counters); ``--cases`` cases over 2025 written by ``INSERT … SELECT
     generate_series`` (not the ORM): 85 % concluded (decided 1–9 days
     after acceptance, some extended or suspended), 10 % open, 5 %
     refused; and their audit events the same way (submit, accept or
     refuse, conclude: about 2.85 per case); ``--tickets`` queue tickets
     (default half the cases; 84 % finished with waiting and service
     times, 10 % no-show, 6 % cancelled; every third linked to a case)
     with an issue and a finish / no-show event each;
  0. **baseline** (same run, same load): reading every case row once
     into Python (``SELECT`` of the columns the facts need) — the floor
     under any rebuild;
  2. **rebuild**: ``stats_rebuild()`` (truncate, recompute every case fact
     from its row, write the day and month rollups) — target ≤ 120 s at
     1,000,000 cases;
  3. **incremental**: ``--events`` open cases are concluded (one UPDATE)
     with one new event each (the worst case: every event a different
     case), then ``stats_refresh()`` folds them in — target ≥ 1,000
     events/s; then the realistic stream: ``--events`` events on
     ``--events`` / 5 cases (five events each, as a case's life gives);
     the rollups are then compared with a second rebuild (must be equal).

Prints one JSON document (the figures for docs/performance.md) and one
summary line per figure with its target.
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
os.environ.setdefault("BENCH_DB", "zt_perf_stats")

import bench_cases_common as common  # noqa: E402

DEPARTMENTS = 30
STAFF_PER_DEPT = 7
ITEMS = 100
COUNTERS = 12
PASSWORD = "bench-only-password"  # noqa: S105 (nobody logs in)

# the expressions of the generated columns ("g" is the generate_series value)
CASE_EXPR = {
    "number": "'B' || g",
    "query_code": "lpad((g %% 99999999)::text, 8, '0')",
    "item_id": "({items})[1 + g %% 100]",
    "item_version_id": "({versions})[1 + g %% 100]",
    "department_id": "({item_depts})[1 + g %% 100]",
    "region_code": "'511602000000'",
    "applicant_id": "{applicant}",
    "applicant_name": "'张三'",
    "channel": "(ARRAY['online','counter','mobile','kiosk'])[1 + g %% 4]",
    "status": (
        "CASE WHEN g %% 20 = 0 THEN 'rejected_at_intake' "
        "WHEN g %% 10 = 1 THEN 'accepted' ELSE 'concluded' END"
    ),
    "handling_mode": "CASE WHEN g %% 25 = 0 THEN 'immediate' ELSE 'committed' END",
    "submitted_at": "(DATE '2025-01-01' + (g %% 365)) + TIME '01:30'",
    "received_date": "DATE '2025-01-01' + (g %% 365)",
    "accepted_at": (
        "CASE WHEN g %% 20 = 0 THEN NULL ELSE (DATE '2025-01-01' + (g %% 365)) + TIME '02:00' END"
    ),
    "accepted_date": "CASE WHEN g %% 20 = 0 THEN NULL ELSE DATE '2025-01-01' + (g %% 365) END",
    "promised_days": "10",
    "statutory_days": "20",
    "suspended_days": "CASE WHEN g %% 40 = 7 THEN 2 ELSE 0 END",
    "extension_days": "CASE WHEN g %% 50 = 3 THEN 5 ELSE 0 END",
    "due_date": "DATE '2025-01-01' + (g %% 365) + 10",
    "decided_at": (
        "CASE WHEN g %% 20 = 0 OR g %% 10 = 1 THEN NULL "
        "ELSE (DATE '2025-01-01' + (g %% 365) + 1 + (g / 7) %% 13) + TIME '03:00' END"
    ),
    "concluded_at": (
        "CASE WHEN g %% 20 = 0 OR g %% 10 = 1 THEN NULL "
        "ELSE (DATE '2025-01-01' + (g %% 365) + 1 + (g / 7) %% 13) + TIME '03:00' END"
    ),
    "outcome": "CASE WHEN g %% 20 = 0 OR g %% 10 = 1 THEN '' ELSE 'approve' END",
}


def world() -> dict:
    from django.conf import settings

    from zhengtong.accounts.constants import Role
    from zhengtong.accounts.services import roles_bootstrap, user_create
    from zhengtong.catalog.models import Counter, Department, Hall, Region
    from zhengtong.queueing.models import Category

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    roles_bootstrap()
    region = Region.objects.create(code="511602000000", name="广安区", level="county")
    depts = [
        Department.objects.create(region=region, name=f"部门{i:02d}")
        for i in range(DEPARTMENTS)
    ]
    staff = [
        user_create(
            username=f"staff{i}_{k}",
            password=PASSWORD,
            roles=[Role.COUNTER_STAFF],
            department=d,
            is_staff=True,
        ).pk
        for i, d in enumerate(depts)
        for k in range(STAFF_PER_DEPT)
    ]
    items = [
        common.published_item(
            code=f"BENCH{k:03d}",
            name=f"事项{k:03d}",
            department=depts[k % DEPARTMENTS],
            region=region,
        )
        for k in range(ITEMS)
    ]
    hall = Hall.objects.create(region=region, name="政务服务大厅")
    counters = [
        Counter.objects.create(hall=hall, number=str(k + 1), name="综合窗口").pk
        for k in range(COUNTERS)
    ]
    category = Category.objects.create(
        hall=hall, code="bench", name="综合业务", prefix="A"
    )
    category.departments.set(depts)
    applicant = user_create(
        username="applicant", password=PASSWORD, roles=[Role.APPLICANT]
    )
    user_create(username="super", password=PASSWORD, roles=[Role.SUPERVISOR])
    return {
        "items": [i.pk for i in items],
        "versions": [i.current_version_id for i in items],
        "item_depts": [i.department_id for i in items],
        "item_dept_index": [k % DEPARTMENTS for k in range(ITEMS)],
        "staff": staff,
        "applicant": applicant.pk,
        "hall": hall.pk,
        "category": category.pk,
        "counters": counters,
    }


def _array(values: list[int]) -> str:
    return "ARRAY[" + ",".join(str(int(v)) for v in values) + "]::bigint[]"


def _series_insert(model, expr: dict[str, str], arrays: dict[str, str], n: int) -> None:
    """INSERT … SELECT over generate_series(1, n): ``expr`` per column, defaults elsewhere."""
    from django.db import connection

    cols, exprs, params = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        name = f.attname
        if name in expr:
            cols.append(name)
            exprs.append(expr[name].format(**arrays))
        elif name in ("created_at", "updated_at"):
            cols.append(name)
            exprs.append("now()")
        elif not f.null:
            cols.append(name)
            default = f.get_default() if f.has_default() else ""
            if f.get_internal_type() == "JSONField":
                default = json.dumps(default)
            exprs.append("%s")
            params.append(default)
    cols_sql = ", ".join(f'"{c}"' for c in cols)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {model._meta.db_table} ({cols_sql}) "
            f"SELECT {', '.join(exprs)} FROM generate_series(1, %s) g",
            [*params, n],
        )


EVENT_COLS = (
    "stream, seq, created_at, actor_id, actor_label, action, object_type, object_id, "
    "from_state, to_state, reason, details, prev_hash, hash"
)

# queue tickets of 2025: arrival 08:30–16:29 local (00:30–08:29 UTC), waits
# of 0–59 minutes, services of 3–22 minutes
TICKET_EXPR = {
    "hall_id": "{hall}",
    "category_id": "{category}",
    "issued_category_id": "{category}",
    "service_date": "DATE '2025-01-01' + (g %% 365)",
    "seq": "g",
    "number": "'A' || lpad((g %% 1000)::text, 3, '0')",
    "token": "md5('ticket' || g)",
    "status": (
        "CASE WHEN g %% 10 = 0 THEN 'no_show' WHEN g %% 16 = 1 THEN 'cancelled' "
        "ELSE 'finished' END"
    ),
    "channel": "(ARRAY['kiosk','mobile','staff','appointment'])[1 + g %% 4]",
    "arrival_at": (
        "(DATE '2025-01-01' + (g %% 365)) + TIME '00:30' + make_interval(mins => (g * 7) %% 480)"
    ),
    "called_at": (
        "CASE WHEN g %% 16 = 1 THEN NULL ELSE (DATE '2025-01-01' + (g %% 365)) + TIME '00:30' "
        "+ make_interval(mins => (g * 7) %% 480 + (g * 13) %% 60) END"
    ),
    "served_at": (
        "CASE WHEN g %% 10 = 0 OR g %% 16 = 1 THEN NULL ELSE (DATE '2025-01-01' + (g %% 365)) "
        "+ TIME '00:31' + make_interval(mins => (g * 7) %% 480 + (g * 13) %% 60) END"
    ),
    "finished_at": (
        "CASE WHEN g %% 10 = 0 OR g %% 16 = 1 THEN NULL ELSE (DATE '2025-01-01' + (g %% 365)) "
        "+ TIME '00:34' + make_interval(mins => (g * 7) %% 480 + (g * 13) %% 60 + g %% 20) END"
    ),
    "counter_id": "CASE WHEN g %% 16 = 1 THEN NULL ELSE ({counters})[1 + g %% {n_counters}] END",
    "staff_id": "CASE WHEN g %% 16 = 1 THEN NULL ELSE ({staff})[1 + g %% {n_staff}] END",
    "service_item_id": "({items})[1 + g %% 100]",
    "case_id": "CASE WHEN g %% 3 = 0 AND g <= {cases} THEN {first_case} - 1 + g END",
}


def tickets_write(t: int, n_cases: int, w: dict) -> None:
    """INSERT … SELECT generate_series: t tickets and their events (issue; finish / no-show)."""
    from django.db import connection

    from zhengtong.queueing.models import Ticket

    with connection.cursor() as cur:
        cur.execute("SELECT min(id) FROM cases_case")
        first_case = cur.fetchone()[0]
        arrays = {
            "hall": str(int(w["hall"])),
            "category": str(int(w["category"])),
            "counters": _array(w["counters"]),
            "n_counters": str(len(w["counters"])),
            "staff": _array(w["staff"]),
            "n_staff": str(len(w["staff"])),
            "items": _array(w["items"]),
            "cases": str(int(n_cases)),
            "first_case": str(int(first_case)),
        }
        _series_insert(Ticket, TICKET_EXPR, arrays, t)
        cur.execute("SELECT min(id) FROM queueing_ticket")
        first = cur.fetchone()[0]
        ident = f"({int(first)} - 1 + g)"
        base = f"FROM generate_series(1, {int(t)}) g"
        cur.execute(
            f"INSERT INTO core_auditevent ({EVENT_COLS}) SELECT "
            f"'queueing.ticket:' || {ident}, 1, now(), NULL, '', 'issue', 'queueing.ticket', "
            f"{ident}::text, '', 'waiting', '', '{{}}', '', md5(g::text) {base}"
        )
        cur.execute(
            f"INSERT INTO core_auditevent ({EVENT_COLS}) SELECT "
            f"'queueing.ticket:' || {ident}, 2, now(), NULL, '', "
            f"CASE WHEN g % 10 = 0 THEN 'no_show' ELSE 'finish' END, 'queueing.ticket', "
            f"{ident}::text, 'serving', CASE WHEN g % 10 = 0 THEN 'no_show' ELSE 'finished' END, "
            f"'', '{{}}', '', md5(g::text) {base} WHERE g % 16 <> 1"
        )
        cur.execute("VACUUM ANALYZE queueing_ticket")


def cases_write(n: int, w: dict) -> None:
    """INSERT … SELECT generate_series: n cases and their events."""
    from django.db import connection

    from zhengtong.cases.models import Case

    arrays = {
        "items": _array(w["items"]),
        "versions": _array(w["versions"]),
        "item_depts": _array(w["item_depts"]),
        "applicant": str(int(w["applicant"])),
    }
    _series_insert(Case, CASE_EXPR, arrays, n)
    # staff of the item's department: the acceptance's actor
    staff = _array(w["staff"])
    dept_index = _array(w["item_dept_index"])
    actor = f"({staff})[1 + ({dept_index})[1 + g % 100] * {STAFF_PER_DEPT} + (g / 100) % {STAFF_PER_DEPT}]"
    event_cols = EVENT_COLS
    with connection.cursor() as cur:
        cur.execute("SELECT min(id) FROM cases_case")
        first = cur.fetchone()[0]
        base = f"FROM generate_series(1, {int(n)}) g"
        ident = f"({int(first)} - 1 + g)"
        cur.execute(
            f"INSERT INTO core_auditevent ({event_cols}) SELECT "
            f"'cases.case:' || {ident}, 1, now(), NULL, '', 'submit', 'cases.case', {ident}::text, "
            f"'draft', 'submitted', '', '{{}}', '', md5(g::text) {base}"
        )
        cur.execute(
            f"INSERT INTO core_auditevent ({event_cols}) SELECT "
            f"'cases.case:' || {ident}, 2, now(), {actor}, '', "
            f"CASE WHEN g % 20 = 0 THEN 'refuse' ELSE 'accept' END, 'cases.case', {ident}::text, "
            f"'submitted', 'accepted', '', '{{}}', '', md5(g::text) {base}"
        )
        cur.execute(
            f"INSERT INTO core_auditevent ({event_cols}) SELECT "
            f"'cases.case:' || {ident}, 3, now(), {actor}, '', 'conclude', 'cases.case', "
            f"{ident}::text, 'decided_approved', 'concluded', '', '{{}}', '', md5(g::text) "
            f"{base} WHERE NOT (g % 20 = 0 OR g % 10 = 1)"
        )
        cur.execute("VACUUM ANALYZE cases_case")
        cur.execute("VACUUM ANALYZE core_auditevent")


def conclude_open(m: int, per_case: int = 1) -> int:
    """
    Conclude m // per_case open cases (one UPDATE) with ``per_case`` new
    events each (the steps of a case's life, the last its conclusion);
    return the number of events.
    """
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "WITH picked AS (SELECT id FROM cases_case WHERE status = 'accepted' "
            "ORDER BY id LIMIT %s) "
            "UPDATE cases_case c SET status = 'concluded', outcome = 'approve', "
            "decided_at = c.accepted_at + interval '3 days', "
            "concluded_at = c.accepted_at + interval '3 days', updated_at = now() "
            "FROM picked WHERE c.id = picked.id RETURNING c.id",
            [m // per_case],
        )
        ids = [r[0] for r in cur.fetchall()]
        cur.execute(
            "INSERT INTO core_auditevent (stream, seq, created_at, actor_id, actor_label, "
            "action, object_type, object_id, from_state, to_state, reason, details, "
            "prev_hash, hash) SELECT 'cases.case:' || i, 8 + k, now(), NULL, '', "
            "CASE WHEN k = %s THEN 'conclude' ELSE 'step_complete' END, "
            "'cases.case', i::text, 'decided_approved', 'concluded', '', '{}', '', "
            "md5(i::text) FROM unnest(%s::bigint[]) i, generate_series(1, %s) k "
            "ORDER BY k, i",
            [per_case, ids, per_case],
        )
    return len(ids) * per_case


def baseline_read() -> float:
    """Seconds to read every case row's fact columns once into Python (the floor)."""
    from django.db import connection, transaction

    from zhengtong.stats.services.facts import CASE_COLUMNS

    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cols = ", ".join(f'"{c}"' for c in CASE_COLUMNS)
        cur.execute(f"SELECT {cols}, decided_at, concluded_at FROM cases_case")
        while cur.fetchmany(20000):
            pass
    return time.perf_counter() - t


def snapshot() -> set:
    from zhengtong.stats.services.facts import sources

    out = set()
    for source in sources():
        fields = [*source.key_fields, *source.measures]
        k = len(source.key_fields)
        out |= {
            (source.name, *r)
            for r in source.rollup_model._default_manager.values_list(*fields)
            if any(r[k:])
        }
    return out


def incremental(m: int, per_case: int) -> tuple[int, float, dict]:
    """Conclude open cases with m events in all, then time ``stats_refresh()``."""
    from zhengtong.stats.services.rollup import stats_refresh

    stats_refresh()  # nothing new: the cursor is at the newest event
    events = conclude_open(m, per_case)
    t = time.perf_counter()
    done = stats_refresh()
    return events, time.perf_counter() - t, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument(
        "--tickets", type=int, default=None, help="tickets of a new fill (cases / 2)"
    )
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="reuse the filled database")
    parser.add_argument(
        "--no-check", action="store_true", help="skip the second rebuild"
    )
    args = parser.parse_args()
    if not args.keep:
        common.database_recreate()
    common.django_setup({"WORKDAYS_PROVISIONAL_YEARS": "2"})
    from django.db import connection

    from zhengtong.stats.models_facts import CaseDaily, CaseFact, TicketFact
    from zhengtong.stats.services.rollup import stats_rebuild

    result: dict = {"machine": common.machine(), "cases": args.cases}
    t = time.perf_counter()
    common.migrate()
    if not args.keep:
        w = world()
        cases_write(args.cases, w)
        tickets = args.cases // 2 if args.tickets is None else args.tickets
        tickets_write(tickets, args.cases, w)
    result["fill_s"] = round(time.perf_counter() - t, 1)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM core_auditevent")
        result["events"] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM cases_case")
        n_cases = cur.fetchone()[0]
    result["load_before"] = os.getloadavg()[0]
    result["baseline_read_cases_s"] = round(baseline_read(), 1)
    t = time.perf_counter()
    stats_rebuild()
    took = time.perf_counter() - t
    result["rebuild_s"] = round(took, 1)
    result["rebuild_load"] = round(os.getloadavg()[0], 1)
    result["rebuild_cases_per_s"] = round(CaseFact.objects.count() / took)
    result["tickets"] = TicketFact.objects.count()
    result["rollup_rows"] = {
        grain: CaseDaily.objects.filter(grain=grain).count() for grain in "dwm"
    }
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE stats_casedaily")
        cur.execute("VACUUM ANALYZE stats_casefact")
    m, took, done = incremental(args.events, 1)
    result["incremental_events"] = m
    result["incremental_s"] = round(took, 2)
    result["incremental_events_per_s"] = round(m / took)
    result["incremental_objects"] = done
    m, took, done = incremental(args.events, 5)
    result["incremental_5_per_case_events"] = m
    result["incremental_5_per_case_s"] = round(took, 2)
    result["incremental_5_per_case_events_per_s"] = round(m / took)
    if not args.no_check:
        folded = snapshot()
        stats_rebuild()
        result["incremental_equals_rebuild"] = snapshot() == folded
    result["loadavg_1m"] = round(os.getloadavg()[0], 1)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    scale = n_cases / 1_000_000
    print(
        f"baseline (same run): read {n_cases:,} case rows: "
        f"{result['baseline_read_cases_s']} s"
    )
    print(
        f"rebuild {n_cases / 1e6:g}M: {result['rebuild_s']} s "
        f"(= {result['rebuild_s'] / scale:.0f} s per 1M; target ≤ 120 s; load "
        f"{result['rebuild_load']})"
    )
    print(
        f"incremental: {result['incremental_events_per_s']} events/s "
        f"(every event a different case; target ≥ 1000; load {result['loadavg_1m']})"
    )
    print(
        f"incremental: {result['incremental_5_per_case_events_per_s']} events/s "
        "(five events per case; target ≥ 1000)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
