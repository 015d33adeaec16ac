"""How fast the curators' workbench (the admin) answers on a large archive: each page a curator opens.

Run (it generates the archive first when the database does not hold it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/statements_bench \\
        .venv/bin/python benchmarks/admin_speed.py --statements 1000000

Each page is requested in this process through Django's test client, logged in as a superuser
(created in the benchmark database if missing), after one warming request: p50 and p95 over the
requests, and the number of SQL queries a page takes. The table is printed and written to
`benchmarks/results/admin-speed-<vendor>-<statements>.md` with the machine's load average. The
settings are `make run`'s (DEBUG on, files served from the apps), so times are a little above production's.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.reporting import write_result  # noqa: E402

#: The admin pages a curator opens most, as (label, path) once the archive's values are known.
CURATOR = "benchmark-curator"


def pages() -> list[tuple[str, str]]:
    from django.db.models import Count
    from django.urls import reverse

    from benchmarks.vocabulary import COMMON_WORD
    from statements.admin.extraction import review_url
    from statements.models import Actor, Source, Statement

    busiest = Statement.objects.values("speaker").annotate(n=Count("id")).order_by("-n").first()["speaker"]
    statement = Statement.objects.order_by("-id").values_list("id", flat=True).first()
    source = Source.objects.order_by("-created_at", "-id").values_list("id", flat=True).first()
    actor = Actor.objects.order_by("id").values_list("id", flat=True).first()
    statements = reverse("admin:statements_statement_changelist")
    return [
        ("index, with the work waiting", reverse("admin:index")),
        ("statement list, first page", statements),
        ("statement list, busiest speaker", f"{statements}?speaker={busiest}"),
        ("statement list, drafts", f"{statements}?status__exact=draft"),
        (f"statement list, search {COMMON_WORD!r}", f"{statements}?q={COMMON_WORD}"),
        ("statement page", reverse("admin:statements_statement_change", args=[statement])),
        ("review screen, sources with drafts", reverse("admin:statements_statement_review")),
        ("review screen, the newest source", review_url(source)),
        ("source list, first page", reverse("admin:statements_source_changelist")),
        ("actor list, first page", reverse("admin:statements_actor_changelist")),
        ("actor page", reverse("admin:statements_actor_change", args=[actor])),
        (
            "speaker autocomplete 'smi'",
            f"{reverse('admin:autocomplete')}?app_label=statements&model_name=statement&field_name=speaker&term=smi",
        ),
        ("possible duplicates", reverse("admin:statements_actor_duplicates")),
    ]


def measure(client, path: str, requests: int, seconds: float) -> tuple[list[float], int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    # DEBUG keeps the last 9,000 queries: a full log would make the count below read zero.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    while len(times) < requests and time.perf_counter() < deadline:
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times, len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000, help="Size of the archive (generated if absent).")
    parser.add_argument("--requests", type=int, default=30, help="Requests per page (at most).")
    parser.add_argument("--seconds", type=float, default=10.0, help="Time per page (at most).")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    from benchmarks.dataset import open_archive

    open_archive(options.statements)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    user = get_user_model().objects.filter(username=CURATOR).first()
    if user is None:
        user = get_user_model().objects.create_superuser(CURATOR, "curator@example.org", None)
    # Not setup_test_environment(): it instruments every template render, which would weigh on the pages.
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)

    load_before = os.getloadavg()
    rows = []
    for label, path in pages():
        times, query_count = measure(client, path, options.requests, options.seconds)
        rows.append((label, statistics.median(times), sorted(times)[int(0.95 * (len(times) - 1))], query_count))
        print(f"{label}: p50 {rows[-1][1]:.0f} ms, p95 {rows[-1][2]:.0f} ms, {query_count} queries", flush=True)
    load_after = os.getloadavg()
    report = (
        f"# Admin speed: {connection.vendor}, {options.statements:,} statements\n\n"
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores in one "
        f"process (Django's test client, no server); load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after; up to {options.requests} requests or {options.seconds:.0f} s per page.\n\n"
        "| page | p50 ms | p95 ms | SQL queries |\n|---|---:|---:|---:|\n"
        + "\n".join(f"| {label} | {p50:.0f} | {p95:.0f} | {count} |" for label, p50, p95, count in rows)
        + "\n"
    )
    print()
    print(report)
    write_result(f"admin-speed-{connection.vendor}-{options.statements}.md", report)


if __name__ == "__main__":
    main()
