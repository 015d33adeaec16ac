"""How fast the API answers on a large archive, served as production serves it, beside a bare Django ceiling.

Run (one command; it generates the archive first when the database does not hold it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/statements_bench \\
        .venv/bin/python benchmarks/api_speed.py --statements 1000000
    .venv/bin/python benchmarks/api_speed.py --statements 100000      # SQLite, benchmarks/data/

The project is served by gunicorn (2 workers × 4 threads, gthread, DEBUG off) with the
benchmark's settings, which add bare views under `/bare/`: the same queries written as plain
Django (`.values()` and orjson, no REST framework), the ceiling the API is compared with. Every
query in `QUERIES` is requested by one client (concurrency 1: p50, p95, p99 and requests/s) and then
by eight at once (requests/s), from the API and from its bare view in the same run. The table is
printed and written to `benchmarks/results/api-speed-<vendor>-<statements>.md`, with the machine's
load average and the workers' peak memory.
"""

import argparse
import datetime
import http.client
import itertools
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_queries import Query, parameters, queries  # noqa: E402
from benchmarks.reporting import write_result  # noqa: E402


@dataclass
class Measurement:
    latencies: list[float] = field(default_factory=list)
    #: The first request of all, before any warming up: for facets, the one that counts rather than reads kept counts.
    first: float = 0.0
    requests_per_second: float = 0.0
    concurrent_requests_per_second: float = 0.0
    concurrent_p95: float = 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
        return ordered[index] * 1000


