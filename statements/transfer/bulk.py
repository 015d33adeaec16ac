"""Rows written and checked in sets, for the import: COPY or executemany, and field rules compiled once.

Django's `bulk_create` and `full_clean` do per-value work meant for a few rows at a time (a
model instance, a prepared value and a validator call per field and row). An import of a
million records does the same work with a table's columns prepared once: a writer per table
that sends tuples (COPY on PostgreSQL, executemany elsewhere) with ids taken from the table's
own sequence, and a check per field that decides with plain comparisons whether the field's
own `clean()` — which alone words the errors — needs to run at all.
"""

import datetime
import decimal
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from django.core import validators as django_validators
from django.core.exceptions import ValidationError
from django.db import connection, models

#: Parameters SQLite takes in one statement (its default limit is 999).
SQLITE_PARAMETERS = 900


def _in_parts(values: Sequence, size: int = SQLITE_PARAMETERS) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def ids_by_key(model: type[models.Model], keys: Collection[str]) -> dict[str, int]:
    """The ids of the stored rows with these keys (canonical UUID text), by key, in one query.

    Keys go to the database as one array (PostgreSQL) or as SQLite's 32 hex digits, without
    Django's preparation of each value.
    """
    if not keys:
        return {}
    table, quote = model._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT uuid::text, id FROM {quote(table)} WHERE uuid = ANY(%s::uuid[])",
                ["{" + ",".join(keys) + "}"],
            )
            return dict(cursor.fetchall())
        found = {}
        for keys_part in _in_parts(list(keys)):
            part = [key.replace("-", "") for key in keys_part]
            cursor.execute(f"SELECT uuid, id FROM {quote(table)} WHERE uuid IN ({', '.join(['%s'] * len(part))})", part)
            found.update((str(uuid.UUID(hex_key)), pk) for hex_key, pk in cursor.fetchall())
        return found


def stored_rows(model: type[models.Model], keys: Collection[str], columns: Sequence[str]) -> dict[str, models.Model]:
    """The stored rows with these keys, as model instances holding their id, key and `columns` only, by key.

    Built as the database would load them, from one query (the import checks statements against
    their sources' words and positions against their holders, thousands at a time).
    """
    found = {}
    if not keys:
        return found
    ids = ids_by_key(model, keys)
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(column) for column in columns]
    selected = ", ".join(quote(field.column) for field in fields)
    converters = [_reader(field) for field in fields]
    by_id = {pk: key for key, pk in ids.items()}
    with connection.cursor() as cursor:
        for part in _in_parts(list(by_id)):
            cursor.execute(
                f"SELECT id, {selected} FROM {quote(model._meta.db_table)} "
                f"WHERE id IN ({', '.join(['%s'] * len(part))})",
                part,
            )
            for pk, *values in cursor.fetchall():
                row = model.__new__(model)
                row._state = models.base.ModelState()
                row._state.adding, row._state.db = False, connection.alias
                row.__dict__.update(id=pk, uuid=by_id[pk])
                row.__dict__.update(
                    (field.attname, convert(value) if convert else value)
                    for field, convert, value in zip(fields, converters, values, strict=True)
                )
                found[by_id[pk]] = row
    return found


def _reader(field: models.Field) -> Callable[[Any], Any] | None:
    """How a value read from the database becomes the field's Python value, when it is not already (SQLite)."""
    if connection.vendor != "postgresql" and isinstance(field, models.DateField):
        return lambda value: datetime.date.fromisoformat(value) if isinstance(value, str) else value
    return None


class TableWriter:
    """Inserts rows of one model's table, given as tuples of its concrete fields' values in field order."""

    def __init__(self, model: type[models.Model], *, without: Iterable[str] = ()):
        self.model = model
        left_out = set(without)
        self.fields = [field for field in model._meta.concrete_fields if field.attname not in left_out]
        self.attnames = [field.attname for field in self.fields]
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.columns = ", ".join(connection.ops.quote_name(field.column) for field in self.fields)
        self.adapters = [_adapter(field) for field in self.fields]
        self._next_id: int | None = None
        self._sequence: str | None = None

    def allocate_ids(self, count: int) -> list[int]:
        """`count` new primary keys, taken from the table's sequence so that later inserts never reuse them."""
        if count == 0:
            return []
        pk = self.model._meta.pk
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                if self._sequence is None:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [self.model._meta.db_table, pk.column])
                    self._sequence = cursor.fetchone()[0]
                # The sequence named as a constant: looked up once, not once per id.
                cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [self._sequence, count])
                return [row[0] for row in cursor.fetchall()]
            if self._next_id is None:
                # SQLite's AUTOINCREMENT remembers the highest id ever used, deleted rows' included.
                cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(pk.column)}), 0) FROM {self.table}")
                highest = cursor.fetchone()[0]
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.model._meta.db_table])
                remembered = cursor.fetchone()
                self._next_id = max(highest, remembered[0] if remembered else 0) + 1
        first, self._next_id = self._next_id, self._next_id + count
        return list(range(first, first + count))

    def write(self, rows: Sequence[tuple]) -> None:
        if not rows:
            return
        adapters = [(position, adapt) for position, adapt in enumerate(self.adapters) if adapt is not None]
        if adapters:
            rows = [_adapted(row, adapters) for row in rows]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})", rows)


