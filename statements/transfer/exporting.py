"""Export: every record in dependency order, streamed in chunks."""

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q

from statements.models import (
    Participation,
    Statement,
)
from statements.transfer.records import (
    EXPORT_CHUNK_SIZE,
    HEADER,
    RECORD_TYPES,
    RecordType,
    TransferError,
    alias_owner,
    columns_of,
    encode_line,
    encode_value,
)

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


def _chunks_in_order(record_type: RecordType, queryset: models.QuerySet) -> Iterator[list[dict[str, Any]]]:
    """Rows as value dicts, in chunks, in dependency levels and by key within a level."""
    columns = columns_of(record_type)
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
        owner = alias_owner(record_type)
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
            record[name] = encode_value(model._meta.get_field(name), row[name])
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


def stored_records(record_type: RecordType, keys: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """The stored records with the given keys, as an export writes them."""
    rows = list(record_type.model._default_manager.filter(uuid__in=list(keys)).values(*columns_of(record_type)))
    return {uuid.UUID(record["key"]): record for record in serialize_rows(record_type, rows)}
