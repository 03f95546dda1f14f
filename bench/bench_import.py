"""
Benchmark the catalogue import, re-import, export and xlsx round trip.

Run (uses its own database, never the project one):

    .venv/bin/python bench/bench_import.py        # SQLite /tmp/zt_bench_catalog.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/zt_catalog_bench \
        .venv/bin/python bench/bench_import.py    # PostgreSQL (database must exist)

Prints wall-clock seconds per step; results go into docs/perf/catalog.md.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/zt_bench_catalog.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

DATA = ROOT / "zhengtong" / "catalog" / "demo_data"
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "bench-only")


def fresh_database() -> None:
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def timed(label: str, func) -> float:
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    summary = getattr(result, "summary", lambda: "")()
    print(f"{label:<38} {elapsed:7.2f} s  {summary}")
    return elapsed


def main() -> None:
    from zhengtong.catalog import demo
    from zhengtong.catalog.exporters import catalog_export_xlsx
    from zhengtong.catalog.importers import catalog_import_file, departments_import_file

    print(
        f"database: {connection.vendor}  python {sys.version.split()[0]}"
        f"  cpus {os.cpu_count()}  load {os.getloadavg()[0]:.1f}"
    )
    fresh_database()
    timed(
        "departments CSV (34 rows)",
        lambda: departments_import_file(DATA / "guangan_511602_departments.csv"),
    )
    guangan = DATA / "guangan_511602_catalogue.jsonl"
    timed(
        "import 759 rows --publish (new)",
        lambda: catalog_import_file(guangan, publish=True),
    )
    timed(
        "re-import 759 rows (unchanged)",
        lambda: catalog_import_file(guangan, publish=True),
    )
    data = {}

    def export():
        data["xlsx"] = catalog_export_xlsx()

    timed("export whole catalogue to .xlsx", export)
    path = Path(tempfile.gettempdir()) / "zt_bench_catalog_export.xlsx"
    path.write_bytes(data["xlsx"])
    print(f"{'  xlsx size':<38} {len(data['xlsx']) / 1024:7.0f} KiB")
    timed("import exported .xlsx (unchanged)", lambda: catalog_import_file(path))
    fresh_database()
    timed("demo seed (fresh database)", lambda: demo.seed(password=DEMO_PASSWORD))
    timed("demo seed (second run)", lambda: demo.seed(password=DEMO_PASSWORD))


if __name__ == "__main__":
    main()
