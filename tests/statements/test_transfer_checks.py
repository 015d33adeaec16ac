"""What an import refuses, line by line; importing again; the history it leaves; the bytes written; the commands."""

import hashlib
import io
import json
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from statements import transfer
from statements.choices import (
    CurationStatus,
    StatementKind,
)
from statements.models import (
    Actor,
    ActorAlias,
    Communication,
    Participation,
    Place,
    PlaceAlias,
    Position,
    Source,
    Statement,
    Topic,
)
from tests.factories import (
    SourceFactory,
    StatementFactory,
)
from tests.statements.test_transfer import (
    BODY,
    QUOTE,
    REPLY,
    counts,
    export_bytes,
    import_bytes,
    lines_of,
    record_line,
    records_of_every_kind,
    wipe_domain,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_kind_of_field(db):
    """Records using every field, relation and edge case the format has to carry (see test_transfer)."""
    return records_of_every_kind()


def with_record(lines: list[str], index: int, change) -> list[str]:
    record = json.loads(lines[index])
    change(record)
    return [*lines[:index], transfer.encode_line(record), *lines[index + 1 :]]


@pytest.fixture
def exported_then_emptied(every_kind_of_field) -> list[str]:
    """The fixture's records exported, then deleted from the database."""
    content = export_bytes()
    wipe_domain()
    return lines_of(content)


def _bad_json(lines):
    index = record_line(lines, "actor")
    return [*lines[:index], '{"type": "actor", "key": \n', *lines[index + 1 :]], index, "not valid JSON"


def _unknown_type(lines):
    index = record_line(lines, "actor")
    return with_record(lines, index, lambda r: r.update(type="person")), index, "unknown record type 'person'"


def _missing_field(lines):
    index = record_line(lines, "actor")
    return with_record(lines, index, lambda r: r.pop("name")), index, "missing name"


def _unknown_reference(lines):
    index = record_line(lines, "statement", text=QUOTE)
    unknown = "3c0ffee0-0000-4000-8000-000000000000"
    change = lambda r: r.update(speaker=unknown)  # noqa: E731
    return with_record(lines, index, change), index, f"speaker refers to unknown actor {unknown}"


def _quote_off_its_span(lines):
    index = record_line(lines, "statement", text=QUOTE)
    change = lambda r: r.update(span_start=r["span_start"] + 1, span_end=r["span_end"] + 1)  # noqa: E731
    return with_record(lines, index, change), index, "A direct quote must match its span"


def _duplicate_key(lines):
    index = record_line(lines, "topic")
    return [*lines[: index + 1], lines[index], *lines[index + 1 :]], index + 1, "already given on line"


def _duplicate_key_later(lines):
    index = record_line(lines, "topic")
    return [*lines, lines[index]], len(lines), "already given on an earlier line"


def _date_off_its_precision(lines):
    index = record_line(lines, "source", date_precision="month")
    change = lambda r: r.update(date="2024-03-14")  # noqa: E731
    return with_record(lines, index, change), index, "month precision must be the first day"


def _hash_not_of_the_body(lines):
    index = record_line(lines, "source", date_precision="month")
    return with_record(lines, index, lambda r: r.update(body=r["body"] + "!")), index, "content_hash: does not match"


def _wrong_type(lines):
    index = record_line(lines, "communication", title="Call")
    change = lambda r: r.update(duration_minutes="30")  # noqa: E731
    return with_record(lines, index, change), index, "duration_minutes: must be an integer"


def _bad_choice(lines):
    index = record_line(lines, "statement", text=QUOTE)
    return with_record(lines, index, lambda r: r.update(status="approved")), index, "status: Value 'approved'"


def _taken_slug(lines):
    first, second = record_line(lines, "place"), record_line(lines, "place", slug="fixture-tel-aviv")
    slug = json.loads(lines[first])["slug"]
    return with_record(lines, second, lambda r: r.update(slug=slug)), second, f"slug: '{slug}' is already used"


def _reference_to_a_rejected_record(lines):
    index = record_line(lines, "actor", slug="fixture-joe-biden")
    return with_record(lines, index, lambda r: r.update(kind="robot")), index, "kind: Value 'robot'"


@pytest.mark.parametrize(
    "breakage",
    [
        _bad_json,
        _unknown_type,
        _missing_field,
        _unknown_reference,
        _quote_off_its_span,
        _duplicate_key,
        _duplicate_key_later,
        _date_off_its_precision,
        _hash_not_of_the_body,
        _wrong_type,
        _bad_choice,
        _taken_slug,
        _reference_to_a_rejected_record,
    ],
)
def test_a_bad_line_is_reported_with_its_number_and_nothing_is_written(exported_then_emptied, breakage):
    lines, index, message = breakage(exported_then_emptied)
    empty = counts()

    report = import_bytes("".join(lines).encode("utf-8"))

    assert not report.ok
    assert not report.written
    first = report.errors[0]
    assert first.line == index + 1, report.errors
    assert message in first.message, report.errors
    assert str(first).startswith(f"line {index + 1}: ")
    assert counts() == empty


def test_records_pointing_at_a_rejected_one_say_which_line_rejected_it(exported_then_emptied):
    lines, index, _ = _reference_to_a_rejected_record(exported_then_emptied)

    report = import_bytes("".join(lines).encode("utf-8"))

    followers = [error for error in report.errors if f"which line {index + 1} could not import" in error.message]
    assert followers, report.errors


def test_every_bad_line_is_reported_not_only_the_first(exported_then_emptied):
    lines = exported_then_emptied
    actor, statement = record_line(lines, "actor"), record_line(lines, "statement", text=QUOTE)
    lines = with_record(lines, actor, lambda r: r.pop("name"))
    lines = with_record(lines, statement, lambda r: r.update(span_start=0))
    lines = [*lines, "not json\n"]

    report = import_bytes("".join(lines).encode("utf-8"))

    assert {error.line for error in report.errors} >= {actor + 1, statement + 1, len(lines)}
    assert counts()["Statement"] == 0


def test_the_header_must_be_the_known_format(exported_then_emptied):
    lines = [transfer.encode_line({**transfer.HEADER, "version": 2}), *exported_then_emptied[1:]]

    report = import_bytes("".join(lines).encode("utf-8"))

    assert [error.line for error in report.errors] == [1]
    assert "unsupported header" in report.errors[0].message


def test_a_line_that_is_not_utf8_is_reported(exported_then_emptied):
    content = "".join(exported_then_emptied).encode("utf-8") + b'{"type": "topic", "name": "\xff"}\n'

    report = import_bytes(content)

    assert report.errors[0].line == len(exported_then_emptied) + 1
    assert "not UTF-8" in report.errors[0].message


def test_importing_the_same_file_again_changes_nothing(every_kind_of_field):
    content = export_bytes()
    before = counts()
    history_before = Statement.history.count()

    report = import_bytes(content)

    assert report.ok, report.errors
    assert sum(report.created.values()) == 0
    assert report.unchanged["statement"] == Statement.objects.count()
    assert counts() == before
    assert Statement.history.count() == history_before
    assert export_bytes() == content


def test_a_stored_record_with_other_values_is_a_conflict_never_overwritten(every_kind_of_field):
    content = export_bytes()
    Actor.objects.filter(slug="fixture-joe-biden").update(name="Joseph R. Biden")

    report = import_bytes(content)

    assert not report.ok
    [conflict] = report.errors
    assert "already stored with other values (name)" in conflict.message
    assert Actor.objects.get(slug="fixture-joe-biden").name == "Joseph R. Biden"


def test_a_dry_run_validates_everything_and_writes_nothing(exported_then_emptied):
    report = import_bytes("".join(exported_then_emptied).encode("utf-8"), dry_run=True)

    assert report.ok, report.errors
    assert report.created["statement"] == 4
    assert not report.written
    assert counts()["Statement"] == 0


def test_imported_records_have_history_with_the_reason_and_the_user(exported_then_emptied, django_user_model):
    user = django_user_model.objects.create_user("importer")

    report = import_bytes("".join(exported_then_emptied).encode("utf-8"), user=user)

    assert report.ok, report.errors
    for model in [Topic, Place, PlaceAlias, Actor, ActorAlias, Position, Source, Communication, Participation]:
        history = model.history.filter(history_change_reason="import", history_type="+")
        assert history.count() == model.objects.count() > 0, model
        assert set(history.values_list("history_user", flat=True)) == {user.pk}
    quote = Statement.objects.get(text=QUOTE)
    [created] = quote.history.all()
    assert (created.history_change_reason, created.history_user) == ("import", user)
    assert created.updated_at == quote.updated_at
    assert [link.actor for link in created.addressees.all()] == list(quote.addressees.all())
    assert {link.place for link in created.mentioned_places.all()} == set(quote.mentioned_places.all())


def test_import_keeps_keys_timestamps_and_versions(every_kind_of_field):
    Statement.objects.filter(text=QUOTE).update(version=7)
    stamps = {row[0]: row for row in Statement.objects.values_list("uuid", "created_at", "updated_at", "version")}
    content = export_bytes()
    wipe_domain()

    import_bytes(content)

    assert {row[0]: row for row in Statement.objects.values_list("uuid", "created_at", "updated_at", "version")} == (
        stamps
    )


def test_export_orders_records_after_those_they_refer_to(every_kind_of_field):
    records = [json.loads(line) for line in lines_of(export_bytes())[1:]]
    position = {record["key"]: index for index, record in enumerate(records)}

    assert [record["type"] for record in records] == sorted(
        (record["type"] for record in records), key=[t.name for t in transfer.RECORD_TYPES].index
    )
    for index, record in enumerate(records):
        record_type = transfer.TYPE_BY_NAME[record["type"]]
        for name in record_type.references:
            if record[name] is not None:
                assert position[record[name]] < index, (record["type"], name)
    assert json.loads(lines_of(export_bytes())[0]) == transfer.HEADER


def test_lines_are_compact_sorted_and_keep_characters_as_they_are(every_kind_of_field):
    lines = lines_of(export_bytes())
    source_line = lines[record_line(lines, "source", date_precision="month")]

    assert "\u201cWe will" in source_line
    assert "\U0001f54a" in source_line
    assert source_line == transfer.encode_line(json.loads(source_line))
    assert ", " not in source_line.replace(BODY.replace("\u2028", "\\u2028"), "")
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)


