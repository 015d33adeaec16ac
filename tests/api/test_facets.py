"""Facets: the most frequent values of the statements or communications a list's filters select."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.db import transaction

from statements.choices import CurationStatus, ParticipantRole, StatementKind
from tests.api.helpers import API, error_attrs, ids
from tests.factories import (
    ActorFactory,
    CommunicationFactory,
    ParticipationFactory,
    PlaceFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def facets(client, path: str, **query) -> dict:
    response = client.get(f"{API}/{path}/facets/", query)
    assert response.status_code == 200, response.content
    return response.json()["facets"]


def counts(facet: dict, key: str = "id") -> list[tuple]:
    return [(result["value"][key], result["count"]) for result in facet["results"]]


def follow(client, url: str) -> list[int]:
    """The ids a narrowed list URL lists, on one page long enough for these tests' records."""
    address = urlsplit(url)
    return ids(client.get(f"{address.path}?{address.query}&page_size=500"))


@pytest.fixture
def archive():
    """Statements about Rafah in February by two speakers, and some around them."""
    biden, netanyahu, white_house = (
        ActorFactory(name="Joe Biden"),
        ActorFactory(name="Benjamin Netanyahu"),
        ActorFactory(name="The White House", kind="government_body"),
    )
    war = TopicFactory(slug="war", name="War")
    rafah = TopicFactory(slug="rafah-operation", name="Rafah operation", parent=war)
    aid = TopicFactory(slug="aid", name="Humanitarian aid")
    gaza, cairo = PlaceFactory(name="Gaza"), PlaceFactory(name="Cairo")
    source = SourceFactory(title="The readout", url="https://example.org/readout")
    call = CommunicationFactory(place=cairo)
    february = datetime.date(2024, 2, 15)
    made = []
    for speaker, day, topics, places, communication in [
        (netanyahu, february, [rafah], [gaza], None),
        (netanyahu, february.replace(day=20), [rafah, war], [], call),
        (netanyahu, datetime.date(2024, 3, 1), [aid], [gaza], None),
        (biden, february, [rafah, aid], [gaza], call),
        (white_house, None, [], [], None),
    ]:
        statement = StatementFactory(
            speaker=speaker,
            date=day,
            date_precision="day" if day else "unknown",
            source=source,
            communication=communication,
        )
        statement.topics.set(topics)
        statement.mentioned_places.set(places)
        made.append(statement)
    StatementFactory(speaker=biden, status=CurationStatus.DRAFT, date=february, date_precision="day")
    return {
        "biden": biden,
        "netanyahu": netanyahu,
        "white_house": white_house,
        "war": war,
        "rafah": rafah,
        "aid": aid,
        "gaza": gaza,
        "cairo": cairo,
        "source": source,
        "call": call,
        "statements": made,
    }


def test_speakers_topics_and_months_counted_most_frequent_first(api_client, archive):
    found = facets(api_client, "statements", facet=["speaker", "topic", "month", "year"])
    assert counts(found["speaker"]) == [
        (archive["netanyahu"].pk, 3),
        *sorted([(archive["biden"].pk, 1), (archive["white_house"].pk, 1)]),
    ]
    speaker = found["speaker"]["results"][0]["value"]
    assert speaker["name"] == "Benjamin Netanyahu"
    assert speaker["api_url"].endswith(f"/actors/{archive['netanyahu'].pk}/")
    # A broader topic counts what is about it or a narrower one, each statement once.
    assert dict(counts(found["topic"])) == {archive["war"].pk: 3, archive["rafah"].pk: 3, archive["aid"].pk: 2}
    assert counts(found["month"], "value") == [("2024-02", 3), ("2024-03", 1)]
    february = found["month"]["results"][0]["value"]
    assert february == {"value": "2024-02", "label": "February 2024", "start": "2024-02-01", "end": "2024-02-29"}
    assert counts(found["year"], "value") == [("2024", 4)]
    assert found["speaker"]["truncated"] is False


