"""Readers and writers at once: does every successful write stay written, once, in order?

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/statements_load \\
          .venv/bin/python benchmarks/write_load.py [--statements 10000] [--seconds 60] [--clients 8]
      .venv/bin/python benchmarks/write_load.py            # SQLite, in benchmarks/data/

The project is served as in production (gunicorn, 2 workers × 4 threads, DEBUG=0). Each client
keeps one connection and, for `--seconds`, sends reads (80 %: a list page, a filtered list or a
statement) and writes (20 %): a PATCH of a statement with If-Match, one time in five with a
version already superseded (a client that read before someone else wrote). Writes go to a hot set
of 40 statements, so clients race for the same records. The report gives requests, answers by
status and p50/p95 per kind; then the database is checked: every write answered 2xx is stored
with the version its ETag named, there is exactly one history row per successful write, and no
statement's versions skip or repeat. A stale write must answer 412 and write nothing.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.reporting import write_result  # noqa: E402

#: Statements the writers race for.
HOT_STATEMENTS = 40
#: Share of requests that are writes, and of writes that send a superseded version.
WRITE_SHARE = 0.2
STALE_SHARE = 0.2


@dataclass
class Outcome:
    """What one client saw."""

    statuses: Counter = field(default_factory=Counter)
    seconds: dict[str, list[float]] = field(default_factory=lambda: {"read": [], "write": []})
    #: (statement id, version its ETag named, value written) of every write answered 2xx.
    written: list[tuple[int, int, str]] = field(default_factory=list)
    #: Stale writes answered anything but 412.
    stale_accepted: list[tuple[int, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Connection:
    def __init__(self, port: int, token: str):
        self.port = port
        self.headers = {"Accept": "application/json", "Authorization": f"Token {token}"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        payload = None if body is None else json.dumps(body).encode()
        all_headers = self.headers | (headers or {}) | ({"Content-Type": "application/json"} if payload else {})
        try:
            self.connection.request(method, path, body=payload, headers=all_headers)
            response = self.connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise


def run_client(
    number: int, port: int, token: str, statements: list[int], speakers: list[int], stop: float, run: str
) -> Outcome:
    rng = random.Random(number)
    outcome = Outcome()
    connection = Connection(port, token)
    sequence = 0
    hot = statements[:HOT_STATEMENTS]
    while time.monotonic() < stop:
        started = time.perf_counter()
        try:
            if rng.random() >= WRITE_SHARE:
                path = rng.choice(
                    [
                        "/api/v1/statements/",
                        f"/api/v1/statements/?speaker={rng.choice(speakers)}",
                        f"/api/v1/statements/{rng.choice(statements)}/",
                        "/api/v1/communications/",
                    ]
                )
                status, _, _ = connection.send("GET", path)
                outcome.statuses[f"GET {status}"] += 1
                outcome.seconds["read"].append(time.perf_counter() - started)
                continue
            pk = rng.choice(hot)
            status, headers, _ = connection.send("GET", f"/api/v1/statements/{pk}/")
            if status != 200:
                outcome.errors.append(f"GET statement {pk} answered {status}")
                continue
            version = int(headers["ETag"].strip('"'))
            stale = rng.random() < STALE_SHARE and version > 1
            sent_version = version - 1 if stale else version
            sequence += 1
            # Unique across runs too: a value already stored would be no change, and rightly not written.
            value = f"run {run} client {number} write {sequence}"
            status, headers, body = connection.send(
                "PATCH",
                f"/api/v1/statements/{pk}/",
                {"speaker_as_written": value},
                {"If-Match": f'"{sent_version}"'},
            )
            outcome.statuses[f"PATCH {status}{' (stale)' if stale else ''}"] += 1
            outcome.seconds["write"].append(time.perf_counter() - started)
            if stale and status != 412:
                outcome.stale_accepted.append((pk, sent_version))
            if 200 <= status < 300:
                outcome.written.append((pk, int(headers["ETag"].strip('"')), value))
            elif status not in {412}:
                outcome.errors.append(f"PATCH {pk} answered {status}: {body[:200]!r}")
        except (http.client.HTTPException, OSError) as error:
            outcome.statuses[f"connection error {type(error).__name__}"] += 1
    return outcome


def check(written: list[tuple[int, int, str]], versions_before: dict[int, int], history_before: dict[int, int]) -> list:
    """What the database says about the writes: a list of problems, empty when every write holds."""
    from statements.models import Statement

    problems = []
    history = Statement.history.model
    by_statement: dict[int, list[tuple[int, str]]] = {}
    for pk, version, value in written:
        by_statement.setdefault(pk, []).append((version, value))
    for pk, writes in by_statement.items():
        rows = list(
            history.objects.filter(id=pk, history_type="~", version__gt=versions_before[pk])
            .order_by("version")
            .values_list("version", "speaker_as_written")
        )
        stored_versions = [version for version, _ in rows]
        expected = list(range(versions_before[pk] + 1, versions_before[pk] + 1 + len(rows)))
        if stored_versions != expected:
            problems.append(f"statement {pk}: history versions {stored_versions}, expected {expected}")
        if len(rows) != len(writes):
            problems.append(f"statement {pk}: {len(writes)} writes answered 2xx, {len(rows)} history rows")
        stored = dict(rows)
        for version, value in writes:
            if stored.get(version) != value:
                problems.append(f"statement {pk}: version {version} holds {stored.get(version)!r}, not {value!r}")
        current = Statement.objects.get(pk=pk)
        if current.version != versions_before[pk] + len(writes):
            problems.append(f"statement {pk}: at version {current.version} after {len(writes)} writes")
        if history.objects.filter(id=pk).count() != history_before[pk] + len(writes):
            problems.append(f"statement {pk}: history rows do not match the writes")
    return problems


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=10_000, help="Size of the archive (generated if absent).")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=8)
    options = parser.parse_args()

    from benchmarks.dataset import open_archive

    database_url = open_archive(options.statements)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from benchmarks.api_speed import free_port, start_server, stop_server
    from statements.models import Statement

    user, _ = get_user_model().objects.get_or_create(username="load-curator", defaults={"is_superuser": True})
    user.is_superuser = user.is_staff = True
    user.save()
    token = Token.objects.get_or_create(user=user)[0].key
    statements = list(Statement.objects.filter(speaker__isnull=False).order_by("pk").values_list("pk", flat=True))
    speakers = list(
        Statement.objects.filter(speaker__isnull=False).order_by().values_list("speaker_id", flat=True).distinct()[:200]
    )
    hot = statements[:HOT_STATEMENTS]
    versions_before = dict(Statement.objects.filter(pk__in=hot).values_list("pk", "version"))
    history_model = Statement.history.model
    history_before = {pk: history_model.objects.filter(id=pk).count() for pk in hot}
    vendor = connection.vendor
    connection.close()

    load_before = os.getloadavg()
    port = free_port()
    server = start_server(database_url, port)
    outcomes: list[Outcome] = [Outcome() for _ in range(options.clients)]
    try:
        stop = time.monotonic() + options.seconds
        run = uuid.uuid4().hex[:8]

        def client(number: int) -> None:
            outcomes[number] = run_client(number, port, token, statements, speakers, stop, run)

        threads = [threading.Thread(target=client, args=(number,)) for number in range(options.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        stop_server(server)
    load_after = os.getloadavg()

    statuses = sum((outcome.statuses for outcome in outcomes), Counter())
    reads = [value for outcome in outcomes for value in outcome.seconds["read"]]
    writes = [value for outcome in outcomes for value in outcome.seconds["write"]]
    written = [item for outcome in outcomes for item in outcome.written]
    errors = [item for outcome in outcomes for item in outcome.errors]
    stale_accepted = [item for outcome in outcomes for item in outcome.stale_accepted]
    problems = check(written, versions_before, history_before)
    total = sum(statuses.values())
    verdict = (
        f"{len(problems)} problems"
        if problems
        else "every successful write stored once, with its version; no version skipped or repeated"
    )

    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# Write load: {vendor}, {options.statements:,} statements",
        "",
        f"Measured {now} on {os.cpu_count()} cores; load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after. gunicorn 2 workers × 4 threads; {options.clients} clients for "
        f"{options.seconds:.0f} s, {WRITE_SHARE:.0%} writes (PATCH with If-Match on {HOT_STATEMENTS} statements, "
        f"{STALE_SHARE:.0%} of them with a superseded version).",
        "",
        f"- requests: {total:,} ({total / options.seconds:.0f}/s)",
        f"- reads: p50 {percentile(reads, 0.5):.1f} ms, p95 {percentile(reads, 0.95):.1f} ms",
        f"- writes (read + PATCH): p50 {percentile(writes, 0.5):.1f} ms, p95 {percentile(writes, 0.95):.1f} ms",
        f"- successful writes: {len(written):,}",
        "",
        "| answer | count |",
        "|---|---:|",
        *(f"| {name} | {count:,} |" for name, count in sorted(statuses.items())),
        "",
        f"Unexpected answers: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""),
        f"Stale writes accepted: {len(stale_accepted)}",
        f"Database check: {verdict}",
        *(f"- {problem}" for problem in problems[:20]),
        "",
    ]
    report = "\n".join(lines)
    print(report)
    write_result(f"write-load-{vendor}.md", report)
    if problems or errors or stale_accepted:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