def test_a_status_filter_keeps_the_statements_replied_to(every_kind_of_field):
    records = [json.loads(line) for line in lines_of(export_bytes(statuses=[CurationStatus.DRAFT]))[1:]]
    statements = {record["text"]: record["status"] for record in records if record["type"] == "statement"}

    assert set(statements) == {
        "a paraphrase without speaker",
        REPLY,
        QUOTE,
        statements and next(text for text in statements if text.startswith("Unicode")),
    }
    assert {record["type"] for record in records} >= {"actor", "source", "communication"}


def test_a_public_export_has_verified_statements_only_and_no_reference_to_the_others(every_kind_of_field):
    rejected = Statement.objects.get(text=REPLY)
    answer = StatementFactory(text="a verified answer to a rejected quote", in_reply_to=rejected)
    assert answer.status == CurationStatus.VERIFIED

    exported = export_bytes(public=True)
    records = [json.loads(line) for line in lines_of(exported)[1:]]
    statements = {record["text"]: record for record in records if record["type"] == "statement"}

    assert set(statements) == {QUOTE, answer.text}
    assert {record["status"] for record in statements.values()} == {CurationStatus.VERIFIED}
    assert statements[answer.text]["in_reply_to"] is None
    assert transfer.export_size(public=True) == len(records)
    # What the public gets stands on its own: it imports into an empty database.
    wipe_domain()
    import_bytes(exported)
    assert set(Statement.objects.values_list("text", flat=True)) == {QUOTE, answer.text}


