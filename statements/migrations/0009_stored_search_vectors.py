"""Stored full-text vectors on PostgreSQL: a generated `search_vector` column with a GIN index per searched model.

The database computes the column from the searched fields on every insert and update, whatever
path writes the row (services, bulk updates, imports, merges, COPY), so search never re-parses
text and the vector cannot fall out of date. The column is PostgreSQL's alone: the models do not
declare it, and other databases search the text itself (see `statements.search.full_text_search`).
It replaces the expression indexes of migration 0004.
"""

from django.db import migrations

from statements.search import SEARCH_CONFIG, SEARCH_FIELDS, VECTOR_COLUMN

#: The expression indexes of migration 0004, by model, which the stored vectors replace.
EXPRESSION_INDEXES = {
    "statement": "statement_text_search",
    "communication": "communication_search",
    "source": "source_search",
}


def _vector_sql(fields: tuple[str, ...]) -> str:
    # As SearchVector(*fields) writes it: the fields joined by spaces, an empty field counting as ''.
    document = " || ' ' || ".join(f"COALESCE({field}, '')" for field in fields)
    return f"to_tsvector('{SEARCH_CONFIG}'::regconfig, {document})"


def add_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, old_index in EXPRESSION_INDEXES.items():
        table = apps.get_model("statements", model_name)._meta.db_table
        schema_editor.execute(f"DROP INDEX IF EXISTS {old_index}")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {VECTOR_COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({_vector_sql(SEARCH_FIELDS[model_name])}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {model_name}_search_vector ON {table} USING gin ({VECTOR_COLUMN})")


def drop_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, old_index in EXPRESSION_INDEXES.items():
        table = apps.get_model("statements", model_name)._meta.db_table
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {VECTOR_COLUMN}")
        fields = SEARCH_FIELDS[model_name]
        schema_editor.execute(f"CREATE INDEX {old_index} ON {table} USING gin ({_vector_sql(fields)})")


class Migration(migrations.Migration):
    dependencies = [("statements", "0008_list_indexes")]

    operations = [migrations.RunPython(add_search_vectors, drop_search_vectors)]
