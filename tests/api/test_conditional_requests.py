"""ETags and preconditions: no lost updates through the API, and deletes refused while a record is in use."""

import pytest
from rest_framework.test import APIClient

from statements.models import Actor, Communication, Place, Source, Statement, Topic
from tests.api.helpers import API, curated, error_attrs
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


def statement_url(statement) -> str:
    return f"{API}/statements/{statement.pk}/"


@pytest.fixture
def second_client(curator_token):
    """Another client of the same curator, as a second browser tab or script would be."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {curator_token.key}")
    return client


def test_two_clients_editing_the_same_statement_cannot_overwrite_each_other(curator_client, second_client):
    statement = StatementFactory(text="Original.")
    first_read = curator_client.get(statement_url(statement))
    second_read = second_client.get(statement_url(statement))
    assert first_read["ETag"] == second_read["ETag"] == '"1"'

    first = curator_client.patch(statement_url(statement), {"text": "First change."}, HTTP_IF_MATCH=first_read["ETag"])
    assert first.status_code == 200
    assert first["ETag"] == '"2"'

    second = second_client.patch(
        statement_url(statement), {"text": "Second change."}, HTTP_IF_MATCH=second_read["ETag"]
    )
    assert second.status_code == 412
    assert second.json()["errors"][0]["code"] == "precondition_failed"
    assert 'ETag "2"' in second.json()["errors"][0]["detail"]
    statement.refresh_from_db()
    assert (statement.text, statement.version) == ("First change.", 2)


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_stale_put_or_patch_changes_nothing(curator_client, method):
    topic = TopicFactory(name="Before")
    Topic.objects.filter(pk=topic.pk).update(version=3)
    body = {"slug": topic.slug, "name": "After"}
    response = getattr(curator_client, method)(f"{API}/topics/{topic.pk}/", body, HTTP_IF_MATCH='"2"')
    assert response.status_code == 412
    assert error_attrs(response) == {None}
    topic.refresh_from_db()
    assert (topic.name, topic.version) == ("Before", 3)


def test_an_invalid_body_is_reported_whatever_the_if_match(curator_client):
    topic = TopicFactory(name="Before")
    response = curator_client.patch(f"{API}/topics/{topic.pk}/", {"name": ""}, HTTP_IF_MATCH='"7"')
    assert response.status_code == 400
    assert error_attrs(response) == {"name"}


@pytest.mark.parametrize(
    "if_match",
    ['"1"', '"1", "7"', '"7", "1"', "*"],
    ids=["current", "current-first", "current-listed", "any"],
)
def test_a_write_whose_if_match_lists_the_current_version_goes_through(curator_client, if_match):
    topic = TopicFactory()
    response = curator_client.patch(f"{API}/topics/{topic.pk}/", {"name": "After"}, HTTP_IF_MATCH=if_match)
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert Topic.objects.get(pk=topic.pk).name == "After"


@pytest.mark.parametrize(
    "if_match", ['W/"1"', "1", '"one"', "", '"2"'], ids=["weak", "unquoted", "word", "empty", "future"]
)
def test_an_if_match_that_is_not_the_current_etag_never_matches(curator_client, if_match):
    topic = TopicFactory(name="Before")
    response = curator_client.patch(f"{API}/topics/{topic.pk}/", {"name": "After"}, HTTP_IF_MATCH=if_match)
    assert response.status_code == 412
    assert Topic.objects.get(pk=topic.pk).name == "Before"


def test_a_write_without_if_match_still_goes_through_and_raises_the_version(curator_client):
    topic = TopicFactory()
    response = curator_client.patch(f"{API}/topics/{topic.pk}/", {"name": "After"})
    assert response.status_code == 200
    assert response["ETag"] == '"2"'


@pytest.mark.parametrize(
    ("if_none_match", "expected_status"),
    [('"1"', 304), ('W/"1"', 304), ('"0", "1"', 304), ("*", 304), ('"2"', 200), ("junk", 200)],
)
def test_if_none_match_naming_the_current_version_is_not_modified(curator_client, if_none_match, expected_status):
    place = PlaceFactory()
    response = curator_client.get(f"{API}/places/{place.pk}/", HTTP_IF_NONE_MATCH=if_none_match)
    assert response.status_code == expected_status
    assert response["ETag"] == '"1"'
    if expected_status == 304:
        assert response.content == b""
    else:
        assert response.json()["id"] == place.pk


def test_a_created_record_carries_its_etag(curator_client):
    response = curator_client.post(f"{API}/topics/", {"slug": "ceasefire", "name": "Ceasefire"})
    assert response.status_code == 201
    assert response["ETag"] == '"1"'


def test_lists_carry_no_etag(curator_client):
    TopicFactory()
    assert "ETag" not in curator_client.get(f"{API}/topics/")


#: Changes of every kind, by resource: fields, aliases, to-many links only, participants.
CHANGES = [
    ("actors", ActorFactory, "put", lambda: {"kind": "person", "name": "Renamed", "slug": "renamed"}),
    ("actors", ActorFactory, "patch", lambda: {"aliases": ["Another name"]}),
    ("places", PlaceFactory, "patch", lambda: {"aliases": ["Another name"]}),
    ("topics", TopicFactory, "patch", lambda: {"description": "Changed."}),
    ("sources", SourceFactory, "patch", lambda: {"authors": [ActorFactory().pk]}),
    ("communications", CommunicationFactory, "patch", lambda: {"topics": [TopicFactory().pk]}),
    (
        "communications",
        CommunicationFactory,
        "patch",
        lambda: {"participants": [{"actor": ActorFactory().pk, "role": "participant"}]},
    ),
    ("statements", StatementFactory, "patch", lambda: {"text": "Changed."}),
    ("statements", StatementFactory, "patch", lambda: {"topics": [TopicFactory().pk]}),
    ("statements", StatementFactory, "patch", lambda: {"mentioned_places": [PlaceFactory().pk]}),
]


@pytest.mark.parametrize(
    ("resource", "factory", "method", "change"),
    CHANGES,
    ids=[f"{resource}-{method}-{index}" for index, (resource, _, method, _) in enumerate(CHANGES)],
)
def test_the_etag_changes_with_every_kind_of_change(curator_client, resource, factory, method, change):
    record = factory()
    url = f"{API}/{resource}/{record.pk}/"
    etag = curator_client.get(url)["ETag"]
    response = getattr(curator_client, method)(url, change(), HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert response["ETag"] != etag
    assert response["ETag"] == curator_client.get(url)["ETag"] == f'"{type(record).objects.get(pk=record.pk).version}"'
    assert getattr(curator_client, method)(url, change(), HTTP_IF_MATCH=etag).status_code == 412


def test_a_delete_with_a_stale_if_match_deletes_nothing(curator_client):
    topic = TopicFactory()
    etag = curator_client.get(f"{API}/topics/{topic.pk}/")["ETag"]
    assert curator_client.patch(f"{API}/topics/{topic.pk}/", {"name": "Renamed"}).status_code == 200
    response = curator_client.delete(f"{API}/topics/{topic.pk}/", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert Topic.objects.filter(pk=topic.pk).exists()
    fresh = curator_client.get(f"{API}/topics/{topic.pk}/")["ETag"]
    assert curator_client.delete(f"{API}/topics/{topic.pk}/", HTTP_IF_MATCH=fresh).status_code == 204
    assert not Topic.objects.filter(pk=topic.pk).exists()


def in_use_cases():
    """(resource, record) for each way a record can be in use; links alone count."""

    def addressee_only():
        actor = ActorFactory()
        StatementFactory().addressees.add(actor)
        return "actors", actor

    def mention_only():
        actor = ActorFactory()
        StatementFactory().mentioned_actors.add(actor)
        return "actors", actor

    def speaker():
        actor = ActorFactory()
        StatementFactory(speaker=actor)
        return "actors", actor

    def participant():
        return "actors", ParticipationFactory().actor

    def source_with_statements():
        source = SourceFactory()
        StatementFactory(source=source)
        return "sources", source

    def source_linked_from_communication():
        source = SourceFactory()
        CommunicationFactory().sources.add(source)
        return "sources", source

    def topic_links_only():
        topic = TopicFactory()
        StatementFactory().topics.add(topic)
        return "topics", topic

    def place_mentioned_only():
        place = PlaceFactory()
        StatementFactory().mentioned_places.add(place)
        return "places", place

    return {case.__name__: case for case in locals().values() if callable(case)}


IN_USE_CASES = in_use_cases()


@pytest.mark.parametrize("case", IN_USE_CASES.values(), ids=IN_USE_CASES.keys())
def test_deleting_a_record_in_use_is_a_conflict_and_deletes_nothing(curator_client, case):
    resource, record = case()
    links = [Statement.addressees, Statement.mentioned_actors, Statement.topics, Statement.mentioned_places]
    links += [Communication.sources, Communication.participants]
    before = [model.objects.count() for model in (Actor, Source, Topic, Place, Statement, Communication)]
    links_before = [link.through.objects.count() for link in links]
    response = curator_client.delete(f"{API}/{resource}/{record.pk}/")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "conflict"
    assert f"'{record}' cannot be deleted while other records depend on it" in response.json()["errors"][0]["detail"]
    assert [model.objects.count() for model in (Actor, Source, Topic, Place, Statement, Communication)] == before
    assert [link.through.objects.count() for link in links] == links_before


def test_the_demo_topic_cannot_be_deleted_from_its_statements(curator_client, demo_data):
    topic = curated(Topic, "topic:hostage-negotiations")
    response = curator_client.delete(f"{API}/topics/{topic.pk}/")
    assert response.status_code == 409
    assert "statement" in response.json()["errors"][0]["detail"]


def test_every_listed_record_carries_its_version_for_if_match(curator_client):
    statement = StatementFactory()
    [row] = curator_client.get("/api/v1/statements/").json()["results"]
    assert row["version"] == statement.version
    response = curator_client.patch(
        f"/api/v1/statements/{statement.pk}/", {"text": "changed"}, format="json", HTTP_IF_MATCH=f'"{row["version"]}"'
    )
    assert response.status_code == 200
    assert response.json()["version"] == row["version"] + 1
    assert response["ETag"] == f'"{row["version"] + 1}"'


def test_an_unquoted_if_match_is_refused_saying_to_quote_it(curator_client):
    statement = StatementFactory()
    response = curator_client.patch(
        f"/api/v1/statements/{statement.pk}/", {"text": "changed"}, format="json", HTTP_IF_MATCH=str(statement.version)
    )
    assert response.status_code == 412
    assert f'If-Match: "{statement.version}"' in response.json()["errors"][0]["detail"]