def test_a_cycle_of_references_stops_the_export_naming_the_records(every_kind_of_field):
    first, second = Actor.objects.filter(slug__in=["fixture-white-house", "fixture-official"]).order_by("slug")
    Actor.objects.filter(pk=second.pk).update(affiliation=first)

    with pytest.raises(transfer.TransferError) as excinfo:
        export_bytes()

    assert str(first.uuid) in str(excinfo.value)
    assert str(second.uuid) in str(excinfo.value)


def test_export_and_import_take_no_query_per_row(every_kind_of_field):
    def queries_for(function) -> int:
        with CaptureQueriesContext(connection) as captured:
            function()
        return len(captured)

    source = Source.objects.get(date_precision="month")
    small_export = queries_for(export_bytes)
    content = export_bytes()
    wipe_domain()
    small_import = queries_for(lambda: import_bytes(content))
    wipe_domain()
    import_bytes(content)
    source = Source.objects.get(date_precision="month")
    start = BODY.index(QUOTE)
    for _number in range(40):
        statement = StatementFactory(
            kind=StatementKind.DIRECT_QUOTE, text=QUOTE, source=source, span_start=start, span_end=start + len(QUOTE)
        )
        statement.addressees.set([statement.speaker])
    big_export = queries_for(export_bytes)
    content = export_bytes()
    wipe_domain()
    big_import = queries_for(lambda: import_bytes(content))

    # Queries grow with batches, not rows; SQLite splits a bulk insert only when it exceeds its parameter limit.
    # (An export looks up the keys of the actors, topics and places a chunk's members name, once it has any.)
    assert small_export <= big_export <= small_export + 3
    assert big_import - small_import <= 4


