"""Filters by what people know: slugs and URLs beside ids."""

import pytest

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


def test_statements_by_speaker_topic_place_and_source_keys(api_client):
    speaker = ActorFactory(slug="benjamin-netanyahu")
    broad = TopicFactory(slug="hostages")
    narrow = TopicFactory(slug="hostage-release", parent=broad)
    place = PlaceFactory(slug="rafah")
    source = SourceFactory(url="https://example.org/rafah")
    wanted = StatementFactory(speaker=speaker, source=source)
    wanted.topics.set([narrow])
    wanted.mentioned_places.set([place])
    StatementFactory()

    for query in (
        {"speaker_slug": "benjamin-netanyahu"},
        {"topic_slug": "hostages"},
        {"place_slug": "rafah"},
        {"source_url": "https://example.org/rafah"},
    ):
        assert ids(api_client.get(f"{API}/statements/", query)) == [wanted.pk], query


def test_a_key_no_record_has_is_refused_naming_the_parameter(api_client):
    response = api_client.get(f"{API}/statements/", {"speaker_slug": "nobody"})
    assert response.status_code == 400
    assert error_attrs(response) == {"speaker_slug"}
    assert "nobody" in response.json()["errors"][0]["detail"]


def test_communications_between_two_actors_by_slug(api_client):
    first, second = ActorFactory(slug="joe-biden"), ActorFactory(slug="benjamin-netanyahu")
    call = CommunicationFactory()
    ParticipationFactory(communication=call, actor=first)
    ParticipationFactory(communication=call, actor=second)
    alone = CommunicationFactory()
    ParticipationFactory(communication=alone, actor=first)
    query = {"participant_slug": ["joe-biden", "benjamin-netanyahu"]}
    assert ids(api_client.get(f"{API}/communications/", query)) == [call.pk]
    assert sorted(ids(api_client.get(f"{API}/communications/", {"participant_slug": "joe-biden"}))) == sorted(
        [call.pk, alone.pk]
    )


def test_the_schema_types_key_filters_as_strings():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    parameters = {
        parameter["name"]: parameter for parameter in schema["paths"]["/api/v1/statements/"]["get"]["parameters"]
    }
    assert parameters["speaker_slug"]["schema"]["items"]["type"] == "string"
    assert parameters["speaker"]["schema"]["items"]["type"] == "integer"


def test_the_readme_example_finds_the_demo_calls(api_client, demo_data):
    query = {"participant_slug": ["biden", "netanyahu"]}
    by_slug = ids(api_client.get(f"{API}/communications/", query))
    assert by_slug
    biden, netanyahu = (
        api_client.get(f"{API}/actors/", {"q": name}).json()["results"][0]["id"]
        for name in ("Joe Biden", "Benjamin Netanyahu")
    )
    assert by_slug == ids(api_client.get(f"{API}/communications/", {"participant": [biden, netanyahu]}))


def test_a_key_with_a_nul_character_is_refused_not_sent_to_the_database(api_client):
    response = api_client.get(f"{API}/communications/", {"place_slug": "ra\x00fah"})
    assert response.status_code == 400
    assert error_attrs(response) == {"place_slug"}


def test_places_by_name_or_alias_ignoring_case_and_accents(api_client):
    rafah = PlaceFactory(name="Rafah")
    rafah.aliases.create(name="Rafaḥ", normalized_name="rafah")
    cairo = PlaceFactory(name="Cairo")
    cairo.aliases.create(name="Al-Qāhirah", normalized_name="al-qahirah")
    springfields = [PlaceFactory(name="Springfield"), PlaceFactory(name="Springfield")]
    in_rafah, in_cairo, said_in_cairo = StatementFactory(), StatementFactory(), StatementFactory()
    in_rafah.mentioned_places.set([rafah])
    in_cairo.mentioned_places.set([cairo])
    said_in_cairo.communication = CommunicationFactory(place=cairo)
    said_in_cairo.save()
    in_springfields = [StatementFactory(), StatementFactory()]
    for statement, place in zip(in_springfields, springfields, strict=True):
        statement.mentioned_places.set([place])

    def listed(**query):
        return sorted(ids(api_client.get(f"{API}/statements/", query)))

    assert listed(place_name="rafah") == [in_rafah.pk]
    assert listed(place_name="AL-QAHIRAH") == sorted([in_cairo.pk, said_in_cairo.pk])
    assert listed(place_name=["Rafah", "Cairo"]) == sorted([in_rafah.pk, in_cairo.pk, said_in_cairo.pk])
    assert listed(place_name="Springfield") == sorted(statement.pk for statement in in_springfields)
    calls = ids(api_client.get(f"{API}/communications/", {"place_name": "cairo"}))
    assert calls == [said_in_cairo.communication_id]
    response = api_client.get(f"{API}/statements/", {"place_name": "Atlantis"})
    assert response.status_code == 400
    assert error_attrs(response) == {"place_name"}
    assert "Atlantis" in response.json()["errors"][0]["detail"]
