"""The hot lists are read from an index in their order: no sort of the whole table, whatever its size.

The test tables are tiny, so the planner would rather scan and sort them; sequential scans and
sorts are priced out here (not forbidden), and the question is whether the query can be answered
by walking the index the models declare for it. On a real archive that is the difference between
a few milliseconds and a sort of a million rows.
"""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from statements.models import Communication, Statement, Topic
from tests.api.helpers import API
from tests.factories import ActorFactory, CommunicationFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    speaker = ActorFactory()
    root = Topic.objects.create(slug="root", name="Root")
    child = Topic.objects.create(slug="child", name="Child", parent=root)
    for number in range(30):
        dated = number % 5 != 0
        statement = StatementFactory(
            speaker=speaker if number % 2 else None,
            date=datetime.date(2024, 1, 1) + datetime.timedelta(days=number) if dated else None,
            date_precision="day" if dated else "unknown",
        )
        statement.topics.set([child if number % 3 else root])
        CommunicationFactory(
            kind="phone_call" if number % 2 else "meeting", date=statement.date, date_precision=statement.date_precision
        )
    return {"speaker": speaker.pk, "topic": root.pk}


def page_query(client, path: str) -> str:
    """The SQL that chose the page's ids: the first query touching the listed table."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, response.json()
    table = "statements_communication" if "/communications/" in path else "statements_statement"
    return next(query["sql"] for query in context.captured_queries if f'FROM "{table}"' in query["sql"])


def plan_of(sql: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def sorts(plan: str) -> bool:
    """Whether the plan sorts rows (PostgreSQL's Sort node, SQLite's temporary B-tree for ORDER BY)."""
    return any(line.strip().startswith(("Sort", "->  Sort")) for line in plan.splitlines()) or (
        "USE TEMP B-TREE FOR ORDER BY" in plan
    )


LISTS = [
    ("/statements/", "statement_date_key"),
    ("/statements/?ordering=date", "statement_date_key"),
    ("/statements/?speaker={speaker}", "statement_speaker_date_key"),
    ("/statements/?date_after=2024-01-05&date_before=2024-01-20", "statement_date_key"),
    pytest.param(
        "/statements/?topic={topic}",
        "statement_date_key",
        # SQLite cannot be told to price a sort out; on tiny tables it reads the topic's links first.
        marks=pytest.mark.skipif(connection.vendor == "sqlite", reason="a cost-based choice SQLite makes by size"),
    ),
    ("/statements/?kind=direct_quote&status=draft", "statement_date_key"),
    ("/communications/", "communication_date_key"),
    ("/communications/?kind=phone_call", "communication_kind_date_key"),
    ("/communications/?date_after=2024-01-05&date_before=2024-01-20", "communication_date_key"),
]


@pytest.mark.parametrize(("path", "index"), LISTS)
def test_a_list_page_is_read_from_its_index_without_a_sort(api_client, archive, path, index):
    plan = plan_of(page_query(api_client, API + path.format(**archive)))
    assert index in plan, plan
    assert not sorts(plan), plan


@pytest.mark.parametrize(("path", "index"), [LISTS[0], LISTS[2], LISTS[6]])
def test_a_deep_page_starts_the_index_at_its_cursor(api_client, archive, path, index):
    separator = "&" if "?" in path else "?"
    first = api_client.get(f"{API}{path.format(**archive)}{separator}page_size=3").json()
    plan = plan_of(page_query(api_client, first["next"]))
    assert not sorts(plan), plan
    if connection.vendor == "postgresql":
        # (SQLite, knowing nothing of the tiny tables' sizes, may walk another of the ordering's indexes.)
        assert index in plan, plan
        # The cursor bounds the index scan itself, rather than filtering every row before it.
        index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
        assert "COALESCE" in index_condition, plan


def test_the_models_declare_the_indexes_the_plans_use():
    declared = {index.name for model in (Statement, Communication) for index in model._meta.indexes}
    used = {case.values[1] if hasattr(case, "values") else case[1] for case in LISTS}
    assert used <= declared


def test_a_common_topic_is_read_from_the_list_index_on_sqlite_too(api_client, archive, monkeypatch):
    # Below the threshold the links are read first (cheap for a rare topic); above it, the list's index.
    monkeypatch.setattr("statements.selectors.COMMON_TOPIC_LINKS", 5)
    plan = plan_of(page_query(api_client, f"{API}/statements/?topic={archive['topic']}"))
    assert "statement_date_key" in plan, plan
    assert not sorts(plan), plan


ADMIN_LISTS = [
    ("", "statement_date_key"),
    ("?speaker={speaker}", "statement_speaker_date_key"),
    ("?status__exact=draft", "statement_date_key"),
]


@pytest.mark.parametrize(("query", "index"), ADMIN_LISTS)
def test_the_admin_statement_list_is_read_from_its_index_without_a_sort(admin_client, archive, query, index):
    from django.urls import reverse

    with CaptureQueriesContext(connection) as context:
        response = admin_client.get(reverse("admin:statements_statement_changelist") + query.format(**archive))
    assert response.status_code == 200
    page = next(
        captured["sql"]
        for captured in context.captured_queries
        if captured["sql"].startswith('SELECT "statements_statement"."id", "statements_statement"."created_at"')
    )
    plan = plan_of(page)
    if connection.vendor == "postgresql":
        assert index in plan, plan
    assert not sorts(plan), plan