def _adapted(row: tuple, adapters: list[tuple[int, Callable]]) -> tuple:
    values = list(row)
    for position, adapt in adapters:
        value = values[position]
        if value is not None:
            values[position] = adapt(value)
    return tuple(values)


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a value of the field is handed to the database driver, when not as it is (SQLite's text forms)."""
    if connection.vendor == "postgresql":
        return None  # psycopg writes UUIDs, dates, times and decimals itself.
    operations = connection.ops
    if isinstance(field, models.UUIDField):
        return lambda value: value.replace("-", "") if isinstance(value, str) else value.hex
    if isinstance(field, models.DateTimeField):
        if connection.timezone == datetime.UTC or str(connection.timezone) == "UTC":
            # What adapt_datetimefield_value writes for an aware time, without its checks per value.
            return lambda value: str(value.astimezone(datetime.UTC).replace(tzinfo=None))
        return operations.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return operations.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: operations.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    return None


# Field rules


class FieldChecks:
    """A model's field rules — what `Model.clean_fields()` checks — compiled into a check per field.

    Each check passes a value with plain comparisons (null, blank, choices, lengths, ranges) and the
    field's other validators; a value it does not pass goes to the field's own `clean()`, so a
    refusal reads exactly as Django words it.
    """

    def __init__(self, model: type[models.Model], *, exclude: Iterable[str] = ()):
        left_out = set(exclude)
        self.checks = [
            (field, _compiled_check(field))
            for field in model._meta.concrete_fields
            if field.name not in left_out and not field.primary_key
        ]

    def clean(self, instance: models.Model) -> None:
        """Raise ValidationError with every field's errors, as `instance.clean_fields()` would."""
        errors: dict[str, list] = {}
        values = instance.__dict__
        for field, passes in self.checks:
            value = values[field.attname]
            if field.blank and value in field.empty_values:
                continue
            if passes(value):
                continue
            try:
                values[field.attname] = field.clean(value, instance)
            except ValidationError as error:
                errors[field.name] = error.error_list
        if errors:
            raise ValidationError(errors)


def _compiled_check(field: models.Field) -> Callable[[Any], bool]:
    """A function telling whether a value certainly satisfies the field (False: let the field decide)."""
    null, empty_values = field.null, field.empty_values
    choices = {value for value, _label in field.flatchoices} if field.choices else None
    comparisons: list[Callable[[Any], bool]] = []
    others = []
    for validator in field.validators:
        if isinstance(validator, django_validators.MaxLengthValidator):
            limit = validator.limit_value
            comparisons.append(lambda value, limit=limit: len(value) <= limit)
        elif isinstance(validator, django_validators.MinValueValidator):
            limit = validator.limit_value
            comparisons.append(lambda value, limit=limit: value >= limit)
        elif isinstance(validator, django_validators.MaxValueValidator):
            limit = validator.limit_value
            comparisons.append(lambda value, limit=limit: value <= limit)
        elif isinstance(validator, django_validators.ProhibitNullCharactersValidator):
            comparisons.append(lambda value: "\x00" not in str(value))
        else:
            others.append(validator)
    python_type = _python_type(field)

    def passes(value: Any) -> bool:
        if value is None:
            return null
        if python_type is not None and not isinstance(value, python_type):
            return False
        if value in empty_values and not field.blank:
            return False
        if choices is not None and value not in choices:
            return False
        for comparison in comparisons:
            if not comparison(value):
                return False
        for validator in others:
            try:
                validator(value)
            except ValidationError:
                return False
        return True

    return passes


def _python_type(field: models.Field) -> type | tuple[type, ...] | None:
    """The type a field's decoded value has when the field needs no conversion of it."""
    if isinstance(field, models.DateTimeField):
        return datetime.datetime
    if isinstance(field, models.DateField):
        return datetime.date
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.DecimalField):
        return decimal.Decimal
    if isinstance(field, models.FloatField):
        return float
    if isinstance(field, models.IntegerField | models.ForeignKey):
        return int
    if isinstance(field, models.CharField | models.TextField):
        return str
    return None
