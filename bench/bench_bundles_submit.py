"""
Benchmark 一件事 bundle submission over HTTP (issue 14 item 3 figure).

Run from the repository root (PostgreSQL on 127.0.0.1:55432 and Redis on
127.0.0.1:56379 must be up):

    .venv/bin/python bench/bench_bundles_submit.py [--seconds 20] [--clients 8]
        [--workers 3]

What it does:
  1. recreates the database ``zt_perf_bundles_submit`` (BENCH_DB), migrates;
  2. creates three departments, five published items, a bundle whose
     answers select all five, and one applicant + token per client;
  3. starts gunicorn (3 sync WSGI workers, config.settings.prod, DEBUG off,
     REDIS_URL = redis db 6 for the notification queue) on BENCH_PORT;
  4. baseline in the same run: 8 keep-alive clients POST /api/v1/cases/
     {"item_code"} (one case per request) for --seconds;
  5. then the same clients POST /api/v1/cases/ {"bundle_code", "answers",
     "form_data"} (five sub-cases per request) for --seconds;
  6. prints bundles/s, p50/p95/p99, errors, the cases/s of both and the
     ratio; stops the server by PID and clears the Redis queue.
With --profile, no HTTP: the statements and in-process ms of one single case
and of one bundle (same data), the statements listed; --cprofile adds a
profile of each.
Target: >= 100 bundles/s, p95 <= 150 ms. Numbers go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import threading
import time

os.environ.setdefault("BENCH_DB", "zt_perf_bundles_submit")
os.environ.setdefault("BENCH_PORT", "18166")
os.environ.setdefault("BENCH_REDIS", "redis://127.0.0.1:56379/6")

import bench_cases_common as common

BENCH_PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-" + "pass-1")
ANSWERS = {"insure": "yes", "card": "yes", "mother_job": "employed"}
FORM = {"baby_name": "王小宝", "contact_phone": "13800001111", "employer": "某公司"}


def setup(clients: int) -> tuple[str, list[str]]:
    common.database_recreate()
    common.django_setup({"REDIS_URL": common.REDIS_URL})
    common.migrate()
    from rest_framework.authtoken.models import Token

    from zhengtong.accounts.constants import Role
    from zhengtong.accounts.services import user_create
    from zhengtong.bundles.models import (
        Bundle,
        BundleField,
        BundleItem,
        BundleQuestion,
        BundleRule,
    )
    from zhengtong.catalog.models import Department, Region

    region = Region.objects.create(code="511602000000", name="广安区", level="county")
    depts = [
        Department.objects.create(region=region, name=name, short_name=name[:4])
        for name in ("区卫生健康局", "区公安分局", "区医疗保障局")
    ]
    names = [
        "出生医学证明办理",
        "出生登记（户口）",
        "城乡居民医保参保登记",
        "社会保障卡申领",
        "生育津贴申领",
    ]
    items = [
        common.published_item(
            code=f"11511602MB000000{i}-511602000000-000-BENCH-{i}-00",
            name=name,
            department=depts[min(i, 2)],
            region=region,
        )
        for i, name in enumerate(names)
    ]
    bundle = Bundle.objects.create(code="newborn", name="新生儿出生一件事")
    rows = [
        BundleItem.objects.create(bundle=bundle, item=item, always=i < 2, order=i)
        for i, item in enumerate(items)
    ]
    for order, (key, kind, choices, row) in enumerate(
        [
            ("insure", "yes_no", [], rows[2]),
            ("card", "yes_no", [], rows[3]),
            (
                "mother_job",
                "choice",
                [["employed", "单位职工"], ["self_employed", "灵活就业"]],
                rows[4],
            ),
        ]
    ):
        question = BundleQuestion.objects.create(
            bundle=bundle, key=key, text=key, kind=kind, choices=choices, order=order
        )
        BundleRule.objects.create(
            bundle=bundle, question=question, value=ANSWERS[key], item=row
        )
    for order, key in enumerate(FORM):
        field = BundleField.objects.create(
            bundle=bundle, key=key, label=key, order=order
        )
        if key == "employer":
            field.items.set([rows[4]])
    tokens = []
    for i in range(clients):
        user = user_create(
            username=f"bench{i}",
            password=BENCH_PASSWORD,
            roles=[Role.APPLICANT],
            display_name=f"申请人{i}",
        )
        tokens.append(Token.objects.create(user=user).key)
    return items[0].item_code, tokens


def http_load(body: str, tokens: list[str], seconds: float, expect: int = 5):
    latencies: list[list[float]] = [[] for _ in tokens]
    errors = [0 for _ in tokens]
    stop = time.perf_counter() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", common.PORT, timeout=30)
        headers = {
            "Authorization": f"Token {tokens[i]}",
            "Content-Type": "application/json",
        }
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            conn.request("POST", "/api/v1/cases/", body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            latencies[i].append((time.perf_counter() - t0) * 1000)
            if resp.status != 201 or (
                expect > 1 and len(json.loads(data)["sub_cases"]) != expect
            ):
                errors[i] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(tokens))]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    flat = [x for row in latencies for x in row]
    return len(flat), elapsed, flat, sum(errors)


def loadavg() -> str:
    with open("/proc/loadavg") as handle:
        return handle.read().strip()


def redis_clear() -> None:
    try:
        import redis

        redis.Redis.from_url(common.REDIS_URL).flushdb()
    except Exception as exc:
        print("redis clear failed:", exc)


def profile(item_code: str, rounds: int, cprofile: bool) -> None:
    """
    In-process (no HTTP): statements and time of one bundle submission
    (``bundle_application_submit``, five sub-cases) and of one single case
    (``case_create``) — the service paths the HTTP figures pay for.
    """
    import cProfile
    import pstats
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhengtong.accounts.models import User
    from zhengtong.bundles.services import bundle_application_submit
    from zhengtong.cases.selectors import item_for_application_get
    from zhengtong.cases.services import case_create

    user = User.objects.get(username="bench0")

    def bundle() -> None:
        bundle_application_submit(
            bundle_code="newborn",
            applicant=user,
            actor=user,
            answers=ANSWERS,
            form_data=FORM,
        )

    def single() -> None:
        case_create(
            applicant=user,
            item=item_for_application_get(code=item_code),
            actor=user,
        )

    for name, run in (("single case", single), ("bundle of 5", bundle)):
        for _ in range(10):  # warm-up: caches, prepared statements
            run()
        with CaptureQueriesContext(connection) as queries:
            run()
        times = []
        cpu0 = time.process_time()
        for _ in range(rounds):
            t0 = time.perf_counter()
            run()
            times.append((time.perf_counter() - t0) * 1000)
        cpu_ms = (time.process_time() - cpu0) * 1000 / rounds
        print(
            json.dumps(
                {
                    "name": f"in-process {name}",
                    "statements": len(queries),
                    "median_ms": round(statistics.median(times), 2),
                    "p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))], 2),
                    # this process's CPU (the web worker's share; not the
                    # database's): less moved by the other load than wall time
                    "python_cpu_ms": round(cpu_ms, 2),
                    "rounds": rounds,
                    "loadavg": loadavg(),
                },
                ensure_ascii=False,
            )
        )
        for query in queries:
            print("   ", query["sql"][:110])
        if cprofile:
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(rounds):
                run()
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats("zhengtong", 40)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="in-process only: statements and ms per bundle and per single case",
    )
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--cprofile", action="store_true")
    args = parser.parse_args()
    print("machine:", common.machine())
    print("load before:", loadavg())
    item_code, tokens = setup(args.clients)
    if args.profile:
        profile(item_code, args.rounds, args.cprofile)
        return
    redis_clear()
    proc = common.server_start({"REDIS_URL": common.REDIS_URL}, workers=args.workers)
    single = json.dumps({"item_code": item_code})
    bundle = json.dumps(
        {"bundle_code": "newborn", "answers": ANSWERS, "form_data": FORM},
        ensure_ascii=False,
    ).encode()
    try:
        http_load(single, tokens, 3, expect=1)  # warm-up
        n1, e1, lat1, err1 = http_load(single, tokens, args.seconds, expect=1)
        http_load(bundle, tokens, 3)  # warm-up
        n5, e5, lat5, err5 = http_load(bundle, tokens, args.seconds)
    finally:
        common.server_stop(proc)
    s1 = {**common.summary("single case POST /api/v1/cases/", lat1)}
    s1.update(rate_per_s=round(n1 / e1, 1), errors=err1)
    s5 = {**common.summary("bundle of 5 POST /api/v1/cases/", lat5)}
    s5.update(
        rate_per_s=round(n5 / e5, 1), cases_per_s=round(5 * n5 / e5, 1), errors=err5
    )
    print(json.dumps(s1, ensure_ascii=False))
    print(json.dumps(s5, ensure_ascii=False))
    print(
        f"cases/s bundled vs single: {5 * n5 / e5:.1f} vs {n1 / e1:.1f}"
        f" (ratio {(5 * n5 / e5) / (n1 / e1):.2f})"
    )
    print("load after:", loadavg())
    print(
        "target >= 100 bundles/s:",
        "PASS" if n5 / e5 >= 100 else "FAIL",
        "| p95 <= 150 ms:",
        "PASS" if s5["p95_ms"] <= 150 else "FAIL",
    )
    redis_clear()


if __name__ == "__main__":
    main()
