"""Actors: CRUD with aliases, and the statements and communications nested under an actor."""

import pytest

from statements.models import Actor, ActorAlias, Communication, Statement
from tests.api.helpers import API, assert_iso_datetime, curated, error_attrs, ids
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db


def test_actor_representation(api_client, demo_data):
    official = curated(Actor, "actor:senior-admin-official")
    body = api_client.get(f"{API}/actors/{official.pk}/").json()
    white_house = curated(Actor, "actor:white-house")
    assert body["api_url"] == f"http://testserver{API}/actors/{official.pk}/"
    assert body["kind"] == "unnamed_source"
    assert body["country"] == "US"
    assert body["affiliation"] == {
        "id": white_house.pk,
        "api_url": f"http://testserver{API}/actors/{white_house.pk}/",
        "name": "The White House",
        "kind": "government_body",
    }
    assert_iso_datetime(body["created_at"])
    assert_iso_datetime(body["updated_at"])
    biden = api_client.get(f"{API}/actors/{curated(Actor, 'actor:biden').pk}/").json()
    assert biden["aliases"] == ["Biden", "President Joe Biden", "The President", "US President Joe Biden"]
    assert biden["wikidata_id"] == "Q6279"


def test_create_actor_with_aliases(curator_client, demo_data):
    white_house = curated(Actor, "actor:white-house")
    payload = {
        "kind": "unnamed_source",
        "name": "White House spokesperson",
        "aliases": ["the spokesperson", "  spokesperson  "],
        "country": "us",
        "affiliation": white_house.pk,
    }
    response = curator_client.post(f"{API}/actors/", payload, format="json")
    assert response.status_code == 201, response.json()
    actor = Actor.objects.get(pk=response.json()["id"])
    assert actor.slug == "white-house-spokesperson"
    assert actor.country.code == "US"
    assert actor.affiliation == white_house
    assert sorted(actor.aliases.values_list("name", flat=True)) == ["spokesperson", "the spokesperson"]
    assert response.json()["aliases"] == ["spokesperson", "the spokesperson"]


def test_put_and_patch_actor(curator_client):
    actor = ActorFactory(name="Old")
    ActorAlias.objects.create(actor=actor, name="Keep me?")
    url = f"{API}/actors/{actor.pk}/"
    response = curator_client.patch(url, {"description": "Changed"}, format="json")
    assert response.status_code == 200
    assert list(actor.aliases.values_list("name", flat=True)) == ["Keep me?"]  # aliases not given: unchanged
    response = curator_client.put(url, {"kind": "organization", "name": "New", "aliases": ["N"]}, format="json")
    assert response.status_code == 200, response.json()
    actor.refresh_from_db()
    assert (actor.kind, actor.name, actor.description) == ("organization", "New", "Changed")
    assert list(actor.aliases.values_list("name", flat=True)) == ["N"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "person", "name": "Dup", "slug": "netanyahu"}, "slug"),
        ({"kind": "person", "name": "Dup", "wikidata_id": "Q6279"}, "wikidata_id"),
        ({"kind": "alien", "name": "X"}, "kind"),
        ({"kind": "person"}, "name"),
        ({"name": "X"}, "kind"),
    ],
)
def test_rejected_actor_saves_nothing(curator_client, demo_data, payload, field):
    response = curator_client.post(f"{API}/actors/", payload, format="json")
    assert response.status_code == 400
    assert field in error_attrs(response)
    assert Actor.objects.count() == 10


def test_actor_cannot_be_affiliated_with_itself(curator_client):
    actor = ActorFactory()
    response = curator_client.patch(f"{API}/actors/{actor.pk}/", {"affiliation": actor.pk}, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"affiliation"}
    actor.refresh_from_db()
    assert actor.affiliation is None


def test_delete_actor_nobody_depends_on(curator_client, demo_data):
    gpo = curated(Actor, "actor:gpo")
    response = curator_client.delete(f"{API}/actors/{gpo.pk}/")
    assert response.status_code == 204
    assert not Actor.objects.filter(pk=gpo.pk).exists()
    assert not ActorAlias.objects.filter(actor_id=gpo.pk).exists()


def test_delete_actor_statements_depend_on_is_409(curator_client, demo_data):
    netanyahu = curated(Actor, "actor:netanyahu")
    response = curator_client.delete(f"{API}/actors/{netanyahu.pk}/")
    assert response.status_code == 409
    assert "statements" in response.json()["errors"][0]["detail"]
    assert Actor.objects.filter(pk=netanyahu.pk).exists()
    assert Statement.objects.filter(speaker=netanyahu).count() == 2


def test_nested_statements_of_an_actor(api_client, demo_data):
    white_house = curated(Actor, "actor:white-house")
    response = api_client.get(f"{API}/actors/{white_house.pk}/statements/")
    assert response.status_code == 200
    expected = Statement.objects.filter(speaker=white_house).order_by("-date", "-id")
    assert ids(response) == [statement.pk for statement in expected]
    assert len(ids(response)) == 3
    assert {"count", "next", "previous", "results"} == set(response.json())
    assert response.json()["count"] is None  # counted only when asked (count=true)


def test_nested_communications_of_an_actor(api_client, demo_data):
    netanyahu = curated(Actor, "actor:netanyahu")
    response = api_client.get(f"{API}/actors/{netanyahu.pk}/communications/")
    expected = [
        curated(Communication, f"communication:{key}").pk for key in ("call-thu", "call-sun", "netanyahu-remarks")
    ]
    assert ids(response) == expected  # newest first, undated last


@pytest.mark.parametrize("path", ["/actors/999999/statements/", "/actors/999999/communications/"])
def test_nested_list_of_an_unknown_actor_is_404(api_client, db, path):
    response = api_client.get(f"{API}{path}")
    assert response.status_code == 404
    assert error_attrs(response) == {None}
