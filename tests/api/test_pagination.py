"""Ordering and pagination: keyset cursors for statements and communications, numbered pages elsewhere."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from statements.models import Actor, Communication, Statement
from tests.api.helpers import API, error_attrs
from tests.factories import ActorFactory, CommunicationFactory, StatementFactory

pytestmark = pytest.mark.django_db

UNDATED = datetime.date(1, 1, 1)


@pytest.fixture
def statements():
    """25 statements: groups sharing a date, some undated, and ties in created and updated times."""
    base = timezone.now() - datetime.timedelta(days=30)
    created = []
    for number in range(25):
        if number % 5 == 0:
            date, precision = None, "unknown"
        else:
            date, precision = datetime.date(2024, 2, 1) + datetime.timedelta(days=number % 3), "day"
        statement = StatementFactory(text=f"pressure statement {number}", date=date, date_precision=precision)
        created.append(statement)
    for number, statement in enumerate(created):
        # Ties in pairs, and an updated order unlike the created order.
        Statement.objects.filter(pk=statement.pk).update(
            created_at=base + datetime.timedelta(hours=number // 2),
            updated_at=base + datetime.timedelta(hours=(number * 7) % 10),
        )
    return list(Statement.objects.all())


def expected_order(rows, ordering: str) -> list[int]:
    """The order an ordering promises, worked out in Python; ties are broken by id in the same direction."""
    column = ordering.lstrip("-")
    descending = ordering.startswith("-")

    def key(row):
        value = {"date": row.date or UNDATED, "created": row.created_at, "updated": row.updated_at}[column]
        return (value, row.pk)

    return [row.pk for row in sorted(rows, key=key, reverse=descending)]


def walk(client, url, params, link="next"):
    """Follow `link` from the first page to the end; the pages visited."""
    pages = []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.json()
        pages.append(response.json())
        following = response.json()[link]
        if following is None:
            return pages
        response = client.get(following)


@pytest.mark.parametrize("ordering", ["-date", "date", "-created", "created", "-updated", "updated", None])
def test_walking_next_links_visits_every_statement_once_in_order(api_client, statements, ordering):
    params = {"page_size": 4} if ordering is None else {"page_size": 4, "ordering": ordering}
    pages = walk(api_client, f"{API}/statements/", params)
    visited = [row["id"] for page in pages for row in page["results"]]
    assert visited == expected_order(statements, ordering or "-date")
    assert [len(page["results"]) for page in pages] == [4, 4, 4, 4, 4, 4, 1]
    assert pages[0]["previous"] is None


@pytest.mark.parametrize("ordering", ["-date", "date", "-created", "updated"])
def test_previous_links_go_back_page_by_page(api_client, statements, ordering):
    forward = walk(api_client, f"{API}/statements/", {"page_size": 4, "ordering": ordering})
    # From the last page, follow `previous` to the start.
    backward = [forward[-1]]
    while backward[-1]["previous"] is not None:
        response = api_client.get(backward[-1]["previous"])
        assert response.status_code == 200
        backward.append(response.json())
    assert [page["results"] for page in reversed(backward)] == [page["results"] for page in forward]
    # A page reached backwards still points forwards to the page after it.
    assert backward[-1]["next"] == forward[0]["next"]


def test_relevance_walk_matches_the_one_page_listing(api_client, statements):
    everything = api_client.get(f"{API}/statements/", {"q": "pressure", "page_size": 100}).json()["results"]
    assert len(everything) == 25
    pages = walk(api_client, f"{API}/statements/", {"q": "pressure", "page_size": 4, "ordering": "relevance"})
    assert [row["id"] for page in pages for row in page["results"]] == [row["id"] for row in everything]


def test_rows_added_meanwhile_do_not_shift_a_walk(api_client, statements):
    first = api_client.get(f"{API}/statements/", {"page_size": 4, "ordering": "created"}).json()
    StatementFactory(text="newcomer")  # newest: sorts after every existing row
    Statement.objects.filter(pk__in=[row["id"] for row in first["results"]]).delete()
    second = api_client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == expected_order(statements, "created")[4:8]


@pytest.mark.parametrize("ordering", ["-date", "date", "-created", "created", "-updated", "updated"])
def test_communications_walk_every_row_once(api_client, ordering):
    for number in range(9):
        CommunicationFactory(
            date=None if number % 4 == 0 else datetime.date(2024, 1, 1 + number % 2),
            date_precision="unknown" if number % 4 == 0 else "day",
        )
    rows = list(Communication.objects.all())
    pages = walk(api_client, f"{API}/communications/", {"page_size": 2, "ordering": ordering})
    assert [row["id"] for page in pages for row in page["results"]] == expected_order(rows, ordering)


def test_relevance_without_q_is_400(api_client, db):
    response = api_client.get(f"{API}/statements/", {"ordering": "relevance"})
    assert response.status_code == 400
    assert error_attrs(response) == {"ordering"}


@pytest.mark.parametrize(
    "resource", ["statements", "communications", "actors", "sources", "places", "topics", "positions"]
)
@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"ordering": "bogus"}, "ordering"),
        ({"ordering": "--date"}, "ordering"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "-3"}, "page_size"),
        ({"page_size": "abc"}, "page_size"),
        ({"page_size": "1.5"}, "page_size"),
    ],
)
def test_invalid_ordering_and_page_size_are_400(api_client, db, resource, params, parameter):
    response = api_client.get(f"{API}/{resource}/", params)
    assert response.status_code == 400
    assert error_attrs(response) == {parameter}


@pytest.mark.parametrize("resource", ["statements", "actors"])
@override_settings(API_MAX_PAGE_SIZE=3)
def test_page_size_is_capped(api_client, resource):
    StatementFactory.create_batch(5)
    response = api_client.get(f"{API}/{resource}/", {"page_size": 10**30})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


@override_settings(API_DEFAULT_PAGE_SIZE=2)
def test_default_page_size_comes_from_settings(api_client):
    StatementFactory.create_batch(3)
    assert len(api_client.get(f"{API}/statements/").json()["results"]) == 2
    assert len(api_client.get(f"{API}/actors/").json()["results"]) == 2


@pytest.mark.parametrize(
    ("ordering", "sort_key"),
    [
        ("name", lambda actor: (actor.name, actor.pk)),
        ("-name", lambda actor: (actor.name, actor.pk)),
        ("created", lambda actor: (actor.created_at, actor.pk)),
        ("-created", lambda actor: (actor.created_at, actor.pk)),
        ("updated", lambda actor: (actor.updated_at, actor.pk)),
        ("-updated", lambda actor: (actor.updated_at, actor.pk)),
    ],
)
def test_numbered_pages_visit_every_actor_once_in_order(api_client, db, ordering, sort_key):
    for name in ["Zed", "Amy", "Amy", "Bob", "Cy", "Dee", "Amy", "Eve", "Fay"]:
        ActorFactory(name=name)
    base = timezone.now()
    for position, actor in enumerate(Actor.objects.order_by("pk")):
        Actor.objects.filter(pk=actor.pk).update(
            created_at=base + datetime.timedelta(minutes=position // 3),
            updated_at=base - datetime.timedelta(minutes=(position * 5) % 4),
        )
    pages = walk(api_client, f"{API}/actors/", {"page_size": 4, "ordering": ordering})
    assert [page["count"] for page in pages] == [9, 9, 9]
    expected = [actor.pk for actor in sorted(Actor.objects.all(), key=sort_key, reverse=ordering.startswith("-"))]
    assert [row["id"] for page in pages for row in page["results"]] == expected


def test_default_actor_order_is_by_name(api_client, db):
    for name in ["Zed", "Amy", "Bob"]:
        ActorFactory(name=name)
    assert [row["name"] for row in api_client.get(f"{API}/actors/").json()["results"]] == ["Amy", "Bob", "Zed"]


@pytest.mark.parametrize(
    ("resource", "ordering"),
    [
        ("places", "name"),
        ("places", "-created"),
        ("topics", "-name"),
        ("topics", "updated"),
        ("positions", "start_date"),
        ("positions", "-created"),
        ("sources", "date"),
        ("sources", "-updated"),
    ],
)
def test_every_ordering_of_the_numbered_lists_is_accepted(api_client, demo_data, resource, ordering):
    response = api_client.get(f"{API}/{resource}/", {"ordering": ordering})
    assert response.status_code == 200
    descending = ordering.startswith("-")
    column = {"name": "name", "created": "created_at", "updated": "updated_at", "start_date": "start_date"}.get(
        ordering.lstrip("-"), "date"
    )
    rows = response.json()["results"]
    values = [row[column] for row in rows]
    assert values == sorted(values, reverse=descending)


@pytest.mark.parametrize("page", ["abc", "999", "0"])
def test_page_out_of_range_is_404(api_client, db, page):
    ActorFactory()
    response = api_client.get(f"{API}/actors/", {"page": page})
    assert response.status_code == 404
    assert error_attrs(response) == {None}


def test_next_link_keeps_the_filters(api_client, statements):
    page = api_client.get(f"{API}/statements/", {"page_size": 2, "kind": "paraphrase", "ordering": "date"}).json()
    assert "kind=paraphrase" in page["next"]
    assert "ordering=date" in page["next"]


def test_a_keyset_list_counts_its_records_when_asked(api_client):
    speaker = ActorFactory()
    for _ in range(7):
        StatementFactory(speaker=speaker)
    StatementFactory()
    response = api_client.get(f"{API}/statements/", {"speaker": speaker.pk, "page_size": 2, "count": "true"})
    assert (response.json()["count"], len(response.json()["results"])) == (7, 2)
    following = api_client.get(response.json()["next"])
    assert following.json()["count"] == 7, "the count stays with the cursor's link"
    assert api_client.get(f"{API}/statements/").json()["count"] is None
    refused = api_client.get(f"{API}/statements/", {"count": "yes"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["attr"] == "count"


def test_the_schema_gives_no_default_ordering_a_client_would_send():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for parameter in schema["paths"]["/api/v1/statements/"]["get"]["parameters"]:
        if parameter["name"] == "ordering":
            assert "default" not in parameter["schema"]
