"""
Shared helpers for the HTTP benchmarks: start/stop a production-like server
and drive it with wrk.

- ``server_start(env, port, workers, kind)``: gunicorn with sync WSGI workers
  (``kind="wsgi"``, the production topology for plain HTTP) or uvicorn ASGI
  workers (``kind="asgi"``, what serves WebSockets), on 127.0.0.1 only, in
  its own process group so that ``server_stop`` ends every worker.
- ``wrk_run(port, paths, ...)``: wrk (C, Debian package ``wrk``) with a Lua
  script that rotates over the given paths and prints p50/p95/p99/max and
  the error counts as JSON. wrk uses little CPU, which matters when server
  and load generator share two cores.

- ``wsgi_call(app, method, path, token=..., body=...)``: one request through
  a WSGI application in this process (all middleware), for CPU profiles.

Not a benchmark by itself; imported by bench_portal.py and others.
"""

import http.client
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"

WRK_SCRIPT = r"""
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
local headers = {}
local ctype = os.getenv("WRK_CONTENT_TYPE")
if ctype then headers["Content-Type"] = ctype end
local auth = os.getenv("WRK_AUTHORIZATION")
if auth then headers["Authorization"] = auth end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format(method, paths[i], headers, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, ' ..
    '"max": %f, "mean": %f, "status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, to print next to the figures."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def server_start(
    env: dict, port: int, workers: int = 2, kind: str = "wsgi"
) -> subprocess.Popen:
    """Start gunicorn (sync WSGI or uvicorn ASGI workers) and wait until it answers."""
    if kind == "wsgi":
        target = ["config.wsgi:application"]
    else:
        target = ["config.asgi:application", "-k", "uvicorn_worker.UvicornWorker"]
    proc = subprocess.Popen(
        [
            GUNICORN,
            *target,
            "-w",
            str(workers),
            "-b",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/v1/catalog/item-types/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    server_stop(proc)
    raise SystemExit("server did not start")


def server_stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def wrk_run(
    port: int,
    paths: list[str],
    *,
    clients: int = 8,
    seconds: float = 15.0,
    threads: int = 2,
    method: str = "GET",
    body: str | None = None,
    content_type: str | None = None,
    authorization: str | None = None,
) -> dict:
    """Run wrk against 127.0.0.1:port, rotating over ``paths``; return its figures (ms)."""
    with tempfile.TemporaryDirectory(prefix="zt-wrk-") as tmp:
        script = Path(tmp) / "rotate.lua"
        script.write_text(WRK_SCRIPT)
        listing = Path(tmp) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        extra = {
            "WRK_BODY": body,
            "WRK_CONTENT_TYPE": content_type,
            "WRK_AUTHORIZATION": authorization,
        }
        env = {
            **os.environ,
            "WRK_PATHS": str(listing),
            "WRK_METHOD": method,
            **{k: v for k, v in extra.items() if v is not None},
        }
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{clients}",
                f"-d{max(1, round(seconds))}s",
                "-s",
                str(script),
                f"http://{HOST}:{port}",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    r = json.loads(line.removeprefix("WRKJSON "))
    r["errors"] = r["status_errors"] + r["socket_errors"]
    r["rps"] = r["requests"] / r["seconds"] if r["seconds"] else 0.0
    return r


def wsgi_call(
    app, method: str, path: str, *, token: str = "", body: bytes = b""
) -> tuple[int, bytes]:
    """Call the WSGI application once, as a JSON API client; return (status, body)."""
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "HTTP_HOST": HOST,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_ACCEPT": "application/json",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "REMOTE_ADDR": HOST,
    }
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Token {token}"
    status: list[str] = []

    def start_response(s, headers, exc_info=None):
        status.append(s)

    chunks = app(environ, start_response)
    data = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return int(status[0].split()[0]), data