def test_every_value_narrows_to_a_list_with_exactly_its_count(api_client, archive):
    names = ["speaker", "topic", "place", "month", "kind", "source", "communication", "addressee"]
    found = facets(api_client, "statements", facet=names, date_after="2024-02-01")
    assert found["place"]["results"], "the place facet counts mentions and communication places"
    for name in names:
        for result in found[name]["results"]:
            assert len(follow(api_client, result["list_url"])) == result["count"], (name, result["list_url"])
            narrowed = urlsplit(result["facets_url"])
            assert api_client.get(f"{narrowed.path}?{narrowed.query}").status_code == 200


def test_places_count_mentions_and_where_the_communication_was_once_each(api_client, archive):
    found = facets(api_client, "statements", facet="place")
    assert dict(counts(found["place"])) == {archive["gaza"].pk: 3, archive["cairo"].pk: 2}


def test_facets_take_every_filter_and_search(api_client, archive):
    netanyahu = archive["netanyahu"]
    found = facets(api_client, "statements", facet="topic", speaker=netanyahu.pk, date_before="2024-02-29")
    assert dict(counts(found["topic"])) == {archive["war"].pk: 2, archive["rafah"].pk: 2}
    StatementFactory(speaker=netanyahu, text="A ceasefire now.", kind=StatementKind.DIRECT_QUOTE)
    found = facets(api_client, "statements", facet=["speaker", "kind"], q="ceasefire")
    assert counts(found["speaker"]) == [(netanyahu.pk, 1)]
    assert counts(found["kind"], "value") == [("direct_quote", 1)]
    assert found["kind"]["results"][0]["value"]["label"] == "Direct quote"


def test_the_public_counts_verified_statements_only(api_client, curator_client, archive):
    biden = archive["biden"].pk
    assert dict(counts(facets(api_client, "statements", facet="speaker")["speaker"]))[biden] == 1
    assert dict(counts(facets(curator_client, "statements", facet="speaker")["speaker"]))[biden] == 2
    assert counts(facets(api_client, "statements", facet="status")["status"], "value") == [("verified", 5)]


def test_facet_size_truncates(api_client, archive):
    found = facets(api_client, "statements", facet="speaker", facet_size=1)
    assert len(found["speaker"]["results"]) == 1
    assert found["speaker"]["truncated"] is True


def test_a_narrowed_period_stays_within_the_dates_given(api_client, archive):
    found = facets(api_client, "statements", facet="month", date_after="2024-02-18")
    february = next(result for result in found["month"]["results"] if result["value"]["value"] == "2024-02")
    assert february["count"] == 1
    assert "date_after=2024-02-18" in february["list_url"]
    assert "date_before=2024-02-29" in february["list_url"]


def test_selected_marks_the_values_the_filters_name(api_client, archive):
    netanyahu = archive["netanyahu"].pk
    found = facets(api_client, "statements", facet="speaker", speaker=[netanyahu, archive["biden"].pk])
    assert {result["value"]["id"]: result["selected"] for result in found["speaker"]["results"]} == {
        netanyahu: True,
        archive["biden"].pk: True,
    }


@pytest.mark.parametrize(
    ("query", "attr"),
    [
        ({}, "facet"),
        ({"facet": "spaeker"}, "facet"),
        ({"facet": "speaker", "facet_size": "0"}, "facet_size"),
        ({"facet": "speaker", "facet_size": "many"}, "facet_size"),
        ({"facet": "speaker", "speaker__name": "Biden"}, "speaker__name"),
        ({"facet": "speaker", "date_after": "15/02/2024"}, "date_after"),
        ({"facet": "speaker", "cursor": "abc"}, "cursor"),
    ],
)
def test_bad_parameters_are_refused_naming_them(api_client, query, attr):
    response = api_client.get(f"{API}/statements/facets/", query)
    assert response.status_code == 400
    assert error_attrs(response) == {attr}


