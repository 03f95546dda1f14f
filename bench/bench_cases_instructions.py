"""
Instructions per case submission, counted by valgrind (issue 3).

CPU time per request moves by ±30 % with whatever else the 2-vCPU machine is
doing; the number of instructions the server's Python executes for one
request does not (callgrind counts them, the same total run after run). This
script

  1. recreates the database ``zt_perf_cases_cg`` (BENCH_DB) with one item and
     one applicant, natively;
  2. runs itself again under ``valgrind --tool=callgrind`` with
     instrumentation off, calls the WSGI application (all middleware, the
     API, PostgreSQL through psycopg) 20 times to warm up, switches
     instrumentation on (``callgrind_control -i on``) for N submissions and
     off again;
  3. prints instructions per submission (only this Python process;
     PostgreSQL's share is measured by bench_cases_cpu.py).

    .venv/bin/python bench/bench_cases_instructions.py [-n 20]

Needs valgrind (Debian package) and PostgreSQL on 127.0.0.1:55432
(bench/servers.sh start). About a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("BENCH_DB", "zt_perf_cases_cg")
# one persistent connection, as a WSGI worker thread keeps from its pool
os.environ.setdefault("DB_POOL", "false")
os.environ.setdefault("DB_CONN_MAX_AGE", "600")

import bench_cases_common as common


def measured_run(item_code: str, token: str, n: int) -> None:
    """Inside valgrind: warm up, then n submissions with instrumentation on."""
    from bench_http import wsgi_call

    common.django_setup({"REDIS_URL": common.REDIS_URL})
    from config.wsgi import application

    body = json.dumps({"item_code": item_code}).encode()
    for _ in range(20):
        status, data = wsgi_call(
            application, "POST", "/api/v1/cases/", token=token, body=body
        )
    if status != 201:
        raise SystemExit(f"unexpected answer {status}: {data[:200]!r}")
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], capture_output=True)
    for _ in range(n):
        wsgi_call(application, "POST", "/api/v1/cases/", token=token, body=body)
    subprocess.run(["callgrind_control", "-i", "off", pid], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--inside", nargs=2, metavar=("ITEM", "TOKEN"))
    args = parser.parse_args()
    if args.inside:
        measured_run(*args.inside, args.n)
        return
    import bench_cases_submit as submit

    item_code, tokens = submit.setup(1)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "-n",
                str(args.n),
                "--inside",
                item_code,
                tokens[0],
            ],
            check=True,
            capture_output=True,
        )
        totals = [
            int(line.split()[1])
            for line in out.read_text().splitlines()
            if line.startswith("totals:")
        ]
    per_request = sum(totals) / args.n
    print("machine:", common.machine())
    print(
        json.dumps(
            {
                "name": "POST /api/v1/cases/ in-process, instructions (callgrind)",
                "n": args.n,
                "instructions_per_request": round(per_request),
            }
        )
    )


if __name__ == "__main__":
    main()
