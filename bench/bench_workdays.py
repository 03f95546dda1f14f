"""
Benchmark the working-day calculator (and, optionally, its HTTP API).

Run from the repository root:

    .venv/bin/python bench/bench_workdays.py              # calculator figures
    .venv/bin/python bench/bench_workdays.py --http       # + API under gunicorn

Figures checked against the targets of issue 2 (printed PASS/FAIL):
  * ``WorkCalendar.add_working_days(start, 20)`` <= 5 us per call;
  * >= 20x faster than a day-by-day loop, measured in the same run;
  * 1,000,000 deadlines in <= 2 s (plain Python loop and the numpy batch
    ``add_working_days_many``; both are reported).

and of issue 11 (provisional years, 推定):
  * with the calendar built as production builds it (official 2024-2026 plus
    provisional 2027-2028 from ``statutory.statutory_days``),
    ``add_working_days(start, 20)`` followed by ``is_provisional(result)`` for
    starts across 2026-12-01 .. 2028-11-30 stays <= 5 us per call; the
    official-only calendar of the same run (starts in 2024-2026) is the
    baseline.

``--shortcut`` also measures the Django-level ``workdays.selectors.
add_working_days`` (cached ``calendar_get`` + cache check) on a throw-away
SQLite database under /tmp, into the official and the provisional years, and
checks that ``calendar_get()`` equals the calendar built here.  ``--http`` starts gunicorn with uvicorn workers
(``config.settings.prod``, DEBUG off) on 127.0.0.1 with its own SQLite file
under /tmp, fires GET /api/v1/workdays/deadline/ from threads and stops the
server by PID.  Record the numbers in docs/perf/workdays.md.
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_env import PROD_ENV  # noqa: E402

from zhengtong.workdays.calc import WorkCalendar  # noqa: E402
from zhengtong.workdays.official import official_sets  # noqa: E402


def naive_add(holidays: set[date], makeup: set[date], start: date, n: int) -> date:
    """Day-by-day reference: what a straightforward implementation does."""
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if day in makeup or (day.weekday() < 5 and day not in holidays):
            left -= 1
    return day


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_calc(total: int) -> dict[str, float]:
    holidays, makeup = official_sets()
    cal = WorkCalendar(holidays, makeup, range(2024, 2027))
    rng = random.Random(42)
    first, last = date(2024, 1, 1).toordinal(), date(2026, 10, 31).toordinal()
    starts = [date.fromordinal(rng.randint(first, last)) for _ in range(10_000)]

    t0 = time.perf_counter()
    WorkCalendar(holidays, makeup, range(2024, 2027))
    build_ms = (time.perf_counter() - t0) * 1e3

    add = cal.add_working_days
    loops = 20

    def fast():
        for _ in range(loops):
            for s in starts:
                add(s, 20)

    def slow():
        for s in starts:
            naive_add(holidays, makeup, s, 20)

    fast_us = best_of(5, fast) / (loops * len(starts)) * 1e6
    slow_us = best_of(3, slow) / len(starts) * 1e6
    # Same answers, so the comparison is fair.
    assert all(add(s, 20) == naive_add(holidays, makeup, s, 20) for s in starts[:2000])

    million = (starts * (total // len(starts) + 1))[:total]

    def loop_million():
        return [add(s, 20) for s in million]

    loop_s = best_of(3, loop_million)

    import numpy as np

    arr = np.array(million, dtype="datetime64[D]")
    batch_s = best_of(5, lambda: cal.add_working_days_many(arr, 20))
    from_list_s = best_of(3, lambda: cal.add_working_days_many(million, 20))
    assert (
        cal.add_working_days_many(arr[:5000], 20)
        == np.array([add(s, 20) for s in million[:5000]], dtype="datetime64[D]")
    ).all()
    between = cal.working_days_between
    pairs = list(zip(starts, starts[1:] + starts[:1], strict=True))
    between_us = (
        best_of(5, lambda: [between(a, b) for a, b in pairs]) / len(pairs) * 1e6
    )
    return {
        "build_ms": build_ms,
        "fast_us": fast_us,
        "slow_us": slow_us,
        "speedup": slow_us / fast_us,
        "loop_million_s": loop_s,
        "batch_million_s": batch_s,
        "batch_from_list_s": from_list_s,
        "between_us": between_us,
        "total": total,
    }


OFFICIAL_YEARS = range(2024, 2027)
PROVISIONAL_YEARS = (2027, 2028)


def provisional_calendar() -> WorkCalendar:
    """
    Build the calendar as ``workdays.selectors._build`` does after migrate.

    Official 2024-2026 from the shipped notices; for the provisional years the
    statutory days (``statutory.statutory_days``) are the national layer, no
    make-up day is guessed.
    """
    from zhengtong.workdays.statutory import statutory_days

    holidays, makeup = official_sets()
    derived = {d for year in PROVISIONAL_YEARS for d, _name in statutory_days(year)}
    return WorkCalendar(
        holidays | derived,
        makeup,
        OFFICIAL_YEARS,
        provisional_years=PROVISIONAL_YEARS,
    )


def bench_provisional() -> dict[str, float]:
    """
    Time deadlines that run into provisional years, with ``is_provisional``.

    Baseline: the official-only calendar of the same run, starts in 2024-2026
    (what issue 2 measured).  Inputs: 10,000 random starts each, n = 20.
    """
    holidays, makeup = official_sets()
    official = WorkCalendar(holidays, makeup, OFFICIAL_YEARS)
    from zhengtong.workdays.statutory import statutory_days

    t0 = time.perf_counter()
    cal = provisional_calendar()  # includes the first lunar computation
    first_build_ms = (time.perf_counter() - t0) * 1e3
    statutory_days.cache_clear()
    lunar_ms = best_of(
        3,
        lambda: (
            statutory_days.cache_clear(),
            [statutory_days(y) for y in PROVISIONAL_YEARS],
        ),
    )
    build_ms = best_of(3, provisional_calendar) * 1e3  # statutory days cached
    rng = random.Random(11)
    first, last = date(2024, 1, 1).toordinal(), date(2026, 10, 31).toordinal()
    old_starts = [date.fromordinal(rng.randint(first, last)) for _ in range(10_000)]
    first, last = date(2026, 12, 1).toordinal(), date(2028, 11, 30).toordinal()
    new_starts = [date.fromordinal(rng.randint(first, last)) for _ in range(10_000)]
    loops = 20

    def timed(calendar: WorkCalendar, starts: list[date], flag: bool) -> float:
        add = calendar.add_working_days
        provisional = calendar.is_provisional

        def run() -> None:
            for _ in range(loops):
                if flag:
                    for s in starts:
                        provisional(add(s, 20))
                else:
                    for s in starts:
                        add(s, 20)

        return best_of(5, run) / (loops * len(starts)) * 1e6

    # Same answers as the day-by-day reference on the provisional sets, and
    # the flag is right: every result on or after 2027-01-01 is provisional.
    all_holidays, all_makeup = cal.holidays, cal.makeup_workdays
    for s in new_starts[:2000]:
        due = cal.add_working_days(s, 20)
        assert due == naive_add(all_holidays, all_makeup, s, 20)
        assert cal.is_provisional(due) == (due.year >= 2027)
    provisional_share = sum(
        cal.is_provisional(cal.add_working_days(s, 20)) for s in new_starts
    ) / len(new_starts)
    return {
        "build_official_ms": best_of(
            3, lambda: WorkCalendar(holidays, makeup, OFFICIAL_YEARS)
        )
        * 1e3,
        "build_ms": build_ms,
        "first_build_ms": first_build_ms,
        "lunar_ms": lunar_ms * 1e3,
        "baseline_us": timed(official, old_starts, False),
        "baseline_flag_us": timed(official, old_starts, True),
        "same_starts_us": timed(cal, old_starts, False),
        "provisional_us": timed(cal, new_starts, False),
        "provisional_flag_us": timed(cal, new_starts, True),
        "share": provisional_share,
    }


def bench_shortcut() -> dict[str, float]:
    tmp = tempfile.mkdtemp(prefix="zt-bench-wd-")
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    db = Path(tmp) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
    for key, value in PROD_ENV.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from zhengtong.workdays.selectors import add_working_days, calendar_get

    add_working_days(date(2026, 2, 10), 20)  # build once
    built = calendar_get()
    mine = provisional_calendar()
    assert (built.years, built.provisional_years) == (
        mine.years,
        mine.provisional_years,
    )
    assert built.holidays == mine.holidays, "production build differs from the bench's"
    assert built.makeup_workdays == mine.makeup_workdays
    starts = [date(2024, 1, 1) + timedelta(days=i % 1000) for i in range(50_000)]
    per = best_of(3, lambda: [add_working_days(s, 20) for s in starts]) / len(starts)
    later = [date(2026, 12, 1) + timedelta(days=i % 700) for i in range(50_000)]
    provisional = built.is_provisional
    per_later = best_of(
        3, lambda: [provisional(add_working_days(s, 20)) for s in later]
    ) / len(later)
    return {"official_us": per * 1e6, "provisional_us": per_later * 1e6}


def _request_loop(port: int, paths: list[str], latencies: list[float], errors: list):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for p in paths:
        t0 = time.perf_counter()
        try:
            conn.request("GET", p)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                errors.append(resp.status)
        except (OSError, http.client.HTTPException) as exc:
            errors.append(repr(exc))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        latencies.append(time.perf_counter() - t0)
    conn.close()


def bench_http(port: int, requests: int, threads: int) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="zt-bench-wd-http-"))
    env = {
        **os.environ,
        **PROD_ENV,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(tmp / "static"),
        "REDIS_URL": "",
        "LOG_LEVEL": "ERROR",
    }
    py = str(ROOT / ".venv/bin/python")
    subprocess.run([py, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.asgi:application",
            "-k",
            "uvicorn_worker.UvicornWorker",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                c.request("GET", "/api/v1/workdays/deadline/?start=2026-02-10&days=20")
                r = c.getresponse()
                body = r.read()
                if r.status == 200:
                    assert b"2026-03-16" in body
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start")
        rng = random.Random(7)
        first = date(2024, 1, 1).toordinal()
        paths = [
            "/api/v1/workdays/deadline/?start="
            f"{date.fromordinal(first + rng.randint(0, 1000)).isoformat()}&days=20"
            for _ in range(requests)
        ]
        chunks = [paths[i::threads] for i in range(threads)]
        latencies: list[float] = []
        errors: list = []
        workers = [
            threading.Thread(target=_request_loop, args=(port, ch, latencies, errors))
            for ch in chunks
        ]
        t0 = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - t0
        latencies.sort()
        return {
            "requests": requests,
            "threads": threads,
            "rps": requests / elapsed,
            "p50_ms": statistics.median(latencies) * 1e3,
            "p95_ms": latencies[int(len(latencies) * 0.95)] * 1e3,
            "p99_ms": latencies[int(len(latencies) * 0.99)] * 1e3,
            "errors": len(errors),
        }
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--shortcut", action="store_true")
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--port", type=int, default=18731)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    print(
        f"# machine: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    r = bench_calc(args.total)
    ok = {
        "per_call": r["fast_us"] <= 5.0,
        "speedup": r["speedup"] >= 20.0,
        "million": min(r["loop_million_s"], r["batch_million_s"]) <= 2.0,
    }
    print(f"build WorkCalendar 2024-2026          : {r['build_ms']:.2f} ms")
    print(
        f"add_working_days(start, 20)            : {r['fast_us']:.3f} us/call "
        f"[{'PASS' if ok['per_call'] else 'FAIL'} <= 5 us]"
    )
    print(f"day-by-day loop, same inputs           : {r['slow_us']:.3f} us/call")
    print(
        f"speed-up                               : {r['speedup']:.1f}x "
        f"[{'PASS' if ok['speedup'] else 'FAIL'} >= 20x]"
    )
    print(f"working_days_between(a, b)             : {r['between_us']:.3f} us/call")
    print(f"{r['total']:,} deadlines, Python loop      : {r['loop_million_s']:.3f} s")
    print(
        f"{r['total']:,} deadlines, numpy batch      : {r['batch_million_s']:.3f} s "
        f"(from a list of date objects: {r['batch_from_list_s']:.3f} s)"
    )
    print(
        f"1M target                              : "
        f"[{'PASS' if ok['million'] else 'FAIL'} <= 2 s, best of the two; "
        f"loop alone {'PASS' if r['loop_million_s'] <= 2 else 'FAIL'}]"
    )
    p = bench_provisional()
    ok["provisional"] = p["provisional_flag_us"] <= 5.0
    print("-- provisional years (issue 11): official 2024-2026 + 推定 2027-2028 --")
    print(
        f"build WorkCalendar 2024-2028 (2 推定)    : {p['build_ms']:.2f} ms "
        f"(2024-2026 alone {p['build_official_ms']:.2f} ms); statutory days "
        f"2027-2028 (lunar-python) {p['lunar_ms']:.2f} ms; first build in the "
        f"process {p['first_build_ms']:.2f} ms"
    )
    print(
        f"baseline: official-only, starts 2024-26 : {p['baseline_us']:.3f} us/call "
        f"(+ is_provisional {p['baseline_flag_us']:.3f})"
    )
    print(
        f"2024-2028 calendar, same starts         : {p['same_starts_us']:.3f} us/call"
    )
    print(
        f"2024-2028, starts 2026-12 .. 2028-11     : {p['provisional_us']:.3f} us/call"
    )
    print(
        f"  + is_provisional(result)              : {p['provisional_flag_us']:.3f} us/call "
        f"[{'PASS' if ok['provisional'] else 'FAIL'} <= 5 us] "
        f"({p['share']:.1%} of the results are 推定; "
        f"{p['provisional_flag_us'] / p['baseline_us']:.2f}x the baseline)"
    )
    if args.shortcut:
        sc = bench_shortcut()
        print(
            f"selectors.add_working_days (Django)    : {sc['official_us']:.3f} us/call; "
            f"into 推定 years + is_provisional {sc['provisional_us']:.3f} us/call "
            "(calendar_get() == the calendar built here)"
        )
    if args.http:
        h = bench_http(args.port, args.requests, args.threads)
        print(
            f"HTTP deadline API, gunicorn 2 uvicorn workers, {h['threads']} client "
            f"threads, {h['requests']} requests: {h['rps']:.0f} req/s, "
            f"p50 {h['p50_ms']:.1f} ms, p95 {h['p95_ms']:.1f} ms, "
            f"p99 {h['p99_ms']:.1f} ms, errors {h['errors']}"
        )
    return 0 if all(ok.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
