"""Places, topics and positions: CRUD and their rules."""

import datetime
from decimal import Decimal

import pytest

from statements.models import Actor, Place, PlaceAlias, Position, Topic
from tests.api.helpers import API, assert_iso_datetime, curated, error_attrs
from tests.factories import ActorFactory, PlaceFactory, PositionFactory, StatementFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_place_representation(api_client, demo_data):
    rafah = curated(Place, "place:rafah")
    body = api_client.get(f"{API}/places/{rafah.pk}/").json()
    assert body["api_url"] == f"http://testserver{API}/places/{rafah.pk}/"
    assert (body["name"], body["kind"], body["slug"]) == ("Rafah", "city", "rafah")
    assert body["parent"]["name"] == "Gaza Strip"
    assert set(body["parent"]) == {"id", "api_url", "name", "kind"}
    assert_iso_datetime(body["created_at"])


def test_place_crud(curator_client):
    parent = PlaceFactory(name="Egypt", kind="country")
    payload = {
        "name": "Cairo",
        "kind": "city",
        "country": "EG",
        "parent": parent.pk,
        "aliases": ["Al-Qahira"],
        "latitude": "30.044420",
        "longitude": "31.235712",
    }
    response = curator_client.post(f"{API}/places/", payload, format="json")
    assert response.status_code == 201, response.json()
    place = Place.objects.get(pk=response.json()["id"])
    assert (place.slug, place.parent, place.latitude) == ("cairo", parent, Decimal("30.044420"))
    assert list(place.aliases.values_list("name", flat=True)) == ["Al-Qahira"]
    url = f"{API}/places/{place.pk}/"
    assert curator_client.patch(url, {"aliases": []}, format="json").status_code == 200
    assert not PlaceAlias.objects.exists()
    response = curator_client.put(url, {"name": "Cairo city", "kind": "city"}, format="json")
    assert response.status_code == 200
    place.refresh_from_db()
    assert place.name == "Cairo city"
    assert curator_client.delete(url).status_code == 204
    assert not Place.objects.filter(pk=place.pk).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"latitude": "10"}, "longitude"),
        ({"latitude": "91", "longitude": "0"}, "latitude"),
        ({"kind": "planet"}, "kind"),
        ({"slug": "taken"}, "slug"),
    ],
)
def test_rejected_place_saves_nothing(curator_client, payload, field):
    PlaceFactory(slug="taken")
    response = curator_client.post(f"{API}/places/", {"name": "P", **payload}, format="json")
    assert response.status_code == 400
    assert field in error_attrs(response)
    assert Place.objects.count() == 1


def test_place_cannot_lie_within_its_own_child(curator_client):
    parent = PlaceFactory()
    child = PlaceFactory(parent=parent)
    response = curator_client.patch(f"{API}/places/{parent.pk}/", {"parent": child.pk}, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"parent"}
    parent.refresh_from_db()
    assert parent.parent is None


def test_delete_place_with_children_is_409(curator_client, demo_data):
    gaza = curated(Place, "place:gaza")
    assert curator_client.delete(f"{API}/places/{gaza.pk}/").status_code == 409
    assert Place.objects.filter(pk=gaza.pk).exists()


def test_topic_crud(curator_client):
    parent = TopicFactory(slug="war")
    response = curator_client.post(
        f"{API}/topics/", {"slug": "ceasefire", "name": "Ceasefire", "parent": parent.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    topic = Topic.objects.get(pk=response.json()["id"])
    assert topic.parent == parent
    assert response.json()["parent"] == {
        "id": parent.pk,
        "api_url": f"http://testserver{API}/topics/{parent.pk}/",
        "slug": "war",
        "name": parent.name,
    }
    url = f"{API}/topics/{topic.pk}/"
    assert curator_client.patch(url, {"description": "Pauses in fighting."}, format="json").status_code == 200
    assert curator_client.put(url, {"slug": "truce", "name": "Truce"}, format="json").status_code == 200
    topic.refresh_from_db()
    assert (topic.slug, topic.name, topic.description, topic.parent) == (
        "truce",
        "Truce",
        "Pauses in fighting.",
        parent,
    )
    # A parent with children is protected.
    assert curator_client.delete(f"{API}/topics/{parent.pk}/").status_code == 409
    assert curator_client.delete(url).status_code == 204
    assert list(Topic.objects.all()) == [parent]


def test_topic_cycle_is_refused(curator_client):
    top = TopicFactory()
    middle = TopicFactory(parent=top)
    bottom = TopicFactory(parent=middle)
    response = curator_client.patch(f"{API}/topics/{top.pk}/", {"parent": bottom.pk}, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"parent"}


def test_duplicate_topic_slug_is_refused(curator_client):
    TopicFactory(slug="taken")
    response = curator_client.post(f"{API}/topics/", {"slug": "taken", "name": "Again"}, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"slug"}
    assert Topic.objects.count() == 1


def test_position_representation_and_crud(curator_client, demo_data):
    biden = curated(Actor, "actor:biden")
    white_house = curated(Actor, "actor:white-house")
    payload = {
        "actor": biden.pk,
        "title": "Vice President",
        "organization": white_house.pk,
        "start_date": "2009-01-20",
        "end_date": "2017-01-20",
    }
    response = curator_client.post(f"{API}/positions/", payload, format="json")
    assert response.status_code == 201, response.json()
    position = Position.objects.get(pk=response.json()["id"])
    assert (position.actor, position.organization, position.end_date) == (
        biden,
        white_house,
        datetime.date(2017, 1, 20),
    )
    assert response.json()["actor"]["name"] == "Joe Biden"
    url = f"{API}/positions/{position.pk}/"
    assert curator_client.patch(url, {"title": "Vice President of the United States"}, format="json").status_code == 200
    response = curator_client.put(url, {"actor": biden.pk, "title": "Senator", "country": "US"}, format="json")
    assert response.status_code == 200, response.json()
    assert curator_client.delete(url).status_code == 204
    assert not Position.objects.filter(pk=position.pk).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"start_date": "2020-01-01", "end_date": "2019-01-01"}, "end_date"),
        ({"country": ""}, "organization"),  # neither organisation nor country
        ({"organization": "SELF"}, "organization"),
        ({"actor": None}, "actor"),
    ],
)
def test_rejected_position_saves_nothing(curator_client, payload, field):
    actor = ActorFactory()
    payload = {"actor": actor.pk, "title": "T", "country": "US", **payload}
    payload = {key: actor.pk if value == "SELF" else value for key, value in payload.items()}
    response = curator_client.post(f"{API}/positions/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in error_attrs(response)
    assert not Position.objects.exists()


def test_delete_position_a_statement_was_made_in_is_409(curator_client):
    position = PositionFactory()
    StatementFactory(speaker=position.actor, position=position)
    assert curator_client.delete(f"{API}/positions/{position.pk}/").status_code == 409
    assert Position.objects.filter(pk=position.pk).exists()
