"""The statements-jsonl format: record types, their fields, and how values are written and read."""

import datetime
import decimal
import json
import uuid
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import models

from statements.models import (
    Actor,
    ActorAlias,
    Communication,
    Place,
    PlaceAlias,
    Position,
    Source,
    Statement,
    Topic,
)

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


def encode_value(model_field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(model_field, models.DateTimeField):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    if isinstance(model_field, models.DateField):
        return value.isoformat()
    if isinstance(model_field, models.DecimalField):
        return str(value)
    return value


def decode_value(model_field: models.Field, raw: Any) -> Any:
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


def decode_key(raw: Any) -> uuid.UUID:
    if not isinstance(raw, str):
        raise ValueError("must be a UUID string")
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a UUID") from None


def columns_of(record_type: RecordType) -> list[str]:
    return ["id", "uuid", *record_type.fields, *(f"{name}__uuid" for name in record_type.references)]


def alias_owner(record_type: RecordType) -> str:
    return next(
        f.name
        for f in record_type.alias_model._meta.fields
        if isinstance(f, models.ForeignKey) and f.related_model is record_type.model
    )
