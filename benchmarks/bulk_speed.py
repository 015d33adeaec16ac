"""How fast the dataset leaves and enters a database: export_statements and import_statements on a large archive.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/statements_bench \\
          .venv/bin/python benchmarks/bulk_speed.py --statements 1000000
      .venv/bin/python benchmarks/bulk_speed.py --statements 100000        # SQLite, benchmarks/data/

The archive is generated first when the database does not hold it (see benchmarks/dataset.py).
The commands run as they would for an operator, each in a process of its own: the export writes the
whole archive to a file; the import reads it into a new, empty database (`<name>_import` on
PostgreSQL, a new file on SQLite), with history, every check and one transaction; exporting that
database again must give the same bytes. Prints and writes `benchmarks/results/bulk-speed-<vendor>-<statements>.md`
with records/s and each process's peak memory.
"""

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.reporting import write_result  # noqa: E402


def run(command: list[str], database_url: str) -> tuple[float, float]:
    """Run a manage.py command; its wall time in seconds and peak memory in MB."""
    environment = os.environ | {"DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "manage.py", *command], cwd=ROOT, env=environment)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed")
    return elapsed, usage.ru_maxrss / 1024


def empty_database(database_url: str) -> str:
    """A new, empty database beside the archive's, migrated."""
    parts = urlsplit(database_url)
    if parts.scheme.startswith("postgres"):
        name = parts.path.lstrip("/") + "_import"
        admin = urlunsplit(parts._replace(path="/postgres"))
        import psycopg

        with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        url = urlunsplit(parts._replace(path=f"/{name}"))
    else:
        path = Path(tempfile.mkdtemp(prefix="bulk-speed-")) / "import.sqlite3"
        url = f"sqlite:///{path}"
    run(["migrate", "--verbosity=0"], url)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--no-reexport", action="store_true", help="Skip exporting the imported copy again.")
    options = parser.parse_args()
    from benchmarks.dataset import open_archive

    database_url = open_archive(options.statements)
    from django.db import connection

    from statements.transfer import export_size

    records = export_size()
    vendor = connection.vendor
    connection.close()

    directory = Path(tempfile.mkdtemp(prefix="bulk-speed-"))
    exported = directory / "archive.jsonl"
    load_before = os.getloadavg()
    export_time, export_memory = run(["export_statements", "--output", str(exported), "--verbosity=0"], database_url)
    size = exported.stat().st_size
    target = empty_database(database_url)
    import_time, import_memory = run(["import_statements", str(exported), "--verbosity=0"], target)
    rows = [
        ("export_statements (whole archive to a file)", export_time, export_memory),
        ("import_statements (into an empty database, with history)", import_time, import_memory),
    ]
    identical = "not checked"
    if not options.no_reexport:
        again = directory / "again.jsonl"
        reexport_time, reexport_memory = run(["export_statements", "--output", str(again), "--verbosity=0"], target)
        rows.append(("export_statements of the imported copy", reexport_time, reexport_memory))
        identical = "yes" if again.read_bytes() == exported.read_bytes() else "NO"
        again.unlink()
    exported.unlink()
    load_after = os.getloadavg()
    lines = [
        f"# Bulk speed: {vendor}, {options.statements:,} statements ({records:,} records, {size / 1e6:,.0f} MB)",
        "",
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after. Each command ran in a process of its own.",
        "",
        "| command | time | records/s | peak memory |",
        "|---|---:|---:|---:|",
        *(
            f"| {label} | {seconds:.1f} s | {records / seconds:,.0f} | {memory:,.0f} MB |"
            for label, seconds, memory in rows
        ),
        "",
        f"Re-export byte-identical: {identical}.",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    write_result(f"bulk-speed-{vendor}-{options.statements}.md", report)


if __name__ == "__main__":
    main()
