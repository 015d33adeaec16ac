"""Full-text search indexes for PostgreSQL: the expressions `statements.selectors.full_text_search` queries."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

from statements.search import SEARCH_CONFIG, SEARCH_FIELDS

INDEXED_MODELS = {
    "statement": "statement_text_search",
    "communication": "communication_search",
    "source": "source_search",
}


def _indexes(apps):
    for model_name, index_name in INDEXED_MODELS.items():
        model = apps.get_model("statements", model_name)
        index = GinIndex(SearchVector(*SEARCH_FIELDS[model_name], config=SEARCH_CONFIG), name=index_name)
        yield model, index


def create_search_indexes(apps, schema_editor):
    # Other databases search without an index (see full_text_search).
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.add_index(model, index)


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("statements", "0003_curator_group")]

    operations = [migrations.RunPython(create_search_indexes, drop_search_indexes)]
