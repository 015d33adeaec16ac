"""The to-many members of exported records (links as keys, alias names, participants), read in streams.

A member is given by its owner's id; keys are the linked records' UUIDs, read once per id (`KeysById`)."""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection, models

from statements.models import Actor, Participation
from statements.transfer.records import EXPORT_CHUNK_SIZE, KeyText, RecordType, TransferError, alias_owner


class MemberStream:
    """The to-many parts of rows read in key order, as one stream in the same order, merged with the rows.

    All the record type's link tables (and aliases, participants) are read in one query that the
    database sorts by the owner's key in one pass; `of(rows)` takes from it the members of the next
    rows and gives them as `members_of` does (by owner id; keys, alias names or participants).
    """

    def __init__(self, record_type: RecordType, owners: models.QuerySet, keys: "KeysById"):
        self.parts = member_parts(record_type)
        self.keys = keys
        self.rows: Iterator[list[tuple]] | None = None
        self.buffer: list[tuple] = []
        self.position = 0
        if not self.parts:
            return
        quote = connection.ops.quote_name
        model = record_type.model
        owner_sql, owner_params = owners.order_by().values("pk").query.sql_with_params()
        links = " UNION ALL ".join(
            f"SELECT {number} AS part, {owner} AS owner, "
            f"{'NULL' if member_model is None else value} AS member, {value if member_model is None else second} "
            f"AS second FROM {table}"
            for number, (_name, table, owner, value, second, member_model) in enumerate(self.parts)
        )
        self.sql = (
            f"SELECT members.owner, members.part, members.member, members.second FROM ({links}) members "
            f"JOIN {quote(model._meta.db_table)} owner ON owner.id = members.owner "
            f"WHERE members.owner IN ({owner_sql}) ORDER BY owner.uuid"
        )
        self.params = owner_params

    def _next_row(self) -> tuple | None:
        if self.position == len(self.buffer):
            if self.rows is None:
                self.rows = fetched_in_lists(self.sql, self.params)
            self.buffer, self.position = next(self.rows, []), 0
            if not self.buffer:
                return None
        row = self.buffer[self.position]
        self.position += 1
        return row

    def of(self, rows: list[tuple]) -> dict[str, dict[int, list]]:
        found: dict[str, dict[int, list]] = {part[0]: {} for part in self.parts}
        if not self.parts:
            return found
        taken: list[tuple] = []
        pending = getattr(self, "pending", None)
        for pk, *_ in rows:
            while True:
                row = pending if pending is not None else self._next_row()
                pending = None
                if row is None or row[0] != pk:
                    pending = row
                    break
                taken.append(row)
        self.pending = pending
        wanted: dict[type[models.Model], set[int]] = defaultdict(set)
        for _owner, number, member, _second in taken:
            if member is not None:
                wanted[self.parts[number][5]].add(member)
        key_of = {member_model: self.keys.of(member_model, ids) for member_model, ids in wanted.items()}
        names = [part[0] for part in self.parts]
        models_of = [part[5] for part in self.parts]
        for owner, number, member, second in taken:
            by_owner = found[names[number]].setdefault(owner, [])
            if names[number] == "participants":
                by_owner.append({"actor": key_of[Actor][member], "role": second})
            elif models_of[number] is None:
                by_owner.append(second)
            else:
                by_owner.append(key_of[models_of[number]][member])
        return found


def dependency_levels(
    record_type: RecordType, targets_of: dict[int, list[int]], key_of: dict[int, uuid.UUID]
) -> dict[int, int]:
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


def member_parts(record_type: RecordType) -> list[tuple[str, str, str, str, str, type[models.Model] | None]]:
    """The to-many parts of a record type: (name, link table, owner column, value column, second column, model
    whose key the value is the id of — None when the value is written as it is)."""
    model, quote = record_type.model, connection.ops.quote_name
    parts = []
    for name in record_type.many:
        relation = model._meta.get_field(name)
        through = relation.remote_field.through
        owner = through._meta.get_field(relation.m2m_field_name()).column
        target = through._meta.get_field(relation.m2m_reverse_field_name()).column
        parts.append((name, quote(through._meta.db_table), quote(owner), quote(target), "NULL", relation.related_model))
    if record_type.alias_model is not None:
        owner = record_type.alias_model._meta.get_field(alias_owner(record_type)).column
        parts.append(("aliases", quote(record_type.alias_model._meta.db_table), quote(owner), "name", "NULL", None))
    if record_type.has_participants:
        parts.append(
            ("participants", quote(Participation._meta.db_table), "communication_id", "actor_id", "role", Actor)
        )
    return parts


class KeysById:
    """The keys of records by their ids, looked up as chunks need them and kept up to a bound.

    The same actors, topics and places come back chunk after chunk; remembering their keys spares
    a join per relation and chunk, and the bound keeps memory from growing with the archive.
    """

    LIMIT = 100_000

    def __init__(self):
        self.known: dict[type[models.Model], dict[int, str]] = defaultdict(dict)

    def of(self, model: type[models.Model], ids: Iterable[int]) -> dict[int, str]:
        known = self.known[model]
        missing = {pk for pk in ids if pk not in known}
        if missing:
            if len(known) + len(missing) > self.LIMIT:
                known.clear()
            rows = model._default_manager.filter(pk__in=missing).order_by().values_list("pk", KeyText("uuid"))
            known.update(rows)
        return known


def members_of(record_type: RecordType, pks: list[int], keys: KeysById | None = None) -> dict[str, dict[int, list]]:
    """Each to-many part of the rows with these ids, by owner id: all of them in one UNION ALL query.

    Members are keys, alias names, or {"actor": key, "role": role} for participants. The owners are
    one array parameter on PostgreSQL, so a chunk costs one query however long it is; the link tables
    alone are read (their indexes answer), and members' keys come from `keys`.
    """
    parts = member_parts(record_type)
    found: dict[str, dict[int, list]] = {part[0]: defaultdict(list) for part in parts}
    if not parts or not pks:
        return found
    keys = keys or KeysById()
    if connection.vendor == "postgresql":
        # An array literal: psycopg would write a list of ints as an array in Python, number by number.
        owners, owner_params = "= ANY(%s::bigint[])", ["{" + ",".join(map(str, pks)) + "}"]
    else:
        owners, owner_params = f"IN ({', '.join(['%s'] * len(pks))})", pks
    selects = [
        f"SELECT {number}, {owner}, {value}, {second} FROM {table} WHERE {owner} {owners}"
        for number, (_name, table, owner, value, second, _model) in enumerate(parts)
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), owner_params * len(parts))
        rows = cursor.fetchall()
    wanted: dict[type[models.Model], set[int]] = defaultdict(set)
    for number, _owner, value, _second in rows:
        if parts[number][5] is not None:
            wanted[parts[number][5]].add(value)
    key_of = {model: keys.of(model, ids) for model, ids in wanted.items()}
    for number, owner_id, value, second in rows:
        name, model = parts[number][0], parts[number][5]
        if name == "participants":
            found[name][owner_id].append({"actor": key_of[model][value], "role": second})
        else:
            found[name][owner_id].append(value if model is None else key_of[model][value])
    return found


def fetched_in_lists(sql: str, params) -> Iterator[list[tuple]]:
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(EXPORT_CHUNK_SIZE):
            yield chunk
