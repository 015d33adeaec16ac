"""Full-text search finds what every write path leaves, and the topic tree is one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements import services, transfer
from statements.models import Actor, Communication, Source, Statement, Topic
from statements.search import full_text_search
from statements.selectors import topic_ids_with_descendants
from tests.factories import ActorFactory, SourceFactory, StatementFactory

pytestmark = pytest.mark.django_db


def found(model, words: str) -> set[int]:
    return set(full_text_search(model.objects.all(), words).values_list("pk", flat=True))


def test_a_statement_is_found_by_its_words_as_they_are_after_each_write():
    speaker = ActorFactory()
    statement = services.statement_create(kind="paraphrase", text="talks about the harbour", speaker=speaker)
    assert found(Statement, "harbour") == {statement.pk}

    services.statement_update(statement=statement, text="talks about the lighthouse")
    assert found(Statement, "harbour") == set()
    assert found(Statement, "lighthouse") == {statement.pk}

    # Writes in bulk and merges leave the vector as the row now stands.
    services.statements_set_status(statements=Statement.objects.filter(pk=statement.pk), status="verified", user=None)
    duplicate = ActorFactory()
    other = StatementFactory(kind="paraphrase", text="the lighthouse keeper spoke", speaker=duplicate)
    services.actor_merge(merged=duplicate, into=speaker)
    assert found(Statement, "lighthouse") == {statement.pk, other.pk}


def test_imported_records_are_found_by_their_words():
    source = SourceFactory(title="Harbour news", body="The harbour reopened, officials said.")
    call = Communication.objects.create(kind="phone_call", title="Harbour call", summary="About the harbour")
    lines = list(transfer.export_lines())
    Communication.objects.all().delete()
    Source.objects.all().delete()
    Actor.objects.all().delete()
    report = transfer.import_lines(line.encode() for line in lines)
    assert report.ok, report.errors
    assert found(Source, "reopened") == set(Source.objects.filter(uuid=source.uuid).values_list("pk", flat=True))
    assert found(Communication, "harbour") == set(
        Communication.objects.filter(uuid=call.uuid).values_list("pk", flat=True)
    )


def test_the_topic_tree_is_one_query():
    root = Topic.objects.create(slug="root", name="Root")
    child = Topic.objects.create(slug="child", name="Child", parent=root)
    grandchild = Topic.objects.create(slug="grandchild", name="Grandchild", parent=child)
    with CaptureQueriesContext(connection) as queries:
        tree = topic_ids_with_descendants([root.pk])
    assert tree == {root.pk, child.pk, grandchild.pk}
    assert len(queries) == 1
