"""Bulk export and import of the curated dataset as JSON Lines, one self-contained record per line.

The format (`statements-jsonl`, version 1): UTF-8, one JSON object per line, keys sorted, no
spaces. The first line is a header; every other line is one record with its `type`, its stable
`key` (the record's UUID) and all its curated fields. A record names the records it refers to by
their keys, never by database ids, so a file moves between databases. Records come in dependency
order — topics, places, actors, positions, sources, communications, statements, each type in
levels so that a parent, affiliation, merge target, `regarding` or `in_reply_to` target comes
before the records pointing at it, and by key within a level — so the same data always exports to
the same bytes.

An import is atomic per file: it validates every line (JSON, fields, types, references, the
models' own rules, unique values) and writes nothing unless every line is good, reporting each bad
line with its number. It only adds records: a record whose key is already stored is skipped when
it is identical and reported as a conflict when it differs, so re-importing a file changes
nothing and an import never overwrites curated work. Rows are written with bulk inserts in
batches, each with its history record (change reason "import"), keeping the exported timestamps
and versions so that exporting again gives the same bytes.
"""

import datetime
import decimal
import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from statements.choices import ParticipantRole
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
from statements.models.base import DatedModel, TimestampedModel
from statements.models.sources import content_hash_of

FORMAT_NAME = "statements-jsonl"
FORMAT_VERSION = 1
HEADER = {"type": "header", "format": FORMAT_NAME, "version": FORMAT_VERSION}

#: Rows read per query when exporting, and records written per batch when importing.
EXPORT_CHUNK_SIZE = 2000
IMPORT_BATCH_SIZE = 2000
#: Bad lines listed in an import report; the rest are counted.
MAX_REPORTED_ERRORS = 100
CHANGE_REASON = "import"


class TransferError(Exception):
    """The data cannot be exported as it stands (such as a cycle of references)."""


@dataclass(frozen=True)
class RecordType:
    """How one model is written as a record: its scalar fields, references and to-many parts."""

    name: str
    model: type[models.Model]
    fields: tuple[str, ...]
    references: tuple[str, ...] = ()
    many: tuple[str, ...] = ()
    alias_model: type[models.Model] | None = None
    has_participants: bool = False

    @cached_property
    def self_references(self) -> tuple[str, ...]:
        """References to the same type, which decide the order of records within the type."""
        return tuple(name for name in self.references if self.model._meta.get_field(name).related_model is self.model)

    def target(self, reference: str) -> "RecordType":
        """The record type a reference or to-many relation points at."""
        return TYPE_OF_MODEL[self.model._meta.get_field(reference).related_model]

    @property
    def record_keys(self) -> set[str]:
        extra = {"aliases"} if self.alias_model else set()
        extra |= {"participants"} if self.has_participants else set()
        return {"type", "key", *self.fields, *self.references, *self.many, *extra}


_STAMPS = ("created_at", "updated_at", "version")
_DATED = ("date", "date_precision", "date_expression")

#: Every record type, in dependency order: a type only refers to itself and to types before it.
RECORD_TYPES = (
    RecordType("topic", Topic, ("slug", "name", "description", *_STAMPS), references=("parent",)),
    RecordType(
        "place",
        Place,
        ("name", "slug", "kind", "country", "latitude", "longitude", *_STAMPS),
        references=("parent",),
        alias_model=PlaceAlias,
    ),
    RecordType(
        "actor",
        Actor,
        ("kind", "name", "slug", "description", "country", "wikidata_id", *_STAMPS),
        references=("affiliation", "merged_into"),
        alias_model=ActorAlias,
    ),
    RecordType(
        "position",
        Position,
        ("title", "country", "start_date", "end_date", *_STAMPS),
        references=("actor", "organization"),
    ),
    RecordType(
        "source",
        Source,
        ("kind", "title", "url", "language", "image_credit", "body", "content_hash", *_DATED, *_STAMPS),
        references=("publisher",),
        many=("authors",),
    ),
    RecordType(
        "communication",
        Communication,
        (
            "kind",
            "title",
            "summary",
            *_DATED,
            "duration_minutes",
            "duration_is_approximate",
            *_STAMPS,
        ),
        references=("duration_according_to", "place", "regarding"),
        many=("topics", "sources"),
        has_participants=True,
    ),
    RecordType(
        "statement",
        Statement,
        (
            "kind",
            "text",
            "speaker_as_written",
            "span_start",
            "span_end",
            "status",
            *_DATED,
            "confidence",
            "extractor",
            "speaker_proposed_name",
            "extraction_digest",
            *_STAMPS,
        ),
        references=("speaker", "position", "reported_by", "communication", "source", "in_reply_to"),
        many=("addressees", "topics", "mentioned_actors", "mentioned_places"),
    ),
)
TYPE_OF_MODEL = {record_type.model: record_type for record_type in RECORD_TYPES}
TYPE_BY_NAME = {record_type.name: record_type for record_type in RECORD_TYPES}

