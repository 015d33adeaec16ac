"""Lists cost a fixed number of queries however many rows a page holds."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import ActorAlias, Communication, Participation, Place, PlaceAlias, Position, Source, Topic
from tests.api.helpers import API
from tests.factories import ActorFactory, SourceFactory, StatementFactory

pytestmark = pytest.mark.django_db

ROWS = 25


@pytest.fixture
def populated(curator):
    """25 rows of every resource, each with every relation its representation embeds."""
    organisation = ActorFactory(name="Organisation")
    speaker = ActorFactory(name="Speaker")
    actors = [ActorFactory(affiliation=organisation) for _ in range(ROWS)]
    ActorAlias.objects.bulk_create(ActorAlias(actor=actor, name=f"Alias of {actor.name}") for actor in actors)
    Position.objects.bulk_create(
        Position(actor=actor, title="Envoy", organization=organisation, start_date=datetime.date(2020, 1, 1))
        for actor in actors
    )
    parent_place = Place.objects.create(name="Region", slug="region")
    places = [Place.objects.create(name=f"Town {n}", slug=f"town-{n}", parent=parent_place) for n in range(ROWS)]
    PlaceAlias.objects.bulk_create(PlaceAlias(place=place, name=f"Alias of {place.name}") for place in places)
    parent_topic = Topic.objects.create(slug="broad", name="Broad")
    topics = [Topic.objects.create(slug=f"topic-{n}", name=f"Topic {n}", parent=parent_topic) for n in range(ROWS)]
    sources = [SourceFactory(publisher=organisation) for _ in range(ROWS)]
    for source in sources:
        source.authors.set(actors[:3])
    first_call = Communication.objects.create(kind="phone_call", title="First call")
    communications = [
        Communication.objects.create(
            kind="readout",
            title=f"Readout {n}",
            date=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
            date_precision="day",
            duration_minutes=10,
            duration_according_to=organisation,
            place=places[n],
            regarding=first_call,
        )
        for n in range(ROWS)
    ]
    Participation.objects.bulk_create(
        Participation(communication=communication, actor=actor, role=role)
        for communication in [first_call, *communications]
        for actor, role in [(speaker, "speaker"), (organisation, "issuer"), (actors[0], "participant")]
    )
    for communication in communications:
        communication.topics.set(topics[:3])
        communication.sources.set(sources[:2])
    the_source = sources[0]
    statements = []
    for _ in range(ROWS):
        statement = StatementFactory(
            speaker=speaker,
            position=None,
            reported_by=organisation,
            communication=first_call,
            source=the_source,
            span_start=0,
            span_end=7,
            in_reply_to=statements[-1] if statements else None,
            created_by=curator,
            updated_by=curator,
        )
        statement.addressees.set(actors[:3])
        statement.topics.set(topics[:3])
        statement.mentioned_actors.set(actors[3:6])
        statement.mentioned_places.set(places[:2])
        statements.append(statement)
    return {"speaker": speaker, "communication": first_call, "source": the_source}


def list_paths(records) -> list[str]:
    return [
        "/actors/",
        "/positions/",
        "/places/",
        "/topics/",
        "/sources/",
        "/communications/",
        "/statements/",
        f"/actors/{records['speaker'].pk}/statements/",
        f"/actors/{records['speaker'].pk}/communications/",
        f"/communications/{records['communication'].pk}/statements/",
        f"/sources/{records['source'].pk}/statements/",
    ]


def queries_for(client, url) -> tuple[int, int]:
    """The number of queries a request makes, and how many results it returned."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.json()
    return len(context.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize("index", range(11), ids=lambda index: f"list{index}")
def test_list_queries_do_not_grow_with_page_size(api_client, populated, index):
    path = list_paths(populated)[index]
    small, small_rows = queries_for(api_client, f"{API}{path}?page_size=2")
    large, large_rows = queries_for(api_client, f"{API}{path}?page_size=20")
    assert (small_rows, large_rows) == (2, 20)
    assert small == large, path


@pytest.mark.parametrize("path", ["/statements/?q=talk", "/communications/?q=readout&participant={speaker}"])
def test_searched_lists_do_not_grow_with_page_size(api_client, populated, path):
    path = path.format(speaker=populated["speaker"].pk)
    small, _ = queries_for(api_client, f"{API}{path}&page_size=2")
    large, large_rows = queries_for(api_client, f"{API}{path}&page_size=20")
    assert large_rows == 20
    assert small == large


def test_a_statement_list_page_is_a_handful_of_queries(api_client, populated):
    count, _ = queries_for(api_client, f"{API}/statements/?page_size=20")
    # The page's ids and sort keys, then its rows with everything they embed.
    assert count == 2


def test_retrieving_a_source_reads_its_body_but_the_list_does_not(api_client, populated):
    source = Source.objects.first()
    detail = api_client.get(f"{API}/sources/{source.pk}/").json()
    assert detail["body"] == source.body
    with CaptureQueriesContext(connection) as context:
        rows = api_client.get(f"{API}/sources/").json()["results"]
    assert "body" not in rows[0]
    source_queries = [
        query["sql"] for query in context.captured_queries if '"statements_source"."body"' in query["sql"]
    ]
    assert source_queries == []
