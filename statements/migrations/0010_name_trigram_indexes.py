"""Trigram indexes for actor search on PostgreSQL: "name or alias contains" without reading every actor.

`statements.selectors.actor_search` matches `UPPER(name) LIKE UPPER('%…%')` and a folded alias
containing the folded query; pg_trgm's GIN indexes answer both. The extension ships with
PostgreSQL; where the database user may not create it, the indexes are left out (search still
works, reading the table) and the migration says so.
"""

import logging

from django.db import migrations

logger = logging.getLogger(__name__)

INDEXES = {
    "actor_name_trigram": ("statements_actor", 'UPPER("name"::text) gin_trgm_ops'),
    "actor_alias_trigram": ("statements_actoralias", '"normalized_name" gin_trgm_ops'),
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        installed = cursor.fetchone() is not None
        if not installed:
            cursor.execute("SAVEPOINT trigram_extension")
            try:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except Exception as error:  # noqa: BLE001 - a missing privilege must not stop the migration
                cursor.execute("ROLLBACK TO SAVEPOINT trigram_extension")
                logger.warning("pg_trgm could not be created (%s): actor search will read the whole table.", error)
                return
            cursor.execute("RELEASE SAVEPOINT trigram_extension")
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("statements", "0009_stored_search_vectors")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
