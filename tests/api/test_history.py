"""Edit history in the API: every write recorded with its user, readable per record, deleted statements restorable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import Actor, Communication, Place, Position, Source, Statement, Topic
from tests.api.helpers import API, assert_iso_datetime, error_attrs
from tests.factories import (
    ActorFactory,
    CommunicationFactory,
    PlaceFactory,
    PositionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

#: Per resource: its model, a factory, and a text field a PATCH can change.
RESOURCES = {
    "actors": (Actor, ActorFactory, "description"),
    "positions": (Position, PositionFactory, "title"),
    "places": (Place, PlaceFactory, "name"),
    "topics": (Topic, TopicFactory, "description"),
    "sources": (Source, SourceFactory, "title"),
    "communications": (Communication, CommunicationFactory, "summary"),
    "statements": (Statement, StatementFactory, "text"),
}


def history(client, resource: str, pk: int, **params) -> dict:
    response = client.get(f"{API}/{resource}/{pk}/history/", params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("resource", RESOURCES)
def test_an_update_through_the_api_is_in_the_record_history_with_its_user_and_changed_field(curator_client, resource):
    model, factory, field = RESOURCES[resource]
    record = factory()
    old_value = getattr(record, field)

    patched = curator_client.patch(f"{API}/{resource}/{record.pk}/", {field: "Changed through the API"}, format="json")
    page = history(curator_client, resource, record.pk)

    assert patched.status_code == 200, patched.content
    assert page["count"] == 2
    changed, created = page["results"]
    assert changed["history_type"] == "changed"
    assert changed["history_user"] == "curator"
    assert changed["changes"] == [{"field": field, "old": old_value, "new": "Changed through the API"}]
    assert created["history_type"] == "created"
    assert created["history_user"] is None  # made by a factory, outside any request
    # A creation lists the values given, leaving out those left empty.
    created_with = {change["field"]: change["new"] for change in created["changes"] if change["old"] is None}
    assert created_with
    assert len(created_with) == len(created["changes"])
    assert created_with.get(field, "") == old_value
    assert_iso_datetime(changed["history_date"])
    assert changed["history_id"] > created["history_id"]


def test_a_create_through_the_api_is_recorded_once_with_its_to_many_members(curator_client):
    speaker, addressee = ActorFactory(), ActorFactory()
    topic = TopicFactory()
    payload = {
        "kind": "paraphrase",
        "text": "They agreed to talk again.",
        "speaker": speaker.pk,
        "addressees": [addressee.pk],
        "topics": [topic.pk],
    }

    created = curator_client.post(f"{API}/statements/", payload, format="json")
    page = history(curator_client, "statements", created.json()["id"])

    assert created.status_code == 201, created.content
    [entry] = page["results"]
    assert entry["history_type"] == "created"
    assert entry["history_user"] == "curator"
    changes = {change["field"]: change for change in entry["changes"]}
    assert changes["addressees"] == {"field": "addressees", "old": [], "new": [addressee.pk]}
    assert changes["topics"] == {"field": "topics", "old": [], "new": [topic.pk]}
    assert changes["speaker"]["new"] == speaker.pk
    assert "mentioned_places" not in changes  # left empty


def test_a_to_many_change_is_listed_as_ids_before_and_after(curator_client):
    statement = StatementFactory()
    kept, added = TopicFactory(), TopicFactory()
    statement.topics.set([kept])

    curator_client.patch(f"{API}/statements/{statement.pk}/", {"topics": [kept.pk, added.pk]}, format="json")
    latest = history(curator_client, "statements", statement.pk)["results"][0]

    assert latest["history_user"] == "curator"
    assert latest["changes"] == [{"field": "topics", "old": [kept.pk], "new": sorted([kept.pk, added.pk])}]


def test_a_delete_through_the_api_is_recorded_with_its_user(curator_client):
    topic = TopicFactory()

    deleted = curator_client.delete(f"{API}/topics/{topic.pk}/")

    assert deleted.status_code == 204
    record = Topic.history.filter(id=topic.pk).latest("history_date")
    assert record.history_type == "-"
    assert record.history_user.username == "curator"


@pytest.mark.parametrize("resource", RESOURCES)
def test_history_of_a_record_that_does_not_exist_is_a_404(curator_client, resource):
    model, factory, _ = RESOURCES[resource]
    record = factory()
    missing = record.pk + 1000
    record.delete()

    assert curator_client.get(f"{API}/{resource}/{record.pk}/history/").status_code == 404
    assert curator_client.get(f"{API}/{resource}/{missing}/history/").status_code == 404


def test_history_pages_are_newest_first_and_each_entry_compares_with_the_record_before_it(curator_client):
    topic = TopicFactory(description="v0")
    for version in range(1, 5):
        curator_client.patch(f"{API}/topics/{topic.pk}/", {"description": f"v{version}"}, format="json")

    first = history(curator_client, "topics", topic.pk, page_size=2)
    second = history(curator_client, "topics", topic.pk, page_size=2, page=2)

    assert first["count"] == 5
    assert [entry["changes"] for entry in first["results"]] == [
        [{"field": "description", "old": "v3", "new": "v4"}],
        [{"field": "description", "old": "v2", "new": "v3"}],
    ]
    # The last entry of a page is compared with the first of the next, not shown as a creation.
    assert second["results"][-1]["changes"] == [{"field": "description", "old": "v0", "new": "v1"}]


def test_values_are_plain_json_and_foreign_keys_are_ids(curator_client):
    parent = PlaceFactory()
    place = PlaceFactory(country="US")

    curator_client.patch(
        f"{API}/places/{place.pk}/",
        {"country": "IL", "parent": parent.pk, "latitude": "31.5", "longitude": "34.75"},
        format="json",
    )
    changes = {
        change["field"]: change for change in history(curator_client, "places", place.pk)["results"][0]["changes"]
    }

    assert changes["country"] == {"field": "country", "old": "US", "new": "IL"}
    assert changes["parent"] == {"field": "parent", "old": None, "new": parent.pk}
    assert changes["latitude"] == {"field": "latitude", "old": None, "new": "31.500000"}


def test_reading_history_costs_the_same_queries_however_long_the_page(curator_client):
    short, long = StatementFactory(), StatementFactory()
    topics = [TopicFactory() for _ in range(3)]
    curator_client.patch(f"{API}/statements/{short.pk}/", {"topics": [topics[0].pk]}, format="json")
    for count in range(20):
        curator_client.patch(
            f"{API}/statements/{long.pk}/", {"text": f"Edit {count}", "topics": [topics[count % 3].pk]}, format="json"
        )

    with CaptureQueriesContext(connection) as short_queries:
        history(curator_client, "statements", short.pk)
    with CaptureQueriesContext(connection) as long_queries:
        page = history(curator_client, "statements", long.pk)

    assert page["count"] == 21
    assert len(long_queries) == len(short_queries)


# Deleted statements


@pytest.fixture
def deleted_statement(curator_client):
    """A statement with addressees, topics and mentions, created and then deleted through the API."""
    speaker, addressee = ActorFactory(), ActorFactory()
    topic, place = TopicFactory(), PlaceFactory()
    payload = {
        "kind": "paraphrase",
        "text": "They discussed the hostages.",
        "speaker": speaker.pk,
        "speaker_as_written": "the president",
        "addressees": [addressee.pk],
        "topics": [topic.pk],
        "mentioned_places": [place.pk],
        "status": "verified",
    }
    created = curator_client.post(f"{API}/statements/", payload, format="json").json()
    assert curator_client.delete(f"{API}/statements/{created['id']}/").status_code == 204
    return created


def test_deleted_statements_are_listed_with_who_deleted_them(curator_client, deleted_statement):
    StatementFactory().delete()  # deleted outside a request: no user
    kept = StatementFactory()

    page = curator_client.get(f"{API}/statements/deleted/").json()

    assert page["count"] == 2
    latest = page["results"][1]
    assert latest["id"] == deleted_statement["id"]
    assert latest["uuid"] == deleted_statement["uuid"]
    assert latest["text"] == "They discussed the hostages."
    assert latest["speaker"] == deleted_statement["speaker"]["id"]
    assert latest["deleted_by"] == "curator"
    assert_iso_datetime(latest["deleted_at"])
    assert page["results"][0]["deleted_by"] is None
    assert kept.pk not in {row["id"] for row in page["results"]}


def test_a_deleted_statement_is_restored_with_its_id_uuid_and_to_many_members(curator_client, deleted_statement):
    statement_id = deleted_statement["id"]

    restored = curator_client.post(f"{API}/statements/{statement_id}/restore/")

    assert restored.status_code == 201, restored.content
    body = restored.json()
    for field in ("id", "uuid", "kind", "text", "speaker", "speaker_as_written", "addressees", "topics", "status"):
        assert body[field] == deleted_statement[field], field
    assert body["mentioned_places"] == deleted_statement["mentioned_places"]
    assert body["created_at"] == deleted_statement["created_at"]
    assert curator_client.get(f"{API}/statements/deleted/").json()["count"] == 0
    latest = history(curator_client, "statements", statement_id)["results"][0]
    assert latest["history_type"] == "created"
    assert latest["history_user"] == "curator"
    assert latest["change_reason"].startswith("Restored after deletion")


def test_restoring_twice_or_an_unknown_id_is_a_404(curator_client, deleted_statement):
    statement_id = deleted_statement["id"]
    curator_client.post(f"{API}/statements/{statement_id}/restore/")

    assert curator_client.post(f"{API}/statements/{statement_id}/restore/").status_code == 404
    assert curator_client.post(f"{API}/statements/{statement_id + 1000}/restore/").status_code == 404


def test_a_statement_whose_speaker_is_gone_is_not_restored(curator_client, deleted_statement):
    Actor.objects.filter(pk=deleted_statement["speaker"]["id"]).delete()

    response = curator_client.post(f"{API}/statements/{deleted_statement['id']}/restore/")

    assert response.status_code == 400
    assert error_attrs(response) == {"speaker"}
    assert not Statement.objects.filter(pk=deleted_statement["id"]).exists()


def test_a_statement_whose_topic_is_gone_is_not_restored(curator_client, deleted_statement):
    Topic.objects.filter(pk=deleted_statement["topics"][0]["id"]).delete()

    response = curator_client.post(f"{API}/statements/{deleted_statement['id']}/restore/")

    assert response.status_code == 400
    assert error_attrs(response) == {"topics"}


def test_restoring_needs_the_permission_to_add_statements(reader_client, curator_client, deleted_statement):
    response = reader_client.post(f"{API}/statements/{deleted_statement['id']}/restore/")

    assert response.status_code == 403
    assert not Statement.objects.filter(pk=deleted_statement["id"]).exists()
