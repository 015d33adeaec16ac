"""The statements-jsonl format: record types, their fields, and how values are written and read."""

import datetime
import decimal
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson
from django.db import models
from django.db.models import Func, TextField

from statements.models import Actor, ActorAlias, Communication, Place, PlaceAlias, Position, Source, Statement, Topic

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
        return self.targets[reference]

    @cached_property
    def targets(self) -> dict[str, "RecordType"]:
        return {
            name: TYPE_OF_MODEL[self.model._meta.get_field(name).related_model]
            for name in (*self.references, *self.many)
        }

    @cached_property
    def float_fields(self) -> tuple[str, ...]:
        """Fields whose values are floats (see `encode_line`)."""
        return tuple(name for name in self.fields if isinstance(self.model._meta.get_field(name), models.FloatField))

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


def encode_line(record: dict[str, Any], *, float_fields: Iterable[str] | None = None) -> str:
    """One record as its line of the file: sorted keys, no spaces, characters as themselves.

    orjson writes what `json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
    writes, several times faster; floats are handed to it already written as Python writes them,
    since orjson spells small ones differently (1e-05 as 0.00001). Records hold floats only at their
    top level; `float_fields` names the fields that may hold one (by default every field is looked at).
    """
    names = record if float_fields is None else float_fields
    floats = {name: orjson.Fragment(repr(record[name])) for name in names if type(record.get(name)) is float}
    return orjson.dumps({**record, **floats} if floats else record, option=orjson.OPT_SORT_KEYS).decode() + "\n"


# Values: how each kind of model field is written and read back.


def encode_value(model_field: models.Field, value: Any) -> Any:
    """A field's value as a record carries it."""
    return value_encoder(model_field)(value)


def _timestamp(value: datetime.datetime | str) -> str:
    if type(value) is str:  # written by the database already (TimestampText)
        return value
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def value_encoder(model_field: models.Field) -> Callable[[Any], Any]:
    """The function writing a field's values as a record carries them (None stays None)."""
    if isinstance(model_field, models.DateTimeField):
        write = _timestamp
    elif isinstance(model_field, models.DateField):
        write = datetime.date.isoformat
    elif isinstance(model_field, models.DecimalField):
        write = str
    else:
        return as_is
    return lambda value: None if value is None else write(value)


def as_is(value: Any) -> Any:
    """A value a record carries as the database gives it."""
    return value


def decode_value(model_field: models.Field, raw: Any) -> Any:
    """The Python value of a field as a record gives it; ValueError names what is wrong."""
    return value_decoder(model_field)(raw)


def value_decoder(model_field: models.Field) -> Callable[[Any], Any]:
    """The function reading a field's values as records give them (see `decode_value`), worked out once."""
    decoder = _DECODERS.get(model_field)
    if decoder is None:
        decoder = _DECODERS[model_field] = _decoder(model_field)
    return decoder


_DECODERS: dict[models.Field, Callable[[Any], Any]] = {}


def _decoder(model_field: models.Field) -> Callable[[Any], Any]:
    if isinstance(model_field, models.DateTimeField):
        read = _timestamp_of
    elif isinstance(model_field, models.DateField):
        read = _date_of
    elif isinstance(model_field, models.DecimalField):
        read = _decimal_of
    elif isinstance(model_field, models.BooleanField):
        read = _boolean_of
    elif isinstance(model_field, models.FloatField):
        read = _float_of
    elif isinstance(model_field, models.IntegerField):
        read = _integer_of
    else:
        read = _string_of
    nullable = model_field.null

    def decode(raw: Any) -> Any:
        if raw is None:
            if nullable:
                return None
            raise ValueError("must not be null")
        return read(raw)

    return decode


def _timestamp_of(raw: Any) -> datetime.datetime:
    if not isinstance(raw, str):
        raise ValueError("must be an ISO 8601 timestamp string")
    try:
        value = datetime.datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not an ISO 8601 timestamp") from None
    if value.tzinfo is None:
        raise ValueError(f"{raw!r} has no time zone; give it in UTC, ending in Z")
    return value.astimezone(datetime.UTC)


def _date_of(raw: Any) -> datetime.date:
    if not isinstance(raw, str) or len(raw) != 10:
        raise ValueError("must be a date string, YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a date") from None


def _decimal_of(raw: Any) -> decimal.Decimal:
    if not isinstance(raw, str):
        raise ValueError("must be a decimal number written as a string")
    try:
        value = decimal.Decimal(raw)
    except decimal.InvalidOperation:
        raise ValueError(f"{raw!r} is not a decimal number") from None
    if not value.is_finite():
        raise ValueError(f"{raw!r} is not a finite number")
    return value


def _boolean_of(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise ValueError("must be true or false")
    return raw


def _float_of(raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError("must be a number")
    return float(raw)


def _integer_of(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValueError("must be an integer")
    return raw


def _string_of(raw: Any) -> str:
    if not isinstance(raw, str):
        raise ValueError("must be a string")
    return raw


_CANONICAL_KEY = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


def key_text(raw: Any) -> str:
    """A key as a record gives it, checked, in its canonical form (lowercase, dashed); ValueError when it is none.

    Keys are handled as text: an export writes them so, and strings hash and compare many times
    faster than UUID objects, which an import of a million records does tens of millions of times.
    """
    if type(raw) is str and _CANONICAL_KEY.match(raw):
        return raw
    return str(decode_key(raw))


def decode_key(raw: Any) -> uuid.UUID:
    if not isinstance(raw, str):
        raise ValueError("must be a UUID string")
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a UUID") from None


class KeyText(Func):
    """A record's key (its UUID) written as text the way a record writes it, by the database itself.

    PostgreSQL has a uuid type; Django keeps a UUID on SQLite as its 32 hex digits, dashed here.
    """

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(%(expressions)s)::text", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        pieces = [f"substr({sql}, {start}, {length})" for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))]
        return " || '-' || ".join(pieces), params * len(pieces)


class TimestampText(Func):
    """On PostgreSQL, a timestamp written by the database as a record writes it (UTC, microseconds, Z).

    Reading the text is far cheaper than loading a datetime only to write it out again. Other
    databases give the timestamp, which `value_encoder` writes.
    """

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        template = """to_char((%(expressions)s) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
        return super().as_sql(compiler, connection, template=template, **extra_context)


def columns_of(record_type: RecordType) -> list:
    """What an export reads of each row: its id, its key, its fields, and the keys of the records it refers to."""
    model = record_type.model
    fields = [
        TimestampText(name) if isinstance(model._meta.get_field(name), models.DateTimeField) else name
        for name in record_type.fields
    ]
    return ["id", KeyText("uuid"), *fields, *(KeyText(f"{name}__uuid") for name in record_type.references)]


def alias_owner(record_type: RecordType) -> str:
    return next(
        f.name
        for f in record_type.alias_model._meta.fields
        if isinstance(f, models.ForeignKey) and f.related_model is record_type.model
    )
