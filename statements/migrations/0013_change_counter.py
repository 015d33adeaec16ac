"""A counter of committed changes to what facets count (PostgreSQL): the key under which counts are kept.

Every transaction that writes a statement, one of its links, a communication, a participation, a
topic or an actor adds one to the counter as it commits (a deferred constraint trigger, once per
transaction), so the counter changes exactly when, and as soon as, those changes become visible.
Facet counts of a large selection are kept under the counter's value (`statements.facets`); the
counter's row is locked only for the moment of the commit, so writers never wait on each other
for it. Other databases have no counter, and facets are counted on every request there.
"""

from django.db import migrations

#: The tables whose rows facets count or group by.
COUNTED_TABLES = [
    "statements_statement",
    "statements_statement_addressees",
    "statements_statement_mentioned_actors",
    "statements_statement_mentioned_places",
    "statements_statement_topics",
    "statements_communication",
    "statements_communication_topics",
    "statements_participation",
    "statements_topic",
    "statements_actor",
]

CREATE = [
    "CREATE TABLE statements_change_counter (id smallint PRIMARY KEY CHECK (id = 1), changes bigint NOT NULL)",
    "INSERT INTO statements_change_counter VALUES (1, 0)",
    """
    CREATE FUNCTION statements_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- Once per transaction: a bulk import fires this for each of its rows.
        IF current_setting('statements.change_counted', true) IS DISTINCT FROM txid_current()::text THEN
            PERFORM set_config('statements.change_counted', txid_current()::text, true);
            UPDATE statements_change_counter SET changes = changes + 1 WHERE id = 1;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    *(
        f"CREATE CONSTRAINT TRIGGER {table}_counted AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION statements_count_change()"
        for table in COUNTED_TABLES
    ),
    *(
        f"CREATE TRIGGER {table}_truncated AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION statements_count_change()"
        for table in COUNTED_TABLES
    ),
]

DROP = [
    *(f"DROP TRIGGER IF EXISTS {table}_counted ON {table}" for table in COUNTED_TABLES),
    *(f"DROP TRIGGER IF EXISTS {table}_truncated ON {table}" for table in COUNTED_TABLES),
    "DROP FUNCTION IF EXISTS statements_count_change()",
    "DROP TABLE IF EXISTS statements_change_counter",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("statements", "0012_view_unreviewed_permission")]

    operations = [migrations.RunPython(create, drop)]
