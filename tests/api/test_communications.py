"""Communications: CRUD with participants, topics and sources, and their nested statements."""

import pytest

from statements.models import Actor, Communication, Participation, Place, Source, Statement, Topic
from tests.api.helpers import API, assert_iso_datetime, curated, error_attrs, ids
from tests.factories import ActorFactory, CommunicationFactory

pytestmark = pytest.mark.django_db


def test_communication_representation(api_client, demo_data):
    call = curated(Communication, "communication:call-thu")
    body = api_client.get(f"{API}/communications/{call.pk}/").json()
    assert body["api_url"] == f"http://testserver{API}/communications/{call.pk}/"
    assert (body["kind"], body["date"], body["date_precision"], body["date_expression"]) == (
        "phone_call",
        "2024-02-15",
        "day",
        "on Thursday",
    )
    assert (body["duration_minutes"], body["duration_is_approximate"]) == (40, True)
    assert body["duration_according_to"]["name"] == "Prime Minister's Office (Israel)"
    assert [(row["actor"]["name"], row["role"]) for row in body["participants"]] == [
        ("Joe Biden", "participant"),
        ("Benjamin Netanyahu", "participant"),
    ]
    assert {topic["slug"] for topic in body["topics"]} == {
        "hostage-negotiations",
        "humanitarian-aid",
        "rafah-operation",
        "gaza-war",
    }
    assert [source["title"] for source in body["sources"]] == ["Biden and Netanyahu"]
    assert_iso_datetime(body["updated_at"])
    readout = api_client.get(f"{API}/communications/{curated(Communication, 'communication:wh-readout').pk}/").json()
    assert readout["regarding"]["id"] == call.pk
    assert set(readout["regarding"]) >= {"id", "api_url", "kind", "title", "date"}


def test_create_communication_with_everything(curator_client, demo_data):
    biden, cnn = curated(Actor, "actor:biden"), curated(Actor, "actor:cnn")
    payload = {
        "kind": "interview",
        "title": "Biden talks to CNN",
        "summary": "About the call.",
        "date": "2024-02-01",
        "date_precision": "month",
        "duration_minutes": 15,
        "duration_according_to": cnn.pk,
        "place": curated(Place, "place:cairo").pk,
        "regarding": curated(Communication, "communication:call-thu").pk,
        "participants": [{"actor": biden.pk, "role": "speaker"}, {"actor": cnn.pk}],
        "topics": [curated(Topic, "topic:gaza-war").pk],
        "sources": [Source.objects.get().pk],
    }
    response = curator_client.post(f"{API}/communications/", payload, format="json")
    assert response.status_code == 201, response.json()
    communication = Communication.objects.get(pk=response.json()["id"])
    assert communication.place.name == "Cairo"
    assert communication.regarding.title == "Biden-Netanyahu phone call"
    assert set(communication.participations.values_list("actor__name", "role")) == {
        ("Joe Biden", "speaker"),
        ("CNN", "participant"),
    }
    assert list(communication.topics.values_list("slug", flat=True)) == ["gaza-war"]
    assert communication.sources.count() == 1
    assert response.json() == curator_client.get(f"{API}/communications/{communication.pk}/").json()


def test_same_actor_in_two_roles_is_allowed(curator_client):
    actor = ActorFactory()
    payload = {
        "kind": "meeting",
        "title": "Host and speaker",
        "participants": [{"actor": actor.pk, "role": "host"}, {"actor": actor.pk, "role": "speaker"}],
    }
    assert curator_client.post(f"{API}/communications/", payload, format="json").status_code == 201
    assert Participation.objects.count() == 2


def test_put_replaces_participants_and_patch_keeps_them(curator_client):
    communication = CommunicationFactory()
    old, new = ActorFactory(), ActorFactory()
    Participation.objects.create(communication=communication, actor=old)
    url = f"{API}/communications/{communication.pk}/"
    response = curator_client.patch(url, {"summary": "Changed"}, format="json")
    assert response.status_code == 200
    assert list(communication.participants.all()) == [old]
    response = curator_client.put(
        url,
        {"kind": "meeting", "title": "Replaced", "participants": [{"actor": new.pk, "role": "host"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert list(communication.participations.values_list("actor", "role")) == [(new.pk, "host")]
    response = curator_client.patch(url, {"participants": [{"actor": old.pk}]}, format="json")
    assert response.status_code == 200, response.json()
    assert list(communication.participations.values_list("actor", "role")) == [(old.pk, "participant")]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"participants": [{"actor": 999999}]}, "participants.0.actor"),
        ({"participants": [{"actor": "ACTOR", "role": "bogus"}]}, "participants.0.role"),
        ({"participants": "ACTOR"}, "participants"),
        ({"duration_according_to": "ACTOR"}, "duration_according_to"),  # without a duration
        ({"date": "2024-02-15", "date_precision": "year"}, "date"),
        ({"date": "2024-02-15", "date_precision": "unknown"}, "date"),  # a date said to be of unknown precision
        ({"regarding": 999999}, "regarding"),
    ],
)
def test_rejected_communication_saves_nothing(curator_client, changes, field):
    actor = ActorFactory()
    changes = {key: actor.pk if value == "ACTOR" else value for key, value in changes.items()}
    if "participants" in changes and isinstance(changes["participants"], list):
        changes["participants"] = [
            {key: actor.pk if value == "ACTOR" else value for key, value in row.items()}
            for row in changes["participants"]
        ]
    response = curator_client.post(
        f"{API}/communications/", {"kind": "meeting", "title": "T", **changes}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert field in error_attrs(response)
    assert not Communication.objects.exists()


def test_communication_cannot_regard_itself(curator_client):
    communication = CommunicationFactory()
    response = curator_client.patch(
        f"{API}/communications/{communication.pk}/", {"regarding": communication.pk}, format="json"
    )
    assert response.status_code == 400
    assert error_attrs(response) == {"regarding"}


def test_delete_communication(curator_client, demo_data):
    talks = curated(Communication, "communication:cairo-talks")
    response = curator_client.delete(f"{API}/communications/{talks.pk}/")
    assert response.status_code == 204
    assert not Communication.objects.filter(pk=talks.pk).exists()
    assert not Participation.objects.filter(communication_id=talks.pk).exists()
    assert Actor.objects.count() == 10


def test_nested_statements_of_a_communication(api_client, demo_data):
    readout = curated(Communication, "communication:wh-readout")
    response = api_client.get(f"{API}/communications/{readout.pk}/statements/", {"ordering": "created"})
    expected = [curated(Statement, f"statement:s{number}").pk for number in (2, 3, 4)]
    assert ids(response) == expected


def test_nested_statements_of_an_unknown_communication_is_404(api_client, db):
    assert api_client.get(f"{API}/communications/999999/statements/").status_code == 404
