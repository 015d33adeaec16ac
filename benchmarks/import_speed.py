"""Time the bulk import and export on a synthetic statements-jsonl file, into an empty database.

Run:  .venv/bin/python benchmarks/import_speed.py [--statements 20000]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/import_speed.py

Without DATABASE_URL a fresh SQLite file in a temporary directory is used. With it, the database is
migrated and must hold no statement data (the script refuses otherwise; use a throwaway one). The file has actors with
aliases, topics, places, sources whose text the quotes reproduce, communications with participants,
and statements with addressees, topics and reply chains. Prints records per second for the import
(with history), a dry run and the export, and checks that the export gives back the same bytes.
"""

import argparse
import hashlib
import io
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

STAMP = "2024-03-14T10:00:00.000000Z"


def key(kind: str, number: int) -> str:
    """A stable key per synthetic record, so every run writes the same file."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"benchmark/{kind}/{number}"))


def synthetic_lines(statements: int) -> list[str]:
    """A file's lines: about one actor per 10 statements, one source and communication per 20."""
    from statements.transfer import HEADER, encode_line

    actors, sources, topics, places = max(2, statements // 10), max(1, statements // 20), 20, 10
    stamps = {"created_at": STAMP, "updated_at": STAMP, "version": 1}
    dated = {"date": "2024-03-14", "date_precision": "day", "date_expression": "on Thursday"}
    lines = [encode_line(HEADER)]
    records = []
    for number in range(topics):
        parent = key("topic", number - 1) if number % 5 else None
        records.append(
            {"type": "topic", "key": key("topic", number), "slug": f"topic-{number}", "name": f"Topic {number}"}
            | {"description": "", "parent": parent, **stamps}
        )
    for number in range(places):
        records.append(
            {"type": "place", "key": key("place", number), "name": f"Place {number}", "slug": f"place-{number}"}
            | {"kind": "city", "country": "IL", "latitude": "31.768300", "longitude": "35.213700"}
            | {"parent": None, "aliases": [f"Place {number} alias"], **stamps}
        )
    for number in range(actors):
        records.append(
            {"type": "actor", "key": key("actor", number), "kind": "person", "name": f"Actor {number}"}
            | {"slug": f"actor-{number}", "description": "", "country": "US", "wikidata_id": f"Q{number + 1}"}
            | {"affiliation": None, "merged_into": None, "aliases": [f"A. {number}", f"Mr \u201c{number}\u201d"]}
            | stamps
        )
    for number in range(sources):
        body = " ".join(f"\u201cQuote {number}-{line} is what we said,\u201d the minister said." for line in range(20))
        records.append(
            {"type": "source", "key": key("source", number), "kind": "news_article", "title": f"Article {number}"}
            | {"url": f"https://example.org/{number}", "language": "en", "image_credit": "", "body": body}
            | {"content_hash": hashlib.sha256(body.encode()).hexdigest(), "publisher": None}
            | {"authors": [key("actor", number % actors)], **dated, **stamps}
        )
        records.append(
            {"type": "communication", "key": key("communication", number), "kind": "phone_call"}
            | {"title": f"Call {number}", "summary": "", **dated, "duration_minutes": 30}
            | {"duration_is_approximate": True, "duration_according_to": None, "place": key("place", number % places)}
            | {"regarding": None, "topics": [key("topic", number % topics)], "sources": [key("source", number)]}
            | {"participants": [{"actor": key("actor", number % actors), "role": "initiator"}]}
            | stamps
        )
    for number in range(statements):
        source, line = divmod(number, 20)
        source %= sources
        body_start = sum(
            len(f"\u201cQuote {source}-{n} is what we said,\u201d the minister said.") + 1 for n in range(line)
        )
        text = f"Quote {source}-{line} is what we said,"
        records.append(
            {"type": "statement", "key": key("statement", number), "kind": "direct_quote", "text": text}
            | {"speaker": key("actor", number % actors), "speaker_as_written": "the minister", "position": None}
            | {"addressees": [key("actor", (number + 1) % actors)], "reported_by": None}
            | {"communication": key("communication", source), "source": key("source", source)}
            | {"span_start": body_start + 1, "span_end": body_start + 1 + len(text), "topics": []}
            | {"mentioned_actors": [], "mentioned_places": [], "status": "draft", **dated}
            | {"in_reply_to": key("statement", number - 1) if line % 4 == 3 else None}
            | {"confidence": 0.9, "extractor": "", "speaker_proposed_name": "", "extraction_digest": "", **stamps}
        )
    # Sorted as an export orders them, so the file is byte-identical to its re-export.
    order = {"topic": 0, "place": 1, "actor": 2, "source": 4, "communication": 5, "statement": 6}

    levels = {}
    for record in records:
        parent = record.get("parent") if record["type"] == "topic" else record.get("in_reply_to")
        levels[record["key"]] = 0 if not parent else levels[parent] + 1
    records.sort(key=lambda record: (order[record["type"]], levels[record["key"]], record["key"]))
    lines += [encode_line(record) for record in records]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=20_000)
    options = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="import-speed-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{directory}/benchmark.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from statements import transfer
    from statements.models import Statement

    call_command("migrate", verbosity=0)
    if any(record_type.model.objects.exists() for record_type in transfer.RECORD_TYPES):
        sys.exit("The database already holds statement data: give an empty one.")
    lines = synthetic_lines(options.statements)
    content = "".join(lines).encode("utf-8")
    records = len(lines) - 1
    print(
        f"database: {connection.vendor}; file: {records} records ({options.statements} statements), "
        f"{len(content) / 1e6:.1f} MB"
    )

    started = time.perf_counter()
    report = transfer.import_lines(io.BytesIO(content), dry_run=True)
    dry_run = time.perf_counter() - started
    assert report.ok, report.errors[:5]
    started = time.perf_counter()
    report = transfer.import_lines(io.BytesIO(content))
    imported = time.perf_counter() - started
    assert report.ok, report.errors[:5]
    assert Statement.history.filter(history_change_reason="import").count() == options.statements
    started = time.perf_counter()
    exported = "".join(transfer.export_lines()).encode("utf-8")
    export_time = time.perf_counter() - started
    print(f"import with history: {imported:.2f} s, {records / imported:,.0f} records/s")
    print(f"dry run (validate, write, roll back): {dry_run:.2f} s, {records / dry_run:,.0f} records/s")
    print(f"export: {export_time:.2f} s, {records / export_time:,.0f} records/s")
    print(f"re-export byte-identical: {exported == content}")


if __name__ == "__main__":
    main()
