"""Edit history: who changed what and when, for single writes and bulk writes alike.

django-simple-history writes a historical record on every save and delete through its signals.
Writes that bypass the signals (`bulk_create`, `QuerySet.update`) and writes that span several
signals (a save followed by to-many changes) record their history through the helpers here, so
every write leaves exactly one record per row, with its to-many members, its user and its reason.
"""

import datetime
import decimal
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record
from simple_history.utils import get_history_manager_for_model

#: Kinds of historical record, as simple-history stores them and as the API names them.
HISTORY_TYPE_NAMES = {"+": "created", "~": "changed", "-": "deleted"}

#: Fields whose changes a history entry does not list: keys, stamps and values derived from other fields.
UNLISTED_FIELDS = frozenset(
    {"id", "uuid", "version", "created_at", "updated_at", "created_by", "updated_by", "content_hash", "normalized_name"}
)

_change_reason: ContextVar[str | None] = ContextVar("history_change_reason", default=None)


@contextmanager
def change_reason(reason: str) -> Iterator[None]:
    """Give every historical record written inside the block this reason (a command's or an import's name)."""
    token = _change_reason.set(reason)
    try:
        yield
    finally:
        _change_reason.reset(token)


def current_change_reason() -> str | None:
    """The reason set by the innermost `change_reason` block, if any."""
    return _change_reason.get()


@receiver(pre_create_historical_record)
def _give_records_the_current_reason(sender, history_instance, **kwargs):
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = _change_reason.get()


def acting_user(user):
    """The user to record as the author of a change: None for anonymous and scripted writes."""
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def attribute_to(instance: models.Model, user) -> models.Model:
    """Name `user` as the author of the historical records `instance` writes (saves, deletes, to-many changes).

    Without a user the author is whoever made the current request (HistoryRequestMiddleware), if anyone.
    """
    if acting_user(user) is not None:
        instance._history_user = user
    return instance


def record_history(
    instances: Sequence[models.Model], *, history_type: str, user=None, reason: str | None = None
) -> list[models.Model]:
    """Write one historical record per instance as it stands, with a snapshot of its tracked to-many members.

    For writes the history signals do not see: rows written in bulk, or a save and its to-many changes
    recorded as one change. `history_type` is "+" (created) or "~" (changed).
    """
    if not instances:
        return []
    model = type(instances[0])
    records = get_history_manager_for_model(model).bulk_history_create(
        instances,
        update=history_type == "~",
        default_user=acting_user(user),
        default_change_reason=reason or _change_reason.get(),
    )
    history_model = get_history_manager_for_model(model).model
    record_by_pk = {record.id: record for record in records}
    for field in history_model._history_m2m_fields:
        member_history_model = getattr(history_model, field.name).model
        through = field.remote_field.through
        owner, member = field.m2m_field_name(), field.m2m_reverse_field_name()
        rows = through.objects.filter(**{f"{owner}_id__in": list(record_by_pk)}).values_list(
            "pk", f"{owner}_id", f"{member}_id"
        )
        member_history_model.objects.bulk_create(
            member_history_model(
                id=row_id, history=record_by_pk[owner_id], **{f"{owner}_id": owner_id, f"{member}_id": member_id}
            )
            for row_id, owner_id, member_id in rows
        )
    return records


@contextmanager
def one_history_record(instance: models.Model, *, user=None) -> Iterator[models.Model]:
    """Record everything done to `instance` inside the block — its save and its to-many changes — as one record.

    Each `.set()` of a tracked to-many field would otherwise add a record of its own, so creating a
    statement with topics and addressees would read as a creation followed by two edits.
    """
    history_type = "+" if instance._state.adding else "~"
    instance.skip_history_when_saving = True
    try:
        yield instance
    finally:
        del instance.skip_history_when_saving
    record_history([instance], history_type=history_type, user=user or getattr(instance, "_history_user", None))


