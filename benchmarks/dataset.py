"""A seeded synthetic archive of N statements, in the shapes of a real one, written fast.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/statements_bench \\
          .venv/bin/python benchmarks/dataset.py --statements 1000000 [--seed 1] [--replace]

At 1,000,000 statements the archive has 20,000 actors (persons, bodies, outlets, unnamed sources;
aliases, positions), 100,000 sources with 1–4 KB bodies, 200,000 communications with 1–4
participants, a topic tree of 210 topics and 500 places; every count scales with N. Speakers
follow a Zipf law (the busiest says 5.6 % of everything, most actors a handful of statements);
each statement has 0–3 topics, addressees, mentioned actors and mentioned places; one root topic
covers 57 % of statements with its subtopics; the word `ceasefire` is in 18.6 % of statements and
`zeppelin` in exactly 18. Dates run over ten years, mostly in the order sources were added.

Every row satisfies the models' rules: a direct quote is the exact text of its span in its source,
dates fit their precision, a verified statement has a speaker, a position is the speaker's own. The
same seed gives the same archive. History tables are left empty: the archive stands for data
curated elsewhere, and no read benchmarked here touches them.

PostgreSQL is written with COPY, inside one transaction, with the tables' indexes and foreign keys
dropped for the load and rebuilt after it (rebuilding checks every reference); SQLite with
`executemany`. The database is migrated first; it must hold no statement data unless `--replace`
is given, which empties the statement tables first.
"""

import argparse
import os
import sys
import time
from pathlib import Path

# Run as a script, the project's root is not on the path yet.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.archive import Archive  # noqa: E402
from benchmarks.dataset_tables import (  # noqa: E402
    TableWriter,
    dropped_postgresql_schema,
    postgresql_sink,
    sqlite_sink,
    tables,
)
from benchmarks.vocabulary import DATA  # noqa: E402


def generate(statements: int, *, seed: int = 1, replace: bool = False, progress=print) -> dict[str, int]:
    """Fill the configured database with an archive of `statements` statements; returns rows written by table."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command, color
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    models = tables()
    started = time.monotonic()
    with transaction.atomic():
        if models["statement"].objects.exists() or models["actor"].objects.exists():
            if not replace:
                raise SystemExit("The database already holds statement data; give --replace to empty it first.")
            _empty(connection, list(models.values()))
        user_model = get_user_model()
        curators = [
            user_model.objects.get_or_create(username=f"curator{number}", defaults={"email": f"c{number}@example.org"})[
                0
            ]
            for number in range(1, 4)
        ]
        archive = Archive(statements, seed)
        archive.curator_ids = [user.pk for user in curators]
        with connection.cursor() as cursor:
            raw_cursor = cursor.cursor
            if connection.vendor == "postgresql":
                table_names = [model._meta.db_table for model in models.values()]
                restore = dropped_postgresql_schema(raw_cursor, table_names)
                # The change counter's triggers (migration 0013) would queue an event per row until the
                # commit; they are off for the load, and the counter is moved once after it.
                for table in table_names:
                    raw_cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
                    restore.append(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
                restore.append("UPDATE statements_change_counter SET changes = changes + 1")
                sink = postgresql_sink(raw_cursor)
            else:
                restore = []
                sink = sqlite_sink(raw_cursor)
            writers = {name: TableWriter(model, sink) for name, model in models.items()}
            for name, generator in (
                ("topic", archive.topics()),
                ("place", archive.places()),
                ("place_alias", archive.place_aliases()),
                ("actor", archive.actors()),
                ("actor_alias", archive.actor_aliases()),
                ("position", archive.positions()),
            ):
                for row in generator:
                    writers[name].add(row)
            last_report = time.monotonic()
            for name, row in archive.sources_with_statements():
                writers[name].add(row)
                if name == "statement" and row["id"] % 10_000 == 0 and time.monotonic() - last_report > 10:
                    last_report = time.monotonic()
                    rate = row["id"] / (last_report - started)
                    progress(f"  {row['id']:,} statements written ({rate:,.0f}/s)")
            for writer in writers.values():
                writer.flush()
            progress(f"  rows written in {time.monotonic() - started:.0f} s; rebuilding indexes and constraints")
            for statement in restore:
                raw_cursor.execute(statement)
            for statement in connection.ops.sequence_reset_sql(color.no_style(), list(models.values())):
                raw_cursor.execute(statement)
    if not connection.in_atomic_block:
        # Statistics for the planner, and on PostgreSQL the visibility map that index-only scans need.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    counts = {name: writer.written for name, writer in writers.items()}
    progress(f"  done in {time.monotonic() - started:.0f} s")
    return counts


def open_archive(statements: int) -> str:
    """Set Django up on the benchmark's database, generating its archive unless it holds one.

    The database is DATABASE_URL, or a SQLite file per archive size in benchmarks/data/; the
    archive counts as held when the statement count matches. Returns the database URL, which the
    benchmarks hand on to the processes they start.
    """
    DATA.mkdir(exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA / f'archive-{statements}.sqlite3'}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from statements.models import Statement

    call_command("migrate", verbosity=0)
    if Statement.objects.count() != statements:
        print(f"Generating an archive of {statements:,} statements…")
        generate(statements, replace=True)
    return database_url


def _empty(connection, models) -> None:
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(f'{chr(34)}{t}{chr(34)}' for t in tables)} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(tables):
                cursor.execute(f'DELETE FROM "{table}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--replace", action="store_true", help="Empty the statement tables first.")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.db import connection

    print(f"Generating {options.statements:,} statements into {connection.vendor} ({connection.settings_dict['NAME']})")
    counts = generate(options.statements, seed=options.seed, replace=options.replace)
    for name, count in counts.items():
        print(f"  {name}: {count:,}")


if __name__ == "__main__":
    main()