#: Model fields a record leaves out, and why; a test fails when a new field is in neither list.
NOT_EXPORTED = {
    "id": "database ids differ between databases; records refer to each other by key",
    "uuid": 'written as the record\'s "key"',
    "created_by": "user accounts belong to a deployment, not to the dataset",
    "updated_by": "user accounts belong to a deployment, not to the dataset",
}


def encode_line(record: dict[str, Any]) -> str:
    """One record as its line of the file: sorted keys, no spaces, characters as themselves."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


# Values: how each kind of model field is written and read back.


def _encode_value(model_field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(model_field, models.DateTimeField):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    if isinstance(model_field, models.DateField):
        return value.isoformat()
    if isinstance(model_field, models.DecimalField):
        return str(value)
    return value


def _decode_value(model_field: models.Field, raw: Any) -> Any:
    """The Python value of a field as a record gives it; ValueError names what is wrong."""
    if raw is None:
        if model_field.null:
            return None
        raise ValueError("must not be null")
    if isinstance(model_field, models.DateTimeField):
        if not isinstance(raw, str):
            raise ValueError("must be an ISO 8601 timestamp string")
        try:
            value = datetime.datetime.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not an ISO 8601 timestamp") from None
        if value.tzinfo is None:
            raise ValueError(f"{raw!r} has no time zone; give it in UTC, ending in Z")
        return value.astimezone(datetime.UTC)
    if isinstance(model_field, models.DateField):
        if not isinstance(raw, str) or len(raw) != 10:
            raise ValueError("must be a date string, YYYY-MM-DD")
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a date") from None
    if isinstance(model_field, models.DecimalField):
        if not isinstance(raw, str):
            raise ValueError("must be a decimal number written as a string")
        try:
            value = decimal.Decimal(raw)
        except decimal.InvalidOperation:
            raise ValueError(f"{raw!r} is not a decimal number") from None
        if not value.is_finite():
            raise ValueError(f"{raw!r} is not a finite number")
        return value
    if isinstance(model_field, models.BooleanField):
        if not isinstance(raw, bool):
            raise ValueError("must be true or false")
        return raw
    if isinstance(model_field, models.FloatField):
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise ValueError("must be a number")
        return float(raw)
    if isinstance(model_field, models.IntegerField):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError("must be an integer")
        return raw
    if not isinstance(raw, str):
        raise ValueError("must be a string")
    return raw


def _decode_key(raw: Any) -> uuid.UUID:
    if not isinstance(raw, str):
        raise ValueError("must be a UUID string")
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a UUID") from None


# Export


def export_lines(
    *, statuses: Iterable[str] | None = None, progress: Callable[[str, int], None] | None = None
) -> Iterator[str]:
    """The file, line by line: the header, then every record (statements of the given statuses only).

    Memory stays bounded by the chunk size: rows are read in chunks with their to-many parts
    fetched per chunk, never one query per row.
    """
    with consistent_snapshot():
        yield encode_line(HEADER)
        for record in export_records(statuses=statuses, progress=progress):
            yield encode_line(record)


@contextmanager
def consistent_snapshot():
    """A read transaction in which the whole export sees one state of the data, whatever is written meanwhile."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def export_records(
    *, statuses: Iterable[str] | None = None, progress: Callable[[str, int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """Every record in dependency order; `progress(type name, records so far)` is told after each chunk."""
    statuses = list(statuses or [])
    for record_type in RECORD_TYPES:
        queryset = record_type.model._default_manager.all()
        if record_type.model is Statement and statuses:
            queryset = _statements_with_their_reply_targets(statuses)
        exported = 0
        for rows in _chunks_in_order(record_type, queryset):
            yield from serialize_rows(record_type, rows)
            exported += len(rows)
            if progress is not None:
                progress(record_type.name, exported)
        if progress is not None and exported == 0:
            progress(record_type.name, 0)


def _statements_with_their_reply_targets(statuses: list[str]) -> models.QuerySet:
    # A reply needs the statement it answers; include those too, so the file stands on its own.
    selected = Q(status__in=statuses)
    while True:
        answered = Statement.objects.filter(replies__in=Statement.objects.filter(selected))
        missing = list(answered.exclude(selected).values_list("pk", flat=True).distinct())
        if not missing:
            return Statement.objects.filter(selected)
        selected |= Q(pk__in=missing)


def _columns(record_type: RecordType) -> list[str]:
    return ["id", "uuid", *record_type.fields, *(f"{name}__uuid" for name in record_type.references)]


def _chunks_in_order(record_type: RecordType, queryset: models.QuerySet) -> Iterator[list[dict[str, Any]]]:
    """Rows as value dicts, in chunks, in dependency levels and by key within a level."""
    columns = _columns(record_type)
    links = record_type.self_references
    roots = queryset.filter(**{f"{name}__isnull": True for name in links})
    chunk: list[dict[str, Any]] = []
    for row in roots.order_by("uuid").values(*columns).iterator(chunk_size=EXPORT_CHUNK_SIZE):
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
    if not links:
        return
    # Only rows that point at their own type are held in memory to find their level.
    linked = queryset.exclude(**{f"{name}__isnull": True for name in links})
    targets_of: dict[int, list[int]] = {}
    key_of: dict[int, uuid.UUID] = {}
    for pk, key, *targets in linked.values_list("pk", "uuid", *(f"{name}_id" for name in links)).iterator(
        chunk_size=EXPORT_CHUNK_SIZE
    ):
        targets_of[pk] = [target for target in targets if target is not None]
        key_of[pk] = key
    levels: dict[int, list[int]] = defaultdict(list)
    for pk, level in _levels(record_type, targets_of, key_of).items():
        levels[level].append(pk)
    for level in sorted(levels):
        ordered = sorted(levels[level], key=key_of.__getitem__)
        for start in range(0, len(ordered), EXPORT_CHUNK_SIZE):
            pks = ordered[start : start + EXPORT_CHUNK_SIZE]
            rows = {row["id"]: row for row in queryset.filter(pk__in=pks).values(*columns)}
            yield [rows[pk] for pk in pks]


def _levels(record_type: RecordType, targets_of: dict[int, list[int]], key_of: dict[int, uuid.UUID]) -> dict[int, int]:
    """Each linked row's level: one more than the highest level among the rows it points at."""
    level_of: dict[int, int] = {}
    for start in targets_of:
        if start in level_of:
            continue
        path, on_path = [start], {start}
        while path:
            pk = path[-1]
            pending = [target for target in targets_of[pk] if target in targets_of and target not in level_of]
            if not pending:
                level_of[pk] = 1 + max((level_of.get(target, 0) for target in targets_of[pk]), default=0)
                on_path.discard(path.pop())
                continue
            target = pending[0]
            if target in on_path:
                cycle = ", ".join(str(key_of[member]) for member in path[path.index(target) :])
                raise TransferError(
                    f"The {record_type.name}s {cycle} refer to each other in a cycle "
                    f"({' or '.join(record_type.self_references)}); break the cycle before exporting."
                )
            path.append(target)
            on_path.add(target)
    return level_of


def serialize_rows(record_type: RecordType, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records for rows read with `_columns`, their to-many parts fetched in one query per relation."""
    model = record_type.model
    pks = [row["id"] for row in rows]
    many: dict[str, dict[int, list[str]]] = {}
    for name in record_type.many:
        through = model._meta.get_field(name).remote_field.through
        relation = model._meta.get_field(name)
        owner, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        members: dict[int, list[str]] = defaultdict(list)
        pairs = through.objects.filter(**{f"{owner}_id__in": pks}).values_list(f"{owner}_id", f"{target}__uuid")
        for pk, key in pairs:
            members[pk].append(str(key))
        many[name] = members
    aliases: dict[int, list[str]] = defaultdict(list)
    if record_type.alias_model is not None:
        owner = _alias_owner(record_type)
        for pk, name in record_type.alias_model.objects.filter(**{f"{owner}_id__in": pks}).values_list(
            f"{owner}_id", "name"
        ):
            aliases[pk].append(name)
    participants: dict[int, list[dict[str, str]]] = defaultdict(list)
    if record_type.has_participants:
        for pk, actor_key, role in Participation.objects.filter(communication_id__in=pks).values_list(
            "communication_id", "actor__uuid", "role"
        ):
            participants[pk].append({"actor": str(actor_key), "role": role})
    records = []
    for row in rows:
        record: dict[str, Any] = {"type": record_type.name, "key": str(row["uuid"])}
        for name in record_type.fields:
            record[name] = _encode_value(model._meta.get_field(name), row[name])
        for name in record_type.references:
            target_key = row[f"{name}__uuid"]
            record[name] = None if target_key is None else str(target_key)
        for name in record_type.many:
            record[name] = sorted(many[name].get(row["id"], []))
        if record_type.alias_model is not None:
            record["aliases"] = sorted(aliases.get(row["id"], []))
        if record_type.has_participants:
            record["participants"] = sorted(participants.get(row["id"], []), key=lambda p: (p["actor"], p["role"]))
        records.append(record)
    return records


def _alias_owner(record_type: RecordType) -> str:
    return next(
        f.name
        for f in record_type.alias_model._meta.fields
        if isinstance(f, models.ForeignKey) and f.related_model is record_type.model
    )


def stored_records(record_type: RecordType, keys: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """The stored records with the given keys, as an export writes them."""
    rows = list(record_type.model._default_manager.filter(uuid__in=list(keys)).values(*_columns(record_type)))
    return {uuid.UUID(record["key"]): record for record in serialize_rows(record_type, rows)}


# Import


@dataclass(frozen=True)
class LineError:
    """A bad line of an import file and what is wrong with it."""

    line: int
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}"


@dataclass
class ImportReport:
    """What an import did, or would have done: records created and already present, by type, and bad lines."""

    dry_run: bool = False
    lines: int = 0
    created: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def written(self) -> bool:
        """Whether the import's records are in the database: only when every line was good and it was no dry run."""
        return self.ok and not self.dry_run


@dataclass
class _PendingRecord:
    line: int
    key: uuid.UUID
    record: dict[str, Any]
    references: dict[str, uuid.UUID | None] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    many: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    participants: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    instance: models.Model | None = None


class _RecordError(Exception):
    pass


def import_lines(
    lines: Iterable[bytes | str],
    *,
    user=None,
    dry_run: bool = False,
    progress: Callable[[str, int], None] | None = None,
    batch_size: int = IMPORT_BATCH_SIZE,
) -> ImportReport:
    """Validate and import a file's lines in one transaction; nothing is kept unless every line is good.

    Records are written batch by batch inside the transaction, so later lines can refer to earlier
    ones and the database's own constraints have the last word; a bad line or a dry run rolls it all back.
    """
    importer = _Importer(user=user, dry_run=dry_run, progress=progress, batch_size=batch_size)
    with _timestamps_as_given(), transaction.atomic():
        importer.run(lines)
        if not importer.report.written:
            transaction.set_rollback(True)
    return importer.report


@contextmanager
def _timestamps_as_given():
    # Inserts would stamp created_at and updated_at with the time of the import; an import keeps the
    # file's, so that exporting again gives the same bytes. Imports run in their own process (a command).
    stamps = [
        model_field
        for record_type in RECORD_TYPES
        if issubclass(record_type.model, TimestampedModel)
        for model_field in record_type.model._meta.concrete_fields
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)
    ]
    saved = [(model_field, model_field.auto_now, model_field.auto_now_add) for model_field in stamps]
    try:
        for model_field in stamps:
            model_field.auto_now = model_field.auto_now_add = False
        yield
    finally:
        for model_field, auto_now, auto_now_add in saved:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


class _Importer:
    """Reads records line by line and writes them in batches of one type."""

    def __init__(self, *, user, dry_run: bool, progress, batch_size: int):
        self.report = ImportReport(dry_run=dry_run)
        self.user = user if getattr(user, "is_authenticated", False) else None
        self.progress = progress
        self.batch_size = batch_size
        self.batch_type: RecordType | None = None
        self.batch: dict[uuid.UUID, _PendingRecord] = {}
        # Rows with ids above these were written by this import: a key found there is given twice in the file.
        self.stored_before = {
            record_type.name: record_type.model._default_manager.aggregate(top=Max("pk"))["top"] or 0
            for record_type in RECORD_TYPES
        }
        self.rejected: dict[tuple[str, uuid.UUID], int] = {}
        self.history_date = timezone.now()

    def error(self, line: int, message: str, rejected: tuple[str, uuid.UUID] | None = None) -> None:
        self.report.error_count += 1
        if len(self.report.errors) < MAX_REPORTED_ERRORS:
            self.report.errors.append(LineError(line, message))
        if rejected is not None and len(self.rejected) < 100_000:
            self.rejected[rejected] = line

    def run(self, lines: Iterable[bytes | str]) -> None:
        seen_content = False
        for number, raw_line in enumerate(lines, start=1):
            self.report.lines = number
            if isinstance(raw_line, bytes):
                try:
                    raw_line = raw_line.decode("utf-8")
                except UnicodeDecodeError as problem:
                    self.error(number, f"not UTF-8 text ({problem.reason} at byte {problem.start})")
                    continue
            text = raw_line.strip()
            if not text:
                continue
            first, seen_content = not seen_content, True
            try:
                record = json.loads(text)
            except json.JSONDecodeError as problem:
                self.error(number, f"not valid JSON: {problem.msg} (column {problem.colno})")
                continue
            if not isinstance(record, dict):
                self.error(number, "a record must be a JSON object")
                continue
            if record.get("type") == "header":
                if not first:
                    self.error(number, "the header can only be the first line")
                elif record != HEADER:
                    self.error(number, f"unsupported header: this version reads {encode_line(HEADER).strip()}")
                continue
            self.add(number, record)
        self.flush()

    def add(self, number: int, record: dict[str, Any]) -> None:
        record_type = TYPE_BY_NAME.get(record.get("type"))
        if record_type is None:
            known = ", ".join(TYPE_BY_NAME)
            self.error(number, f"unknown record type {record.get('type')!r} (known: {known})")
            return
        try:
            key = _decode_key(record.get("key"))
        except ValueError as problem:
            self.error(number, f"{record_type.name}: key {problem}")
            return
        if record_type is not self.batch_type or len(self.batch) >= self.batch_size:
            self.flush()
            self.batch_type = record_type
        if key in self.batch:
            self.error(
                number,
                f"{record_type.name} {key}: the key is already given on line {self.batch[key].line}",
                rejected=None,
            )
            return
        if any(_is_key_in(record.get(name), self.batch) for name in record_type.self_references):
            # It refers to a record of this batch: write the batch first, so the reference resolves.
            self.flush()
            self.batch_type = record_type
        self.batch[key] = _PendingRecord(line=number, key=key, record=record)

    def flush(self) -> None:
        record_type, pending = self.batch_type, list(self.batch.values())
        self.batch = {}
        if not pending:
            return
        pending = self._decoded(record_type, pending)
        pending = self._resolved(record_type, pending)
        pending = self._new_only(record_type, pending)
        pending = self._validated(record_type, pending)
        pending = self._unique(record_type, pending)
        self._write(record_type, pending)
        if self.progress is not None:
            name = record_type.name
            self.progress(name, self.report.created[name] + self.report.unchanged[name])

    def _reject(self, record_type: RecordType, item: _PendingRecord, message: str) -> None:
        self.error(item.line, f"{record_type.name} {item.key}: {message}", rejected=(record_type.name, item.key))

    def _decoded(self, record_type: RecordType, pending: list[_PendingRecord]) -> list[_PendingRecord]:
        good = []
        model = record_type.model
        for item in pending:
            keys = set(item.record)
            missing, unknown = record_type.record_keys - keys, keys - record_type.record_keys
            if missing or unknown:
                parts = [f"missing {', '.join(sorted(missing))}"] if missing else []
                parts += [f"unknown {', '.join(sorted(unknown))}"] if unknown else []
                self._reject(record_type, item, "; ".join(parts))
                continue
            try:
                for name in record_type.fields:
                    item.values[name] = _decode_checked(name, model._meta.get_field(name), item.record[name])
                if item.values["version"] < 1:
                    raise _RecordError("version: must be 1 or more")
                for name in record_type.references:
                    raw = item.record[name]
                    nullable = model._meta.get_field(name).null
                    item.references[name] = None if raw is None and nullable else _decode_checked(name, None, raw)
                for name in record_type.many:
                    item.many[name] = _decode_key_list(name, item.record[name])
                if record_type.alias_model is not None:
                    item.aliases = _decode_aliases(item.record["aliases"])
                if record_type.has_participants:
                    item.participants = _decode_participants(item.record["participants"])
            except _RecordError as problem:
                self._reject(record_type, item, str(problem))
                continue
            good.append(item)
        return good

    def _resolved(self, record_type: RecordType, pending: list[_PendingRecord]) -> list[_PendingRecord]:
        """Turn every key a record refers to into a stored row, in one query per referenced type."""
        wanted: dict[RecordType, set[uuid.UUID]] = defaultdict(set)
        for item in pending:
            for name, key in item.references.items():
                if key is not None:
                    wanted[record_type.target(name)].add(key)
            for name, keys in item.many.items():
                wanted[record_type.target(name)].update(keys)
            for actor_key, _role in item.participants:
                wanted[TYPE_BY_NAME["actor"]].add(actor_key)
        found: dict[RecordType, dict[uuid.UUID, Any]] = {}
        for target, keys in wanted.items():
            rows = target.model._default_manager.filter(uuid__in=list(keys))
            if target.model is Source:
                # Statements are checked against their source's words and positions against their holder.
                found[target] = {row.uuid: row for row in rows.only("pk", "uuid", "body")}
            elif target.model is Position:
                found[target] = {row.uuid: row for row in rows.only("pk", "uuid", "actor", "start_date", "end_date")}
            else:
                found[target] = dict(rows.values_list("uuid", "pk"))
        self.found = found
        good = []
        for item in pending:
            problems = []
            for name, key in item.references.items():
                if key is not None and key not in found[record_type.target(name)]:
                    problems.append(self._unknown(name, record_type.target(name), key))
            for name, keys in item.many.items():
                problems += [
                    self._unknown(name, record_type.target(name), key)
                    for key in keys
                    if key not in found[record_type.target(name)]
                ]
            actors = TYPE_BY_NAME["actor"]
            problems += [
                self._unknown("participants", actors, key) for key, _ in item.participants if key not in found[actors]
            ]
            if problems:
                self._reject(record_type, item, "; ".join(problems))
                continue
            good.append(item)
        return good

    def _unknown(self, name: str, target: RecordType, key: uuid.UUID) -> str:
        rejected_on = self.rejected.get((target.name, key))
        if rejected_on is not None:
            return f"{name} refers to {target.name} {key}, which line {rejected_on} could not import"
        return f"{name} refers to unknown {target.name} {key} (not stored and not on an earlier line)"

    def _new_only(self, record_type: RecordType, pending: list[_PendingRecord]) -> list[_PendingRecord]:
        """Drop records already stored as they are; a record stored with other values is a conflict."""
        stored = dict(
            record_type.model._default_manager.filter(uuid__in=[item.key for item in pending]).values_list("uuid", "pk")
        )
        if not stored:
            return pending
        earlier = {key for key, pk in stored.items() if pk > self.stored_before[record_type.name]}
        current = stored_records(record_type, [key for key in stored if key not in earlier])
        good = []
        for item in pending:
            if item.key in earlier:
                self.error(item.line, f"{record_type.name} {item.key}: the key is already given on an earlier line")
            elif item.key in current:
                differing = _differences(current[item.key], _canonical(record_type, item))
                if differing:
                    self._reject(
                        record_type,
                        item,
                        f"already stored with other values ({', '.join(differing)}); an import never "
                        "overwrites stored records: change them through the admin or the API",
                    )
                else:
                    self.report.unchanged[record_type.name] += 1
            else:
                good.append(item)
        return good

    def _validated(self, record_type: RecordType, pending: list[_PendingRecord]) -> list[_PendingRecord]:
        """Build each instance and check it with the model's own field and record rules."""
        model = record_type.model
        relation_names = [*record_type.references]
        good = []
        for item in pending:
            instance = model(uuid=item.key, **item.values)
            for name, key in item.references.items():
                target = record_type.target(name)
                stored = None if key is None else self.found[target][key]
                if target.model in (Source, Position):
                    setattr(instance, name, stored)
                elif name in record_type.self_references and stored is not None:
                    # The target is stored and this record is new, so nothing points back at it yet and no
                    # cycle can close: the walk in clean() may stop at the target instead of loading its chain.
                    setattr(instance, name, _stored_stub(model, stored, record_type.self_references))
                else:
                    setattr(instance, f"{name}_id", stored)
            try:
                instance.clean_fields(exclude=relation_names)
                _clean_record(instance)
                if model is Source and instance.content_hash != item.values["content_hash"]:
                    raise ValidationError({"content_hash": "does not match the body (SHA-256 of its UTF-8 text)"})
                aliases = [record_type.alias_model(name=name) for name in item.aliases] if item.aliases else []
                for alias in aliases:
                    alias.clean()
                if len({alias.name for alias in aliases}) != len(aliases):
                    raise ValidationError({"aliases": "the same alias is given twice"})
            except ValidationError as problem:
                self._reject(record_type, item, _describe(problem))
                continue
            item.instance = instance
            item.aliases = [alias.name for alias in aliases]
            good.append(item)
        return good

    def _unique(self, record_type: RecordType, pending: list[_PendingRecord]) -> list[_PendingRecord]:
        """Refuse values that must be unique and are taken, in this batch or in the database: one query per field."""
        model = record_type.model
        unique_fields = [
            f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key and f.name != "uuid"
        ]
        bad: set[uuid.UUID] = set()
        for name in unique_fields:
            holders: dict[Any, _PendingRecord] = {}
            for item in pending:
                value = getattr(item.instance, name)
                if value is None or item.key in bad:
                    continue
                if value in holders:
                    self._reject(record_type, item, f"{name}: {value!r} is already used on line {holders[value].line}")
                    bad.add(item.key)
                else:
                    holders[value] = item
            taken = model._default_manager.filter(**{f"{name}__in": list(holders)}).values_list(name, "uuid")
            for value, holder in taken:
                item = holders[value]
                self._reject(record_type, item, f"{name}: {value!r} is already used by {record_type.name} {holder}")
                bad.add(item.key)
        return [item for item in pending if item.key not in bad]

    def _write(self, record_type: RecordType, pending: list[_PendingRecord]) -> None:
        if not pending:
            return
        try:
            with transaction.atomic():
                self._insert(record_type, pending)
            return
        except IntegrityError:
            pass
        # Validation missed something only the database saw; find the records it concerns one by one.
        for item in pending:
            item.instance.pk, item.instance._state.adding = None, True
            try:
                with transaction.atomic():
                    self._insert(record_type, [item])
            except IntegrityError as problem:
                self._reject(record_type, item, f"the database refused it: {problem}")

    def _insert(self, record_type: RecordType, pending: list[_PendingRecord]) -> None:
        """Insert records with their aliases, participants and to-many links, each with its history."""
        model = record_type.model
        instances = [item.instance for item in pending]
        model._default_manager.bulk_create(instances, batch_size=self.batch_size)
        history = self._history(model, instances)
        history_of = {row.id: row for row in history}
        if record_type.alias_model is not None:
            owner = _alias_owner(record_type)
            aliases = [
                record_type.alias_model(**{owner: item.instance, "name": name}, normalized_name="")
                for item in pending
                for name in item.aliases
            ]
            for alias in aliases:
                alias.clean()
            record_type.alias_model.objects.bulk_create(aliases, batch_size=self.batch_size)
            self._history(record_type.alias_model, aliases)
        if record_type.has_participants:
            actors = self.found.get(TYPE_BY_NAME["actor"], {})
            participations = [
                Participation(communication=item.instance, actor_id=actors[actor_key], role=role)
                for item in pending
                for actor_key, role in item.participants
            ]
            Participation.objects.bulk_create(participations, batch_size=self.batch_size)
            self._history(Participation, participations)
        for name in record_type.many:
            self._insert_links(record_type, name, pending, history_of)
        self.report.created[record_type.name] += len(pending)

    def _history(self, model: type[models.Model], instances: list[models.Model]) -> list[models.Model]:
        return model.history.bulk_history_create(
            instances,
            batch_size=self.batch_size,
            default_user=self.user,
            default_change_reason=CHANGE_REASON,
            default_date=self.history_date,
        )

    def _insert_links(self, record_type: RecordType, name: str, pending, history_of) -> None:
        relation = record_type.model._meta.get_field(name)
        through = relation.remote_field.through
        owner, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        found = self.found[record_type.target(name)]
        links = [
            through(**{f"{owner}_id": item.instance.pk, f"{target}_id": getattr(found[key], "pk", found[key])})
            for item in pending
            for key in item.many[name]
        ]
        through.objects.bulk_create(links, batch_size=self.batch_size)
        history_model = record_type.model.history.model
        if name not in {m2m.name for m2m in getattr(history_model, "_history_m2m_fields", [])}:
            return
        # django-simple-history names the history of a to-many relation "<historical model>_<relation>".
        link_history_model = history_model._meta.apps.get_model(
            history_model._meta.app_label, f"{history_model.__name__}_{name}"
        )
        link_fields = [f.attname for f in through._meta.concrete_fields]
        link_history_model.objects.bulk_create(
            [
                link_history_model(
                    history_id=history_of[getattr(link, f"{owner}_id")].pk,
                    **{attname: getattr(link, attname) for attname in link_fields},
                )
                for link in links
            ],
            batch_size=self.batch_size,
        )


def _is_key_in(raw: Any, batch: dict[uuid.UUID, _PendingRecord]) -> bool:
    try:
        return raw is not None and _decode_key(raw) in batch
    except ValueError:
        return False


def _decode_checked(name: str, model_field: models.Field | None, raw: Any) -> Any:
    try:
        return _decode_key(raw) if model_field is None else _decode_value(model_field, raw)
    except ValueError as problem:
        raise _RecordError(f"{name}: {problem}") from None


def _decode_key_list(name: str, raw: Any) -> list[uuid.UUID]:
    if not isinstance(raw, list):
        raise _RecordError(f"{name}: must be a list of keys")
    keys = [_decode_checked(name, None, item) for item in raw]
    if len(set(keys)) != len(keys):
        raise _RecordError(f"{name}: a key is listed twice")
    return keys


def _decode_aliases(raw: Any) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        raise _RecordError("aliases: must be a list of strings")
    return raw


def _decode_participants(raw: Any) -> list[tuple[uuid.UUID, str]]:
    if not isinstance(raw, list):
        raise _RecordError("participants: must be a list of {actor, role} objects")
    participants = []
    for entry in raw:
        if not isinstance(entry, dict) or set(entry) != {"actor", "role"} or not isinstance(entry["role"], str):
            raise _RecordError('participants: each is an object {"actor": key, "role": role}')
        participants.append((_decode_checked("participants", None, entry["actor"]), entry["role"]))
    if unknown := {role for _, role in participants} - set(ParticipantRole.values):
        raise _RecordError(f"participants: {', '.join(sorted(unknown))} is not a participant role")
    if len(set(participants)) != len(participants):
        raise _RecordError("participants: an actor is listed twice in the same role")
    return participants


def _stored_stub(model: type[models.Model], pk: int, links: tuple[str, ...]) -> models.Model:
    stub = model(pk=pk)
    for name in links:
        stub._state.fields_cache[name] = None
    return stub


def _clean_record(instance: models.Model) -> None:
    """The model's own record rules, without the queries that would make an import one query per row."""
    if isinstance(instance, Source):
        # Source.clean() looks up duplicates row by row; the import checks unique values per batch instead.
        DatedModel.clean(instance)
        if instance.url == "":
            instance.url = None
        if not instance.body.strip():
            raise ValidationError({"body": "A source needs its text."})
        instance.content_hash = content_hash_of(instance.body)
        return
    instance.clean()


def _canonical(record_type: RecordType, item: _PendingRecord) -> dict[str, Any]:
    """The record as an export would write it, so that equal data compares equal however it was spelled."""
    model = record_type.model
    record: dict[str, Any] = {"type": record_type.name, "key": str(item.key)}
    for name in record_type.fields:
        record[name] = _encode_value(model._meta.get_field(name), item.values[name])
    for name, key in item.references.items():
        record[name] = None if key is None else str(key)
    for name, keys in item.many.items():
        record[name] = sorted(map(str, keys))
    if record_type.alias_model is not None:
        record["aliases"] = sorted(" ".join(name.split()) for name in item.aliases)
    if record_type.has_participants:
        participants = [{"actor": str(key), "role": role} for key, role in item.participants]
        record["participants"] = sorted(participants, key=lambda p: (p["actor"], p["role"]))
    return record


def _differences(stored: dict[str, Any], given: dict[str, Any]) -> list[str]:
    return sorted(name for name in stored if stored[name] != given.get(name))


def _describe(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return "; ".join(error.messages)
    parts = []
    for name, messages in error.message_dict.items():
        text = " ".join(messages)
        parts.append(text if name == NON_FIELD_ERRORS else f"{name}: {text}")
    return "; ".join(parts)
