"""Relation fields that read as embedded summaries and write as ids; strict JSON input types."""

import datetime
from collections.abc import Mapping

from django.conf import settings
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from api.links import reader_audience
from statements.models.base import precision_of_a_date_alone


class EmbeddedRelatedField(serializers.PrimaryKeyRelatedField):
    """A relation written as the related record's id and read as its brief representation.

    Clients then need no second request to show a speaker's name, yet send plain ids.
    The viewset must select or prefetch the relation, or each row costs a query.
    """

    def __init__(self, brief_serializer_class, **kwargs):
        self.brief_serializer_class = brief_serializer_class
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        return self.brief_serializer_class(value, context=self.context).data

    @classmethod
    def many_init(cls, *args, **kwargs):
        # As PrimaryKeyRelatedField.many_init, with a list field that finds every id in one query.
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS})
        return RelatedIdsField(**list_kwargs)


class RelatedIdsField(serializers.ManyRelatedField):
    """A list of related records written as their ids, all looked up in one query (DRF makes one per id)."""

    def to_internal_value(self, data):
        if isinstance(data, str | Mapping) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        data = list(data)
        if not self.allow_empty and not data:
            self.fail("empty")
        relation = self.child_relation
        ids = []
        for value in data:
            try:
                ids.append(int(value))
            except (TypeError, ValueError):
                relation.fail("incorrect_type", data_type=type(value).__name__)
        # An id beyond a 64-bit key names no record; the database would refuse to compare with it.
        found = relation.get_queryset().in_bulk({pk for pk in ids if 0 < pk < 2**63})
        for pk in ids:
            if pk not in found:
                relation.fail("does_not_exist", pk_value=pk)
        return [found[pk] for pk in ids]


class EmbeddedRelatedFieldSchema(OpenApiSerializerFieldExtension):
    """Documents an embedded relation: the brief component in responses, an integer id in requests."""

    target_class = "api.serializers.fields.EmbeddedRelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "integer"}
        return auto_schema.resolve_serializer(self.target.brief_serializer_class, direction).ref


class CountryFieldSchema(OpenApiSerializerFieldExtension):
    """A country is a plain string in the schema, its ISO 3166-1 alpha-2 code: an SDK takes "US" as it is,
    where an enum of 250 codes would make each client want its own constant."""

    target_class = "django_countries.serializer_fields.CountryField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        # No pattern: with one, drf-spectacular writes a blank-allowing field as a oneOf two strings.
        return {"type": "string", "maxLength": 2, "example": "US"}