def test_every_model_field_is_exported_or_left_out_for_a_reason():
    for record_type in transfer.RECORD_TYPES:
        covered = {*record_type.fields, *record_type.references, *record_type.many, *transfer.NOT_EXPORTED}
        model_fields = {
            f.name
            for f in record_type.model._meta.get_fields()
            if f.concrete or (f.many_to_many and not f.auto_created)
        }
        model_fields -= {"participants"} if record_type.has_participants else set()
        assert model_fields - covered == set(), record_type.name


# Commands


def test_export_command_writes_the_file_to_stdout_and_progress_to_stderr(every_kind_of_field):
    stdout, stderr = io.StringIO(), io.StringIO()

    call_command("export_statements", stdout=stdout, stderr=stderr)

    assert stdout.getvalue().encode("utf-8") == export_bytes()
    assert "Exported" in stderr.getvalue()
    assert "4 statements" in stderr.getvalue()


def test_export_command_is_quiet_with_verbosity_0(every_kind_of_field, tmp_path):
    stderr = io.StringIO()

    call_command("export_statements", "--output", str(tmp_path / "out.jsonl"), verbosity=0, stderr=stderr)

    assert (tmp_path / "out.jsonl").read_bytes() == export_bytes()
    assert stderr.getvalue() == ""


def test_import_command_imports_a_file_and_says_what_it_created(exported_then_emptied, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(exported_then_emptied), encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()

    call_command("import_statements", str(path), stdout=stdout, stderr=stderr)

    assert "4 statements" in stdout.getvalue()
    assert "Imported" in stderr.getvalue()
    assert Statement.objects.count() == 4


def test_import_command_fails_with_the_numbered_bad_lines(exported_then_emptied, tmp_path):
    lines, index, message = _unknown_reference(exported_then_emptied)
    path = tmp_path / "in.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    stderr = io.StringIO()

    with pytest.raises(CommandError, match=r"bad line\(s\): nothing was imported"):
        call_command("import_statements", str(path), stderr=stderr)

    assert f"line {index + 1}: statement" in stderr.getvalue()
    assert message in stderr.getvalue()
    assert counts()["Actor"] == 0


def test_import_command_dry_run_writes_nothing(exported_then_emptied, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(exported_then_emptied), encoding="utf-8")
    stdout = io.StringIO()

    call_command("import_statements", str(path), "--dry-run", stdout=stdout, stderr=io.StringIO())

    assert "dry run" in stdout.getvalue()
    assert counts()["Actor"] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the export reads ahead on PostgreSQL only")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_export_outside_a_transaction_reads_ahead_in_a_thread_and_writes_the_same_bytes():
    call_command("load_demo", verbosity=0)
    threads_before = threading.active_count()
    read_ahead = "".join(transfer.export_lines())
    with transaction.atomic():
        in_one_thread = "".join(transfer.export_lines())
    assert read_ahead == in_one_thread
    # Stopping early, as a client hanging up on the streamed export does, stops the reader too.
    lines = transfer.export_lines()
    next(lines), next(lines)
    lines.close()
    assert threading.active_count() == threads_before


def test_a_source_body_from_elsewhere_is_stored_normalised(db):
    source = SourceFactory(body="First line.\nSecond line, caf\u00e9.")
    exported = export_bytes()
    wipe_domain()
    raw = "First line.\r\nSecond line, cafe\u0301."
    lines = []
    for line in lines_of(exported):
        record = json.loads(line)
        if record.get("type") == "source":
            record["body"] = raw
            record["content_hash"] = hashlib.sha256(raw.encode()).hexdigest()
            line = json.dumps(record) + "\n"
        lines.append(line)
    import_bytes("".join(lines).encode())
    stored = Source.objects.get(uuid=source.uuid)
    assert stored.body == "First line.\nSecond line, caf\u00e9."
    assert stored.content_hash == hashlib.sha256(stored.body.encode()).hexdigest()