# The server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(database_url: str, port: int, cache_url: str = "") -> subprocess.Popen:
    environment = os.environ | {
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-benchmark-only-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback, as behind the proxy that ends TLS.
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        # One client sends thousands of requests a minute; the throttles still run, at a rate it cannot reach.
        # A throttle keeps the time of each request in its window, and reads and writes that list in the cache
        # on every request: a window of a second keeps it as short as production's 120 a minute do.
        "API_THROTTLE_ANON": "1000000/second",
        "API_THROTTLE_USER": "1000000/second",
        "PYTHONPATH": str(ROOT),
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "project.wsgi",
        f"--bind=127.0.0.1:{port}",
        "--workers=2",
        "--threads=4",
        "--worker-class=gthread",
        "--timeout=120",
        "--keep-alive=30",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn stopped while starting") from None
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start within a minute")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def worker_peak_memory_mb(server: subprocess.Popen) -> float:
    """The largest resident set any gunicorn worker reached (VmHWM), in MB."""
    peaks = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(server.pid):
            peaks.append(int(fields["VmHWM"].split()[0]) / 1024)
    return max(peaks, default=float("nan"))


# The client


class Client:
    """One keep-alive connection; `get` returns the seconds a request took, and checks it answered 200."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> tuple[float, bytes]:
        path = _asked(path)
        started = time.perf_counter()
        try:
            self.connection.request("GET", path, headers={"Accept": "application/json"})
            response = self.connection.getresponse()
            body = response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.connection.request("GET", path, headers={"Accept": "application/json"})
            response = self.connection.getresponse()
            body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}: {body[:500]!r}")
        return elapsed, body


#: Distinct values for a query's `{later}`: dates beyond any in the archive, one per request.
_LATER = itertools.count()


def _asked(path: str) -> str:
    """The path, with `{later}` (if it has one) replaced by a date no request has sent yet."""
    if "{later}" not in path:
        return path
    return path.replace("{later}", (datetime.date(3000, 1, 1) + datetime.timedelta(days=next(_LATER))).isoformat())


def measure(port: int, path: str, *, requests: int, seconds: float, concurrency: int) -> Measurement:
    measurement = Measurement()
    client = Client(port)
    measurement.first = client.get(path)[0] * 1000
    for _ in range(2):
        client.get(path)
    started = time.perf_counter()
    while len(measurement.latencies) < requests and time.perf_counter() - started < seconds:
        measurement.latencies.append(client.get(path)[0])
    measurement.requests_per_second = len(measurement.latencies) / (time.perf_counter() - started)
    if concurrency > 1:
        latencies: list[float] = []
        lock = threading.Lock()
        stop_at = time.perf_counter() + min(seconds, max(2.0, requests * statistics.median(measurement.latencies)))

        def run() -> None:
            own = Client(port)
            mine = []
            while time.perf_counter() < stop_at:
                mine.append(own.get(path)[0])
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=run) for _ in range(concurrency)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        measurement.concurrent_requests_per_second = len(latencies) / (time.perf_counter() - began)
        ordered = sorted(latencies)
        measurement.concurrent_p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)] * 1000
    return measurement


def result_ids(body: bytes) -> list:
    data = json.loads(body)
    rows = data["results"] if isinstance(data, dict) and "results" in data else [data]
    return [row.get("id") for row in rows]


# The table


#: p95 targets by kind of request; a CSV download of thousands of rows has none.
TARGETS = {"list": 50.0, "detail": 50.0, "search": 150.0, "facets": 300.0, "facets_filtered": 50.0, "csv": None}


def table(rows: list[tuple[Query, Measurement, Measurement | None]], concurrency: int) -> str:
    header = (
        f"| request | API p50 | API p95 | API p99 | API req/s (c=1) | API req/s (c={concurrency}) "
        f"| bare p50 | bare p95 | bare req/s (c={concurrency}) "
        f"| API ÷ bare req/s (c=1 / c={concurrency}) | p95 target |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
    )
    lines = []
    for query, api, bare in rows:
        target = TARGETS[query.kind]
        met = "" if target is None else "✓" if api.percentile(0.95) <= target else "✗"
        if bare is not None:
            ratio = (
                f"{api.requests_per_second / bare.requests_per_second:.2f} / "
                f"{api.concurrent_requests_per_second / bare.concurrent_requests_per_second:.2f}"
            )
            bare_cells = (
                f"{bare.percentile(0.5):.1f} | {bare.percentile(0.95):.1f} | {bare.concurrent_requests_per_second:.0f}"
            )
        else:
            ratio, bare_cells = "–", "– | – | –"
        label = query.label
        if query.kind.startswith("facets") or query.kind == "search":
            label += f" (first request {api.first:,.0f} ms)"
        lines.append(
            f"| {label} | {api.percentile(0.5):.1f} | {api.percentile(0.95):.1f} | {api.percentile(0.99):.1f} "
            f"| {api.requests_per_second:.0f} | {api.concurrent_requests_per_second:.0f} | {bare_cells} | {ratio} "
            f"| {'–' if target is None else f'≤ {target:.0f} ms {met}'} |"
        )
    return header + "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000, help="Size of the archive (generated if absent).")
    parser.add_argument("--requests", type=int, default=200, help="Requests per query at concurrency 1 (at most).")
    parser.add_argument("--seconds", type=float, default=8.0, help="Time per query and concurrency (at most).")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--no-bare", action="store_true", help="Measure the API only.")
    parser.add_argument("--only", default="", help="Measure only queries whose label contains this.")
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("CACHE_URL", ""),
        help="A Redis for the workers to share (emptied first), as CACHE_URL in production; "
        "by default each worker keeps its own cache, as in the earlier runs.",
    )
    options = parser.parse_args()

    from benchmarks.dataset import open_archive

    database_url = open_archive(options.statements)
    from django.db import connection

    values = parameters()
    vendor = connection.vendor
    connection.close()

    load_before = os.getloadavg()
    port = free_port()
    if options.cache_url:
        import redis

        redis.Redis.from_url(options.cache_url).flushdb()  # Counts kept by an earlier run would be read.
    server = start_server(database_url, port, options.cache_url)
    rows: list[tuple[Query, Measurement, Measurement | None]] = []
    try:
        for query in queries(values):
            if options.only and options.only not in query.label:
                continue
            api = measure(
                port, query.path, requests=options.requests, seconds=options.seconds, concurrency=options.concurrency
            )
            bare = None
            if query.bare and not options.no_bare:
                bare = measure(
                    port,
                    query.bare,
                    requests=options.requests,
                    seconds=options.seconds,
                    concurrency=options.concurrency,
                )
                api_ids, bare_ids = (
                    result_ids(Client(port).get(query.path)[1]),
                    result_ids(Client(port).get(query.bare)[1]),
                )
                if api_ids != bare_ids:
                    print(f"  warning: {query.label}: the API and the bare view answered different rows")
            rows.append((query, api, bare))
            print(
                f"{query.label}: API p50 {api.percentile(0.5):.1f} ms, p95 {api.percentile(0.95):.1f} ms, "
                f"{api.concurrent_requests_per_second:.0f} req/s at c={options.concurrency}"
                + (
                    f"; bare p50 {bare.percentile(0.5):.1f} ms, {bare.concurrent_requests_per_second:.0f} req/s"
                    if bare
                    else ""
                ),
                flush=True,
            )
        memory = worker_peak_memory_mb(server)
    finally:
        stop_server(server)
    load_after = os.getloadavg()
    report = (
        f"# API speed: {vendor}, {options.statements:,} statements\n\n"
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after. gunicorn 2 workers × 4 threads, "
        f"{'one Redis cache for both' if options.cache_url else 'a cache per worker'}; "
        f"times in ms; concurrency-1 runs of up to {options.requests} requests or {options.seconds:.0f} s per query. "
        f"Peak worker memory: {memory:.0f} MB.\n\n" + table(rows, options.concurrency)
    )
    print()
    print(report)
    # A partial run (--only) is kept beside the full table rather than over it.
    part = "-" + re.sub(r"[^a-z0-9]+", "-", options.only.lower()).strip("-") if options.only else ""
    shared = "-redis" if options.cache_url else ""
    write_result(f"api-speed-{vendor}-{options.statements}{part}{shared}.md", report)


if __name__ == "__main__":
    main()