def test_an_unknown_facet_is_refused_listing_the_choices(api_client):
    response = api_client.get(f"{API}/statements/facets/", {"facet": "mood"})
    assert "speaker, addressee" in response.json()["errors"][0]["detail"]


def test_communication_facets(api_client):
    biden, netanyahu = ActorFactory(name="Joe Biden"), ActorFactory(name="Benjamin Netanyahu")
    topic = TopicFactory()
    for day in (datetime.date(2024, 2, 15), datetime.date(2024, 2, 20), datetime.date(2024, 3, 4)):
        call = CommunicationFactory(date=day, date_precision="day")
        call.topics.set([topic])
        ParticipationFactory(communication=call, actor=biden, role=ParticipantRole.INITIATOR)
        ParticipationFactory(communication=call, actor=netanyahu, role=ParticipantRole.RECIPIENT)
    # Two roles in one communication count it once.
    ParticipationFactory(communication=call, actor=biden, role=ParticipantRole.SPEAKER)
    ParticipationFactory(actor=netanyahu)
    found = facets(api_client, "communications", facet=["participant", "month", "topic", "kind", "participant_role"])
    assert counts(found["participant"]) == [(netanyahu.pk, 4), (biden.pk, 3)]
    assert counts(found["month"], "value") == [("2024-02", 2), ("2024-03", 1)]
    assert counts(found["topic"]) == [(topic.pk, 3)]
    assert counts(found["kind"], "value") == [("phone_call", 4)]
    for name in ("participant", "month", "topic"):
        for result in found[name]["results"]:
            assert len(follow(api_client, result["list_url"])) == result["count"], result["list_url"]


