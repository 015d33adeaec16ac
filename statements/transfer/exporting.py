"""Export: every record in dependency order, streamed in chunks."""

import itertools
import queue
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from django.db import connection, connections, models, transaction
from django.db.models import Case, Q, When

from statements.models import Communication, Source, Statement
from statements.selectors import public_statements
from statements.transfer.members import KeysById, MemberStream, dependency_levels, fetched_in_lists, members_of
from statements.transfer.records import (
    EXPORT_CHUNK_SIZE,
    HEADER,
    RECORD_TYPES,
    TYPE_OF_MODEL,
    RecordType,
    as_is,
    columns_of,
    encode_line,
    value_encoder,
)

# Export


def export_lines(
    *,
    statuses: Iterable[str] | None = None,
    public: bool = False,
    selection: models.QuerySet | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Iterator[str]:
    """The file, line by line: the header, then every record (statements of the given statuses only).

    `public` writes what the public may read: verified statements only, and a statement answering
    one that is not verified written as answering none (`in_reply_to` null). `selection` (statements,
    as a list's filters select them) writes those statements only, with the communications and
    sources they refer to and every actor, position, place and topic, so that the file still imports
    on its own; a statement answering one outside the selection is written as answering none.

    Memory stays bounded by the chunk size: rows are read in chunks with their to-many parts
    fetched per chunk, never one query per row. On PostgreSQL, outside a transaction, the reading
    runs ahead in a thread of its own (see `_read_ahead`), so the database works on the next chunk
    while this one is written.
    """
    yield encode_line(HEADER)
    float_fields = {record_type.name: record_type.float_fields for record_type in RECORD_TYPES}
    for record in export_records(statuses=statuses, public=public, selection=selection, progress=progress):
        yield encode_line(record, float_fields=float_fields[record["type"]])


def export_size(
    *, statuses: Iterable[str] | None = None, public: bool = False, selection: models.QuerySet | None = None
) -> int:
    """How many records an export of these statuses writes (for a progress bar): one count per type."""
    return sum(
        _exported_rows(record_type, list(statuses or []), public, selection).count() for record_type in RECORD_TYPES
    )


def _exported_rows(
    record_type: RecordType, statuses: list[str], public: bool, selection: models.QuerySet | None = None
) -> models.QuerySet:
    """The rows of a type that an export writes."""
    model = record_type.model
    if model is Statement:
        statements = Statement.objects.all()
        if public:
            statements = statements.filter(public_statements())
        elif statuses:
            statements = _statements_with_their_reply_targets(statuses)
        if selection is not None:
            statements = statements.filter(pk__in=selection.order_by().values("pk"))
        return statements
    if selection is not None and model is Communication:
        return _communications_of(_exported_rows(TYPE_OF_MODEL[Statement], statuses, public, selection))
    if selection is not None and model is Source:
        statements = _exported_rows(TYPE_OF_MODEL[Statement], statuses, public, selection)
        communications = _communications_of(statements)
        reporting = Communication.sources.through.objects.filter(communication__in=communications.values("pk"))
        return Source.objects.filter(
            Q(pk__in=statements.order_by().values("source_id")) | Q(pk__in=reporting.values("source_id"))
        )
    return model._default_manager.all()


def _communications_of(statements: models.QuerySet) -> models.QuerySet:
    """The communications the statements were said in, and those they are about (readouts of a call), on up."""
    selected = Q(pk__in=statements.order_by().values("communication_id"))
    for _ in range(MAX_REGARDING_DEPTH):
        regarded = Q(pk__in=Communication.objects.filter(selected).order_by().values("regarding_id"))
        if not Communication.objects.filter(regarded).exclude(selected).exists():
            break
        selected |= regarded
    return Communication.objects.filter(selected)


#: How far a chain of communications about communications is followed (a readout of a call: one step).
MAX_REGARDING_DEPTH = 20


def _exported_columns(
    record_type: RecordType, public: bool, statuses: list[str] | None = None, selection: models.QuerySet | None = None
) -> list:
    """What an export reads of a type's rows (`columns_of`); in a public or selective export, the statement
    a statement answers is read only when it is exported too (verified, selected)."""
    columns = columns_of(record_type)
    if (public or selection is not None) and record_type.model is Statement:
        position = len(columns) - len(record_type.references) + record_type.references.index("in_reply_to")
        if selection is None:
            exported = public_statements("in_reply_to__")
        else:
            exported = Q(in_reply_to__in=_exported_rows(record_type, statuses or [], public, selection).values("pk"))
        columns[position] = Case(When(exported, then=columns[position]), default=None, output_field=models.TextField())
    return columns


@contextmanager
def consistent_snapshot():
    """A read transaction in which the whole export sees one state of the data, whatever is written meanwhile."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                # The export's queries are many and short: starting parallel workers for each costs more than it saves.
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                # Each table is read whole, in key order: a sort of the table read in one sweep, where an index
                # walk in key order would fetch the rows one random page at a time (three times slower at a
                # million statements). Plan for all rows, not for the first ones, as a cursor would.
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
                cursor.execute("SET LOCAL enable_indexscan = off")
        yield


def export_records(
    *,
    statuses: Iterable[str] | None = None,
    public: bool = False,
    selection: models.QuerySet | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every record in dependency order; `progress(type name, records so far)` is told after each chunk."""
    chunks = _read_chunks(list(statuses or []), public, selection)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        chunks = _read_ahead(chunks)
    exported: dict[str, int] = {}
    for record_type, rows, members in chunks:
        yield from serialize_rows(record_type, rows, members)
        exported[record_type.name] = exported.get(record_type.name, 0) + len(rows)
        if progress is not None:
            progress(record_type.name, exported[record_type.name])


#: Chunks read ahead of the one being written: the memory an export holds.
READ_AHEAD_CHUNKS = 2


def _read_chunks(
    statuses: list[str], public: bool, selection: models.QuerySet | None = None
) -> Iterator[tuple[RecordType, list[tuple], dict[str, dict[int, list]]]]:
    """Every type's rows in chunks, in export order, each with its to-many parts, in one consistent snapshot.

    A type without rows gives one empty chunk, so that progress hears of every type.
    """
    keys = KeysById()
    with consistent_snapshot():
        for record_type in RECORD_TYPES:
            queryset = _exported_rows(record_type, statuses, public, selection)
            columns = _exported_columns(record_type, public, statuses, selection)
            empty = True
            for rows, members in _chunks_in_order(record_type, queryset, columns, keys):
                empty = False
                yield record_type, rows, members
            if empty:
                yield record_type, [], members_of(record_type, [])


def _read_ahead(chunks: Iterator) -> Iterator:
    """The chunks, read by a thread of their own, on its own connection, up to READ_AHEAD_CHUNKS ahead.

    The database prepares the next chunk while the caller writes the current one; the thread waits
    on the database and on the queue, so the two overlap. Stopping early (a client that hangs up)
    stops the reader; an error in it is raised here.
    """
    buffer: queue.Queue = queue.Queue(maxsize=READ_AHEAD_CHUNKS)
    stopped = threading.Event()
    finished = object()

    def read() -> None:
        try:
            for chunk in chunks:
                while not stopped.is_set():
                    try:
                        buffer.put(("chunk", chunk), timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stopped.is_set():
                    return
            buffer.put(("done", finished))
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, which raises it
            buffer.put(("error", error))
        finally:
            chunks.close()
            connections.close_all()

    reader = threading.Thread(target=read, name="export-reader", daemon=True)
    reader.start()
    try:
        while True:
            kind, item = buffer.get()
            if kind == "error":
                raise item
            if kind == "done":
                return
            yield item
    finally:
        stopped.set()
        while reader.is_alive():
            with suppress(queue.Empty):
                buffer.get(timeout=0.1)
        reader.join()


def _statements_with_their_reply_targets(statuses: list[str]) -> models.QuerySet:
    # A reply needs the statement it answers; include those too, so the file stands on its own.
    selected = Q(status__in=statuses)
    while True:
        answered = Statement.objects.filter(replies__in=Statement.objects.filter(selected))
        missing = list(answered.exclude(selected).values_list("pk", flat=True).distinct())
        if not missing:
            return Statement.objects.filter(selected)
        selected |= Q(pk__in=missing)


def _chunks_in_order(
    record_type: RecordType, queryset: models.QuerySet, columns: list, keys: "KeysById"
) -> Iterator[tuple[list[tuple], dict[str, dict[int, list]]]]:
    """Rows as tuples of `columns_of(record_type)` with their to-many parts, in chunks, in dependency levels
    and by key within a level.

    The rows of the first level (all of them, for most types) and each of their to-many parts are
    read as streams ordered by key, which the database sorts in one pass each, and merged here; the
    rows of later levels, few, are read by id.
    """
    links = record_type.self_references
    roots = queryset.filter(**{f"{name}__isnull": True for name in links})
    members = MemberStream(record_type, roots, keys)
    for chunk in _in_lists(roots.order_by("uuid").values_list(*columns)):
        yield chunk, members.of(chunk)
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
    for pk, level in dependency_levels(record_type, targets_of, key_of).items():
        levels[level].append(pk)
    for level in sorted(levels):
        ordered = sorted(levels[level], key=key_of.__getitem__)
        for start in range(0, len(ordered), EXPORT_CHUNK_SIZE):
            pks = ordered[start : start + EXPORT_CHUNK_SIZE]
            rows = {row[0]: row for row in queryset.filter(pk__in=pks).values_list(*columns)}
            yield [rows[pk] for pk in pks], members_of(record_type, pks, keys)


def _in_lists(queryset: models.QuerySet) -> Iterator[list[tuple]]:
    """The queryset's rows in lists of EXPORT_CHUNK_SIZE, read through a cursor a list at a time.

    On PostgreSQL the rows come straight from a server-side cursor: the columns an export reads need
    no conversion there, and Django's row-by-row iteration would cost more than the rest of the export.
    """
    if connection.vendor != "postgresql":
        rows = queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE)
        while chunk := list(itertools.islice(rows, EXPORT_CHUNK_SIZE)):
            yield chunk
        return
    sql, params = queryset.query.sql_with_params()
    yield from fetched_in_lists(sql, params)


def serialize_rows(
    record_type: RecordType, rows: list[tuple], members: dict[str, dict[int, list]] | None = None
) -> list[dict[str, Any]]:
    """Records for rows read as `columns_of(record_type)`, with their to-many parts (fetched when not given)."""
    model = record_type.model
    if members is None:
        members = members_of(record_type, [row[0] for row in rows])
    many = {name: members[name] for name in record_type.many}
    aliases = members.get("aliases", {})
    participants = members.get("participants", {})
    # The row holds id, key, the fields, then the references' keys: everything but the id is written as it
    # is read except the fields whose values need writing (dates); those are worked out once per chunk.
    names = ["key", *record_type.fields, *record_type.references]
    encoded = [
        (name, position, encoder)
        for position, name in enumerate(record_type.fields, start=2)
        if (encoder := value_encoder(model._meta.get_field(name))) is not as_is
    ]
    type_name = record_type.name
    lists = [*many.items()]
    if record_type.alias_model is not None:
        lists.append(("aliases", aliases))
    records = []
    for row in rows:
        pk = row[0]
        record = dict(zip(names, row[1:], strict=True))
        record["type"] = type_name
        for name, position, encode in encoded:
            record[name] = encode(row[position])
        for name, by_owner in lists:
            found = by_owner.get(pk)
            record[name] = sorted(found) if found else []
        if record_type.has_participants:
            record["participants"] = sorted(participants.get(pk, ()), key=lambda p: (p["actor"], p["role"]))
        records.append(record)
    return records


def stored_records(record_type: RecordType, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The stored records with the given keys, as an export writes them."""
    rows = list(record_type.model._default_manager.filter(uuid__in=list(keys)).values_list(*columns_of(record_type)))
    return {record["key"]: record for record in serialize_rows(record_type, rows)}
