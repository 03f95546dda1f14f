"""
Benchmark the monthly bulletin (issue 12): a month of a county, 150,000 cases.

Run from the repository root, with bench/servers.sh started:

    bench/servers.sh start
    .venv/bin/python bench/bench_supervision_bulletin.py               # 150,000 cases
    .venv/bin/python bench/bench_supervision_bulletin.py --cases 20000

On its own PostgreSQL database (``zt_perf_supervision_bulletin``, dropped and
created):

  1. migrate; a county (511602) with 30 departments and a neighbouring
     county with 10 (their rows must be left out), 600 staff;
  2. write by COPY (``core.db.rows_insert``), for March 2026 in the county:
     ``--cases`` promised-limit clocks closed in the month (6% late), as many
     statutory and step clocks, and the same again in February and in the
     other county; the sweep's ``lamp_changed`` events (a yellow for 15% of
     the cases, a red for 6%) among ten other audit events per case in the
     month (so the month's audit table holds ~1.7 million rows for the
     county), and the same load in February; 3,000 orders with 2,500
     replies, 1,000 decided breaches, 2,000 anomaly hits; VACUUM ANALYZE;
  3. time ``bulletin_figures`` (the JSON of the API) and ``bulletin_generate``
     (figures, text, PDF with Chinese fonts, archive row, audit event) for
     March and the county, ``--rounds`` times each, and report the slowest.

Target (issue 12): <= 10 s for the bulletin of a month of a county.
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
os.environ.setdefault("BENCH_DB", "zt_perf_supervision_bulletin")

import bench_cases_common as common  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = date(2026, 3, 1)
FEBRUARY = date(2026, 2, 1)
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=SHANGHAI)
COUNTY = "511602000000"
TARGET_S = 10.0


def world() -> dict:
    from zhengtong.catalog.models import Department, Region

    county = Region.objects.create(code=COUNTY, name="广安区", level="county")
    other = Region.objects.create(code="511621000000", name="岳池县", level="county")
    ours = [
        Department.objects.create(region=county, name=f"广安区部门{i:02d}")
        for i in range(30)
    ]
    theirs = [
        Department.objects.create(region=other, name=f"岳池县部门{i:02d}")
        for i in range(10)
    ]
    return {"ours": [d.pk for d in ours], "theirs": [d.pk for d in theirs]}


def month_days(month: date) -> list[date]:
    days, d = [], month
    while d.month == month.month:
        days.append(d)
        d += timedelta(days=1)
    return days


def case_clocks(case_id: int, dept: int, closed: date, late: bool) -> list[tuple]:
    """Return the case's three closed clocks (promised, statutory, a step)."""
    due = closed - timedelta(days=2) if late else closed + timedelta(days=3)
    return [
        (
            kind,
            case_id if kind != "step" else case_id * 10,
            f"N{case_id}",
            case_id,
            COUNTY,
            dept,
            due - timedelta(days=20),
            due,
            due - timedelta(days=2),
            "closed",
            "red" if late else "green",
            closed,
            late and kind == "case",
        )
        for kind in ("case", "case_statutory", "step")
    ]


def case_events(case_id: int, dept: int, closed: date, roll: float) -> list[tuple]:
    """Return ten events of the case and its clock's lamp changes (15% yellow, 6% red)."""
    moment = datetime.combine(closed, datetime.min.time(), SHANGHAI)
    stream = f"cases.case:{case_id}"
    events = [
        (
            stream,
            seq,
            moment + timedelta(minutes=seq),
            "窗口",
            "step_done",
            "cases.case",
            str(case_id),
            "",
            "",
            "{}",
            "x",
        )
        for seq in range(1, 11)
    ]
    lamps = ["yellow", "red"] if roll < 0.06 else ["yellow"] if roll < 0.15 else []
    for seq, lamp in enumerate(lamps, start=1):
        details = json.dumps(
            {"kind": "case", "from": "green", "to": lamp, "department": dept}
        )
        events.append(
            (
                f"supervision.clock:{case_id}",
                seq,
                moment - timedelta(days=3 - seq),
                "电子监察",
                "lamp_changed",
                "supervision.clock",
                str(case_id),
                "green",
                lamp,
                details,
                "x",
            )
        )
    return events