# Reading history


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after a change; to-many fields as sorted lists of ids."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    """A historical record with what it changed compared with the record before it."""

    history_id: int
    history_date: datetime.datetime
    history_type: str
    history_user: str | None
    change_reason: str | None
    changes: list[FieldChange]


def plain_value(value: Any) -> Any:
    """A field value as JSON can carry it: dates and times in ISO 8601, decimals and UUIDs as strings."""
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "code") and not isinstance(value, models.Model):
        # django-countries' Country; an unset country is "".
        return value.code or ""
    return value


def member_ids_by_record(history_model: type[models.Model], history_ids: Iterable[int]) -> dict[int, dict[str, list]]:
    """The to-many members each historical record saw, by record and field: one query per to-many field."""
    history_ids = list(history_ids)
    members: dict[int, dict[str, list]] = {history_id: {} for history_id in history_ids}
    for field in history_model._history_m2m_fields:
        for history_id in history_ids:
            members[history_id][field.name] = []
        member_history_model = getattr(history_model, field.name).model
        member = field.m2m_reverse_field_name()
        rows = member_history_model.objects.filter(history_id__in=history_ids).values_list("history_id", f"{member}_id")
        for history_id, member_id in rows:
            members[history_id][field.name].append(member_id)
    for by_field in members.values():
        for ids in by_field.values():
            ids.sort()
    return members


def history_entries(records: Sequence[models.Model], older: models.Model | None) -> list[HistoryEntry]:
    """Entries for historical records of one object, newest first, each compared with the record before it.

    `older` is the record just before the last of `records` (None when that one is the first), so a
    page of history is computed with a fixed number of queries whatever its length.
    """
    if not records:
        return []
    history_model = type(records[0])
    to_many = {field.name for field in history_model._history_m2m_fields}
    plain_fields = [field.name for field in history_model.tracked_fields if field.name not in UNLISTED_FIELDS | to_many]
    chain = [*records, older] if older is not None else list(records)
    members = member_ids_by_record(history_model, [record.history_id for record in chain])
    entries = []
    for position, record in enumerate(records):
        previous = chain[position + 1] if position + 1 < len(chain) else None
        entries.append(
            HistoryEntry(
                history_id=record.history_id,
                history_date=record.history_date,
                history_type=HISTORY_TYPE_NAMES[record.history_type],
                history_user=record.history_user.get_username() if record.history_user_id else None,
                change_reason=record.history_change_reason or None,
                changes=_changes(record, previous, plain_fields, members),
            )
        )
    return entries


def _changes(record, previous, plain_fields: list[str], members: dict[int, dict[str, list]]) -> list[FieldChange]:
    if record.history_type == "-":
        # A deletion changes no field; the record is the last state, which restoring brings back.
        return []
    new_members = members[record.history_id]
    if previous is None:
        # Nothing before it: what the record was created with, leaving out what was left empty.
        changes = [
            FieldChange(name, None, plain_value(getattr(record, _attname(record, name)))) for name in plain_fields
        ]
        changes += [FieldChange(name, [], ids) for name, ids in new_members.items()]
        return sorted((change for change in changes if change.new not in (None, "", [])), key=lambda c: c.field)
    # diff_against() compares editable fields only; the others (such as merged_into) are compared here.
    editable = [name for name in plain_fields if record._meta.get_field(name).editable]
    delta = record.diff_against(previous, included_fields=editable)
    changes = [FieldChange(change.field, plain_value(change.old), plain_value(change.new)) for change in delta.changes]
    for name in plain_fields:
        if name not in editable:
            old, new = getattr(previous, _attname(record, name)), getattr(record, _attname(record, name))
            if old != new:
                changes.append(FieldChange(name, plain_value(old), plain_value(new)))
    old_members = members[previous.history_id]
    changes += [
        FieldChange(name, old_members.get(name, []), ids)
        for name, ids in new_members.items()
        if ids != old_members.get(name, [])
    ]
    return sorted(changes, key=lambda change: change.field)


def _attname(record, name: str) -> str:
    return record._meta.get_field(name).attname


def history_of(model: type[models.Model], pk: Any) -> models.QuerySet:
    """The historical records of one object, newest first, with their users."""
    history = get_history_manager_for_model(model)
    return history.filter(id=pk).select_related("history_user").order_by("-history_date", "-history_id")


def record_before(record: models.Model) -> models.Model | None:
    """The historical record of the same object just before `record`, or None for its first."""
    earlier = Q(history_date__lt=record.history_date) | Q(
        history_date=record.history_date, history_id__lt=record.history_id
    )
    return history_of(record.instance_type, record.id).filter(earlier).first()


def deleted_records(model: type[models.Model]) -> models.QuerySet:
    """The last historical record of each deleted object that was not brought back, most recently deleted first."""
    history_model = get_history_manager_for_model(model).model
    latest = (
        history_model.objects.filter(id=OuterRef("id"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return (
        history_model.objects.filter(history_type="-", history_id=Subquery(latest))
        .exclude(id__in=model.objects.values("pk"))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
