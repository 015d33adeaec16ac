"""What the data and index migrations leave in the database."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection

from statements.models import Communication, Source, Statement
from statements.search import full_text_search


@pytest.mark.django_db
def test_curator_group_holds_every_statement_data_permission():
    curator = Group.objects.get(name="curator")
    expected = set(Permission.objects.filter(content_type__app_label="statements"))
    assert expected, "the statements app has permissions"
    assert set(curator.permissions.all()) == expected
    codenames = set(curator.permissions.values_list("codename", flat=True))
    for action in ("add", "change", "delete", "view"):
        assert f"{action}_statement" in codenames


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text indexes exist on PostgreSQL only")
@pytest.mark.parametrize(
    ("model", "index_name"),
    [
        (Statement, "statement_search_vector"),
        (Communication, "communication_search_vector"),
        (Source, "source_search_vector"),
    ],
)
def test_full_text_search_uses_its_stored_vector_index(model, index_name):
    queryset = full_text_search(model.objects.order_by(), "hostages")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Tiny test tables would otherwise be scanned whole, or walked along another index;
        # the question is only whether the search expression matches its index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index_name in plan