class DateAloneIsADayMixin:
    """A date sent without `date_precision`, for a record without a precision, is a day (an explicit
    "unknown" with a date is still refused: the two contradict each other)."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "date_precision" not in attrs:
            current = getattr(self.instance, "date_precision", None)
            precision = precision_of_a_date_alone(attrs.get("date"), None, current)
            if precision is not None:
                attrs["date_precision"] = precision
        return attrs


class CuratorNameField(serializers.CharField):
    """The username of a curator (who created, changed, merged or deleted something): shown to signed-in
    readers, null to anonymous ones. Reads a user or a username."""

    def __init__(self, *, what: str, **kwargs):
        help_text = f"Username of who {what}; null for commands and imports, and to anonymous readers."
        super().__init__(read_only=True, allow_null=True, help_text=help_text, **kwargs)

    def get_attribute(self, instance):
        if not reader_audience(self.context).curators:
            return None
        value = super().get_attribute(instance)
        return value.get_username() if hasattr(value, "get_username") else value


def _wrong_type(field: serializers.Field, value) -> str | None:
    """Why `value` is not the JSON type the schema gives `field`, or None when it is."""
    if value is None:
        return None  # The field itself decides whether null is allowed.
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.DecimalField):
        return None if isinstance(value, str) else "Not a valid string."
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "Must be true or false."
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        return None if isinstance(value, int) and not isinstance(value, bool) else "A whole number is required."
    if isinstance(field, LIST_FIELDS):
        if not isinstance(value, list):
            return f"Expected a list of items but got type {type(value).__name__!r}."
        child = getattr(field, "child", None) or getattr(field, "child_relation", None)
        problems = (_wrong_type(child, item) for item in value) if child is not None else ()
        return next((problem for problem in problems if problem), None)
    return None


class StrictInputMixin:
    """Refuses values of the wrong JSON type instead of coercing them, as the schema promises.

    DRF turns 0 into "0", "1" into 1, "yes" into true and {} into an empty list; an SDK never sends
    those, so a client that does has a bug it should hear about. Integer columns get the standard
    SQL ranges whatever the database: SQLite would take any 64-bit number PostgreSQL refuses, and
    the schema would change with the database it was generated on.
    """

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if "choices" in field_kwargs:
            valid = ", ".join(str(value) for value, _ in field_kwargs["choices"])
            field_kwargs.setdefault("error_messages", {})["invalid_choice"] = (
                f'"{{input}}" is not one of the choices: {valid}.'
            )
        portable_range = BaseDatabaseOperations.integer_field_ranges.get(model_field.get_internal_type())
        if portable_range is not None and not model_field.primary_key:
            low, high = portable_range
            field_kwargs["min_value"] = max(low, field_kwargs.get("min_value", low))
            field_kwargs["max_value"] = min(high, field_kwargs.get("max_value", high))
        return field_class, field_kwargs

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = self._unwritable(data)
            for field in self._writable_fields:
                if field.field_name not in data:
                    continue
                value = data[field.field_name]
                if problem := _wrong_type(field, value) or _too_long(field, value):
                    errors[field.field_name] = [problem]
            if errors:
                raise serializers.ValidationError(errors, code="invalid")
        return super().to_internal_value(data)

    def _unwritable(self, data: Mapping) -> dict[str, list[str]]:
        """Keys a client may not send: read-only fields, and names no field has (a typo would else be
        dropped silently and the client believe it had set something)."""
        writable = {field.field_name for field in self._writable_fields}
        read_only = {name for name, field in self.fields.items() if field.read_only}
        errors = {}
        for key in data:
            if key in writable:
                continue
            if key in read_only:
                errors[key] = ["This field is read-only; it cannot be set."]
            else:
                errors[key] = ["No such field."]
        return errors


def _too_long(field: serializers.Field, value) -> str | None:
    """Why a list is refused for its length before any of its items is looked at, or None.

    Every list a request may carry is bounded, so that no request carries unbounded work.
    """
    limit = settings.API_MAX_LIST_ITEMS
    if isinstance(field, LIST_FIELDS) and isinstance(value, list) and len(value) > limit:
        return f"Ensure this field has no more than {limit} items (it has {len(value)})."
    return None


LIST_FIELDS = (serializers.ListField, serializers.ManyRelatedField, serializers.ListSerializer)


# Plain values as the serializer fields write them, for the read paths that build representations by hand.


def in_utc(value: datetime.datetime) -> datetime.datetime:
    """A timestamp with its time zone moved to UTC, which every database stores and compares; ValueError
    when it falls outside years 1 to 9999 there (9999-12-31T23:00-12:00), or has no time zone."""
    if value.tzinfo is None:
        raise ValueError("a timestamp without its time zone")
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError("a timestamp outside the years 1 to 9999 in UTC") from None


def iso_date(value) -> str | None:
    """A date as DRF's DateField writes it: YYYY-MM-DD."""
    return None if value is None else value.isoformat()


def iso_datetime(value) -> str | None:
    """A timestamp as DRF's DateTimeField writes it (DATETIME_FORMAT "iso-8601"): in the current time zone, UTC as Z."""
    if value is None:
        return None
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def country_code(value) -> str:
    """A country as the API writes it: its ISO 3166-1 alpha-2 code, or "" when there is none."""
    return getattr(value, "code", value) or ""