def test_facets_as_csv(api_client, archive):
    response = api_client.get(f"{API}/statements/facets/", {"facet": ["speaker", "month"], "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "facet,value,label,count,list_url"
    assert lines[1].startswith(f"speaker,{archive['netanyahu'].pk},Benjamin Netanyahu,3,http")
    assert any(line.startswith("month,2024-02,February 2024,3,") for line in lines)


def test_the_schema_types_each_facet(api_client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/statements/facets/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert parameters["facet"]["required"] is True
    assert "speaker" in parameters["facet"]["schema"]["items"]["enum"]
    assert {"speaker", "topic", "q", "date_after"} <= set(parameters)
    facet_set = schema["components"]["schemas"]["StatementFacetSet"]
    assert facet_set["properties"]["speaker"]["allOf"][0]["$ref"].endswith("/ActorFacet") or facet_set["properties"][
        "speaker"
    ].get("$ref", "").endswith("/ActorFacet")
    assert "required" not in facet_set


@pytest.fixture
def every_count_kept(monkeypatch, settings):
    """PostgreSQL's change counter, with every count kept however fast, and never given once stale."""
    from django.db import connection

    from statements import changes

    if connection.vendor != "postgresql":
        pytest.skip("Only PostgreSQL counts changes (migration 0013).")
    monkeypatch.setattr(changes, "KEEP_AFTER_SECONDS", 0)
    settings.API_FACETS_STALE_SECONDS = 0
    return changes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_counts_of_a_slow_question_are_kept_until_the_data_changes(
    api_client, every_count_kept, django_assert_num_queries
):
    counting = every_count_kept
    speaker = ActorFactory()
    StatementFactory(speaker=speaker)
    before = counting.counted_changes()
    assert counts(facets(api_client, "statements", facet="speaker")["speaker"]) == [(speaker.pk, 1)]
    with django_assert_num_queries(2):  # The counter, and the speakers' briefs: the counts are kept.
        assert counts(facets(api_client, "statements", facet="speaker")["speaker"]) == [(speaker.pk, 1)]

    StatementFactory(speaker=speaker)  # Committed: the counter moves, and the counts are made again.
    assert counting.counted_changes() == before + 1
    assert counts(facets(api_client, "statements", facet="speaker")["speaker"]) == [(speaker.pk, 2)]
    # Made in one transaction, a statement and its links count once.
    with transaction.atomic():
        statement = StatementFactory(speaker=speaker)
        statement.topics.set([TopicFactory()])
    assert counting.counted_changes() == before + 2
    # A topic changes the tree the counts roll up through.
    TopicFactory()
    assert counting.counted_changes() == before + 3


def test_the_actors_of_every_actor_facet_are_read_in_one_query(api_client, archive):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    said = archive["statements"][0]
    said.reported_by = archive["white_house"]
    said.save()
    said.addressees.set([archive["biden"]])
    said.mentioned_actors.set([archive["biden"]])
    with CaptureQueriesContext(connection) as queries:
        found = facets(api_client, "statements", facet=["speaker", "reported_by", "addressee", "mentioned_actor"])
    assert found["speaker"]["results"][0]["value"]["name"] == "Benjamin Netanyahu"
    assert found["reported_by"]["results"][0]["value"]["name"] == "The White House"
    assert found["addressee"]["results"][0]["value"]["name"] == "Joe Biden"
    briefs = [query["sql"] for query in queries if query["sql"].startswith('SELECT "statements_actor"."id"')]
    assert len(briefs) == 1, briefs


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_facets_of_a_search_matching_nothing_are_empty(api_client, archive):
    # The selection is then read as no ids at all, a query Django answers without the database.
    found = facets(api_client, "statements", facet=["speaker", "topic", "kind"], q="xylophonic")
    assert [found[name]["results"] for name in ("speaker", "topic", "kind")] == [[], [], []]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_slow_counts_may_be_behind_the_archive_for_the_time_the_server_allows(
    api_client, every_count_kept, monkeypatch, settings
):
    import time

    counting = every_count_kept
    settings.API_FACETS_STALE_SECONDS = 60
    speaker = ActorFactory()
    StatementFactory(speaker=speaker)
    assert counts(facets(api_client, "statements", facet="speaker")["speaker"]) == [(speaker.pk, 1)]
    StatementFactory(speaker=speaker)
    # Within the minute, the counts made before the change are good enough…
    assert counts(facets(api_client, "statements", facet="speaker")["speaker"]) == [(speaker.pk, 1)]
    # …and once they are older, the archive is counted afresh.
    now = time.time()
    monkeypatch.setattr(counting.time, "time", lambda: now + 61)
    assert counts(facets(api_client, "statements", facet="speaker")["speaker"]) == [(speaker.pk, 2)]
    # Lists are never behind: a ranked page is kept only while nothing changes.
    assert api_client.get(f"{API}/statements/", {"speaker": speaker.pk, "count": "true"}).json()["count"] == 2


@pytest.mark.parametrize("path", ["statements", "communications"])
def test_every_facet_counts_the_same_asked_with_all_the_others_or_alone(api_client, curator_client, archive, path):
    # Asked together, a small selection's facets are counted in one query (on PostgreSQL); alone, each by its own.
    from statements.facets import COMMUNICATION_FACETS, STATEMENT_FACETS

    names = list(STATEMENT_FACETS if path == "statements" else COMMUNICATION_FACETS)
    ParticipationFactory(communication=archive["call"], actor=archive["biden"], role=ParticipantRole.INITIATOR)
    ParticipationFactory(communication=archive["call"], actor=archive["biden"], role=ParticipantRole.SPEAKER)
    archive["call"].topics.set([archive["rafah"]])
    said = archive["statements"][0]
    said.reported_by = archive["white_house"]
    said.save()
    said.addressees.set([archive["biden"]])
    said.mentioned_actors.set([archive["biden"], archive["white_house"]])
    for client in (api_client, curator_client):
        together = facets(client, path, facet=names)
        for name in names:
            alone = facets(client, path, facet=name)[name]
            assert summary(together[name]) == summary(alone), name
            assert together[name]["results"] or path == "communications", name


def summary(facet: dict) -> tuple:
    """A facet's values, counts and lists, without the facets URL (which names the facets asked)."""
    values = [(result["value"], result["count"], result["list_url"]) for result in facet["results"]]
    return values, facet["truncated"]