def fill(n: int, w: dict, seed: int = 12) -> dict:
    from django.db import connection

    from zhengtong.core.db import rows_insert
    from zhengtong.core.models import AuditEvent
    from zhengtong.supervision.models import (
        AnomalyHit,
        Breach,
        BreachKind,
        Clock,
        MeasureKind,
        OrderReply,
        SupervisionOrder,
    )

    rng = random.Random(seed)
    clock_cols = (
        "kind", "object_id", "number", "case_id", "region_code", "department_id",
        "started_on", "due_date", "warn_on", "state", "lamp", "closed_on", "closed_late",
    )  # fmt: skip
    event_cols = (
        "stream", "seq", "created_at", "actor_label", "action", "object_type",
        "object_id", "from_state", "to_state", "details", "hash",
    )  # fmt: skip
    next_id = 1
    counts = {"clocks": 0, "events": 0}
    for month in (MARCH, FEBRUARY):
        days = month_days(month)
        for departments, share in ((w["ours"], 1.0), (w["theirs"], 0.3)):
            cases = int(n * share)
            clocks, events = [], []
            for _case in range(cases):
                case_id = next_id
                next_id += 1
                dept = rng.choice(departments)
                closed = rng.choice(days)
                late = rng.random() < 0.06
                clocks.extend(case_clocks(case_id, dept, closed, late))
                events.extend(case_events(case_id, dept, closed, rng.random()))
                if len(events) >= 100_000:
                    rows_insert(AuditEvent, event_cols, events)
                    counts["events"] += len(events)
                    events = []
                if len(clocks) >= 60_000:
                    rows_insert(Clock, clock_cols, clocks)
                    counts["clocks"] += len(clocks)
                    clocks = []
            rows_insert(Clock, clock_cols, clocks)
            rows_insert(AuditEvent, event_cols, events)
            counts["clocks"] += len(clocks)
            counts["events"] += len(events)
    kinds = list(BreachKind.objects.values_list("pk", flat=True))
    measures = list(MeasureKind.objects.values_list("pk", flat=True))
    march = month_days(MARCH)
    orders = [
        SupervisionOrder(
            number=f"督〔2026〕{k:05d}号",
            target="case",
            case_id=k + 1,
            department_id=rng.choice(w["ours"]),
            reason="办件超期",
            action="立即办结",
            reply_days=3,
            issued_on=rng.choice(march),
            due_date=rng.choice(march) + timedelta(days=3),
            state=rng.choice(["open", "replied", "accepted", "returned"]),
        )
        for k in range(3000)
    ]
    SupervisionOrder.objects.bulk_create(orders, batch_size=1000)
    order_ids = list(SupervisionOrder.objects.values_list("pk", flat=True))
    OrderReply.objects.bulk_create(
        [OrderReply(order_id=pk, text="已办理") for pk in order_ids[:2500]],
        batch_size=1000,
    )
    # replies and closings in the month (replied_at is set on insert)
    in_march = datetime(2026, 3, 20, 10, tzinfo=SHANGHAI)
    OrderReply.objects.update(replied_at=in_march)
    SupervisionOrder.objects.filter(state="accepted").update(closed_at=in_march)
    Breach.objects.bulk_create(
        [
            Breach(
                number=f"诫{k:05d}",
                kind_id=rng.choice(kinds),
                department_id=rng.choice(w["ours"]),
                evidence_kind="case",
                evidence_text="超期",
                proposed_measure_id=rng.choice(measures),
                measure_id=rng.choice(measures),
                state="decided",
                decided_at=datetime.combine(
                    rng.choice(march), datetime.min.time(), SHANGHAI
                )
                + timedelta(hours=10),
            )
            for k in range(1000)
        ],
        batch_size=1000,
    )
    AnomalyHit.objects.bulk_create(
        [
            AnomalyHit(
                rule=rng.choice(["offbook", "step_reassigned", "repeated_refusal"]),
                object_kind="case",
                object_id=k,
                department_id=rng.choice(w["ours"]),
                detail="异常",
                found_on=rng.choice(march),
            )
            for k in range(2000)
        ],
        batch_size=1000,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--cases", type=int, default=150_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    common.database_recreate()
    common.django_setup({"WORKDAYS_PROVISIONAL_YEARS": "2"})
    common.migrate()
    import time_machine

    from zhengtong.supervision.services.bulletin import (
        bulletin_figures,
        bulletin_generate,
    )

    result: dict = {"machine": common.machine(), "cases": args.cases}
    t = time.perf_counter()
    w = world()
    result["rows"] = fill(args.cases, w)
    result["fill_s"] = round(time.perf_counter() - t, 1)
    figures_s, generate_s = [], []
    with time_machine.travel(NOW, tick=True):
        for _ in range(args.rounds):
            t = time.perf_counter()
            figures = bulletin_figures(month=MARCH, region_code=COUNTY)
            figures_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            bulletin = bulletin_generate(month=MARCH, region_code=COUNTY)
            generate_s.append(time.perf_counter() - t)
    result["figures_s"] = [round(s, 2) for s in figures_s]
    result["generate_s"] = [round(s, 2) for s in generate_s]
    result["pdf_bytes"] = bulletin.pdf.size
    result["totals"] = figures["totals"]
    result["departments_in_bulletin"] = len(figures["departments"])
    result["target_s"] = TARGET_S
    result["loadavg_1m"] = round(os.getloadavg()[0], 1)
    result["ok"] = (
        max(generate_s) <= TARGET_S
        and figures["totals"]["closed"] == args.cases
        and len(figures["departments"]) == 30
    )
    print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
