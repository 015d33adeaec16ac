"""Writing the benchmark archive's tables fast: COPY on PostgreSQL (indexes dropped, then rebuilt), else executemany."""

import datetime
import uuid


def tables() -> dict:
    """The tables written, by the short names the archive uses for them, in the order they are loaded."""
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

    return {
        "topic": Topic,
        "place": Place,
        "place_alias": PlaceAlias,
        "actor": Actor,
        "actor_alias": ActorAlias,
        "position": Position,
        "communication": Communication,
        "participation": Participation,
        "communication_topics": Communication.topics.through,
        "communication_sources": Communication.sources.through,
        "source": Source,
        "source_authors": Source.authors.through,
        "statement": Statement,
        "statement_addressees": Statement.addressees.through,
        "statement_topics": Statement.topics.through,
        "statement_mentioned_actors": Statement.mentioned_actors.through,
        "statement_mentioned_places": Statement.mentioned_places.through,
    }


class TableWriter:
    """Rows for one table, turned into tuples in the table's column order and sent in batches."""

    def __init__(self, model, sink):
        self.model = model
        self.columns = [field.column for field in model._meta.concrete_fields]
        attnames = [field.attname for field in model._meta.concrete_fields]
        self.attnames = attnames
        self.defaults = {
            field.attname: (None if field.primary_key else field.get_default()) for field in model._meta.concrete_fields
        }
        self.sink = sink
        self.rows: list[tuple] = []
        self.written = 0
        self.next_id = 1

    def add(self, row: dict) -> None:
        if self.model._meta.pk.attname not in row:
            row = {self.model._meta.pk.attname: self.next_id, **row}
            self.next_id += 1
        defaults = self.defaults
        self.rows.append(tuple(row[name] if name in row else defaults[name] for name in self.attnames))
        if len(self.rows) >= 20_000:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.sink(self.model._meta.db_table, self.columns, self.rows)
            self.written += len(self.rows)
            self.rows = []


def postgresql_sink(cursor):
    def write(table: str, columns: list[str], rows: list[tuple]) -> None:
        names = ", ".join(f'"{column}"' for column in columns)
        with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    return write


def sqlite_sink(cursor):
    def write(table: str, columns: list[str], rows: list[tuple]) -> None:
        names = ", ".join(f'"{column}"' for column in columns)
        marks = ", ".join("?" for _ in columns)
        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [_sqlite_values(row) for row in rows])

    return write


def _sqlite_values(row: tuple) -> tuple:
    # Django stores UUIDs on SQLite as 32 hex digits, dates and times as ISO text.
    return tuple(_sqlite_value(value) for value in row)


def _sqlite_value(value):
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def dropped_postgresql_schema(cursor, tables: list[str]) -> list[str]:
    """Drop the foreign keys, unique constraints and indexes of `tables`; return the DDL that restores them."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c
        WHERE c.contype IN ('f', 'u', 'p')
          AND (c.conrelid::regclass::text = ANY(%s) OR c.confrelid::regclass::text = ANY(%s))
        ORDER BY CASE c.contype WHEN 'f' THEN 0 ELSE 1 END
        """,
        [[f'"{table}"' for table in tables] + tables] * 2,
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('u', 'p'))
        """,
        [[f'"{table}"' for table in tables] + tables],
    )
    indexes = cursor.fetchall()
    restore = []
    for table, name, _definition, _kind in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    restore += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition, kind in constraints
        if kind != "f"
    ]
    restore += [definition for _name, definition in indexes]
    restore += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition, kind in constraints
        if kind == "f"
    ]
    return restore
