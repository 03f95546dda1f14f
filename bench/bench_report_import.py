"""
Benchmark the 上报件 import (issue 14 item 2): taking a signed case package
in as an accepted case, against the walk-in intake and acceptance of the same
application (same applicant, same three files) measured in the same run (the
baseline: the import does that plus reading and verifying the package).

Run from the repository root (PostgreSQL on 127.0.0.1:55432 must be up):

    .venv/bin/python bench/bench_report_import.py [--rounds 40] [--kb 300]

On its own database (``BENCH_DB``, default ``zt_b3_perf_import``, dropped and
created): migrate; one department with a window, one item with a published
version of three required materials; a reported case with three PDF files
of ``--kb`` KB each. Then, in process (services, no HTTP), each round:

- **baseline**: ``case_counter_intake_walk_in`` with the three files, then
  ``case_accept`` (one transaction, as the import);
- **import**: ``package_import`` of a fresh package of the reported case
  (its opinion differs per round, so each is a new package, never the
  idempotent replay), built outside the timing;
- **replay**: ``package_import`` of a package already imported (verify and
  return the existing case).

Target: import p95 <= 1.5 x the baseline p95 (the package costs at most half
of what the intake itself costs); replay p95 <= 0.5 x the baseline p95.
Prints one summary line per figure and the load average.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("BENCH_DB", "zt_b3_perf_import")

import bench_cases_common as common  # noqa: E402

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
IMPORT_RATIO = 1.5
REPLAY_RATIO = 0.5
ID_NUMBER = "11010519491231002X"
PASSWORD = "bench-" + "pw-123456"


def pdf(kb: int, n: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Subject": f"材料{n} " + "x" * (kb * 1024)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def world(kb: int) -> dict:
    from django.core.files.base import ContentFile

    from zhengtong.accounts.constants import Role
    from zhengtong.accounts.services import user_create
    from zhengtong.cases import services
    from zhengtong.catalog.models import Department, Material, Region

    region = Region.objects.create(code="511602000000", name="广安区", level="county")
    dept = Department.objects.create(region=region, name="区行政审批局")
    item = common.published_item(
        code="BENCH-REPORT-1", name="上报件基准事项", department=dept, region=region
    )
    for order in range(1, 4):
        Material.objects.create(
            version=item.current_version, name=f"材料{order}", order=order
        )
    counter = user_create(
        username="bench_counter",
        password=PASSWORD,
        roles=[Role.COUNTER_STAFF],
        display_name="窗口",
        department=dept,
        is_staff=True,
    )
    files = [pdf(kb, n) for n in range(1, 4)]
    materials = list(item.current_version.materials.order_by("order"))

    def uploads():
        return [
            (m, ContentFile(data, name=f"m{k}.pdf"))
            for k, (m, data) in enumerate(zip(materials, files, strict=True))
        ]

    lower = services.case_counter_intake_walk_in(
        actor=counter,
        item=item,
        display_name="张三",
        id_number=ID_NUMBER,
        files=uploads(),
        now=NOW,
    )
    lower = services.case_accept(case=lower, actor=counter, now=NOW)
    return {
        "item": item,
        "counter": counter,
        "lower": lower,
        "uploads": uploads,
    }


def timed(fn, rounds: int, prepare=None) -> list[float]:
    out = []
    for k in range(rounds + 3):
        arg = prepare(k) if prepare else None
        t = time.perf_counter()
        fn(arg)
        if k >= 3:  # warm-up
            out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--kb", type=int, default=300, help="size of each file")
    args = parser.parse_args()
    common.database_recreate()
    common.django_setup({"ALLOWED_HOSTS": "testserver"})
    common.migrate()
    import time_machine

    from zhengtong.cases import services
    from zhengtong.cases.case_package import case_package_build

    with time_machine.travel(NOW, tick=True):
        w = world(args.kb)

        def baseline(_):
            case = services.case_counter_intake_walk_in(
                actor=w["counter"],
                item=w["item"],
                display_name="张三",
                id_number=ID_NUMBER,
                files=w["uploads"](),
                now=NOW,
            )
            services.case_accept(case=case, actor=w["counter"], now=NOW)

        def package(k):
            return case_package_build(
                case=w["lower"], opinion=f"经审查，报请决定（{k}）。"
            )[0]

        def import_(data):
            _receipt, created = services.package_import(
                actor=w["counter"], data=data, now=NOW
            )
            assert created

        replayed = package(-1)
        services.package_import(actor=w["counter"], data=replayed, now=NOW)

        def replay(_):
            _receipt, created = services.package_import(
                actor=w["counter"], data=replayed, now=NOW
            )
            assert not created

        base = common.summary(
            "baseline walk-in intake + accept", timed(baseline, args.rounds)
        )
        imp = common.summary(
            "package import (verify + intake + accept)",
            timed(import_, args.rounds, package),
        )
        rep = common.summary(
            "package re-import (idempotent)", timed(replay, args.rounds)
        )
    result = {
        "machine": common.machine(),
        "rounds": args.rounds,
        "file_kb": args.kb,
        "figures": [base, imp, rep],
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    ratio = imp["p95_ms"] / base["p95_ms"]
    ratio_replay = rep["p95_ms"] / base["p95_ms"]
    print(
        f"SUMMARY import p95 {imp['p95_ms']} ms vs baseline p95 {base['p95_ms']} ms: "
        f"x{ratio:.2f} (target <= x{IMPORT_RATIO}) "
        f"{'OK' if ratio <= IMPORT_RATIO else 'MISSED'}; load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"SUMMARY re-import p95 {rep['p95_ms']} ms: x{ratio_replay:.2f} of baseline "
        f"(target <= x{REPLAY_RATIO}) {'OK' if ratio_replay <= REPLAY_RATIO else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
