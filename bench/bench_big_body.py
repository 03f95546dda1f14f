"""
Bounded requests against the embedded default server (daphne): send a 200 MB
body (declared, then chunked), a 45 KB query string and a 50 MB upload, and
report what the server answered and how much the process grew.

Target (issue 17): each refused, the process growing by less than 50 MB.
Loopback only; the server runs in its own process group and is stopped at the
end.   .venv/bin/python bench/bench_big_body.py [--port 8791] [--mb 200]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = b"x" * (1024 * 1024)


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children, in MB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def send(port: int, head: bytes, body_mb: int = 0, chunked: bool = False) -> str:
    """Send ``head`` then ``body_mb`` MB (stopping when the server closes)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sent = 0
    try:
        sock.sendall(head)
        for _ in range(body_mb):
            data = CHUNK
            if chunked:
                data = b"%x\r\n" % len(CHUNK) + CHUNK + b"\r\n"
            sock.sendall(data)
            sent += 1
        if chunked:
            sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        answer = sock.recv(4096).decode("utf-8", "replace")
    except (ConnectionResetError, TimeoutError):
        answer = ""
    sock.close()
    status = answer.split("\r\n", 1)[0] or "(no answer)"
    body = answer.split("\r\n\r\n", 1)[1][:120] if "\r\n\r\n" in answer else ""
    return f"{status} {body} (sent {sent} MB)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--mb", type=int, default=200)
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="zt-bigbody-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "VAR_DIR": var,
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/daphne"),
            *("-b", "127.0.0.1", "-p", str(args.port)),
            "config.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", args.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        host = b"Host: 127.0.0.1\r\n"
        warm = send(args.port, b"GET /api/v1/nope/ HTTP/1.1\r\n" + host + b"\r\n")
        before = rss_mb(server.pid)
        results = {"warm-up GET": warm}
        size = args.mb * 1024 * 1024
        multipart = b"Content-Type: multipart/form-data; boundary=zz\r\n"
        cases = [
            (
                f"{args.mb} MB multipart, Content-Length",
                b"POST /api/v1/queue/tickets/ HTTP/1.1\r\n"
                + host
                + multipart
                + b"Content-Length: %d\r\n\r\n" % size,
                args.mb,
                False,
            ),
            (
                f"{args.mb} MB multipart, chunked",
                b"POST /api/v1/queue/tickets/ HTTP/1.1\r\n"
                + host
                + multipart
                + b"Transfer-Encoding: chunked\r\n\r\n",
                args.mb,
                True,
            ),
            (
                "50 MB upload, Content-Length",
                b"POST /api/v1/cases/1/materials/ HTTP/1.1\r\n"
                + host
                + multipart
                + b"Content-Length: %d\r\n\r\n" % (50 * 1024 * 1024),
                50,
                False,
            ),
            (
                "2 MB JSON, Content-Length",
                b"POST /api/v1/auth/token/ HTTP/1.1\r\n"
                + host
                + b"Content-Type: application/json\r\n"
                + b"Content-Length: %d\r\n\r\n" % (2 * 1024 * 1024),
                2,
                False,
            ),
            (
                "45 KB query string",
                b"GET /api/v1/cases/?q="
                + b"a" * 45000
                + b" HTTP/1.1\r\n"
                + host
                + b"\r\n",
                0,
                False,
            ),
        ]
        peak = before
        for name, head, mb, chunked in cases:
            results[name] = send(args.port, head, mb, chunked)
            time.sleep(0.5)
            peak = max(peak, rss_mb(server.pid))
        after = rss_mb(server.pid)
        report = {
            "rss_before_mb": round(before, 1),
            "rss_after_mb": round(after, 1),
            "rss_peak_seen_mb": round(peak, 1),
            "growth_mb": round(max(after, peak) - before, 1),
            "answers": results,
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        sys.exit(0 if report["growth_mb"] < 50 else 1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
