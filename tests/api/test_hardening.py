"""Defects found by trying to break the API, each with the test that failed before its fix."""

import base64
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import Actor, Source, Statement
from tests.api.helpers import API, error_attrs
from tests.factories import ActorFactory, SourceFactory, StatementFactory, TopicFactory

pytestmark = pytest.mark.django_db


# 1. Every list in a request is bounded, and its items are looked up together.


def test_a_list_over_the_limit_is_refused_naming_the_field_and_nothing_is_written(settings, curator_client):
    too_many = settings.API_MAX_LIST_ITEMS + 1
    response = curator_client.post(
        f"{API}/actors/", {"name": "A", "kind": "person", "aliases": [f"a{n}" for n in range(too_many)]}, format="json"
    )
    assert response.status_code == 400
    assert error_attrs(response) == {"aliases"}
    assert not Actor.objects.exists()
    response = curator_client.post(
        f"{API}/statements/", {"kind": "paraphrase", "text": "x", "topics": list(range(1, too_many + 1))}, format="json"
    )
    assert response.status_code == 400
    assert error_attrs(response) == {"topics"}


def test_a_filter_with_too_many_values_is_refused_naming_the_parameter(settings, api_client):
    values = "&".join(f"topic={n}" for n in range(1, settings.API_MAX_LIST_ITEMS + 2))
    response = api_client.get(f"{API}/statements/?{values}")
    assert response.status_code == 400
    assert error_attrs(response) == {"topic"}


def test_related_ids_are_looked_up_in_one_query_whatever_their_number(curator_client):
    def queries_for(count: int) -> int:
        topics = [TopicFactory().pk for _ in range(count)]
        body = {"kind": "paraphrase", "text": "x", "topics": topics, "mentioned_actors": []}
        with CaptureQueriesContext(connection) as queries:
            response = curator_client.post(f"{API}/statements/", body, format="json")
        assert response.status_code == 201, response.content
        return len(queries)

    assert queries_for(40) == queries_for(2)


def test_the_schema_gives_every_request_list_its_limit(settings):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    statement = schema["components"]["schemas"]["StatementRequest"]["properties"]
    assert statement["topics"]["maxItems"] == settings.API_MAX_LIST_ITEMS


# 2. Timestamps with any offset ISO 8601 allows.


EXTREME_TIMESTAMPS = ["2024-01-01T00:00:00+16:26", "9999-12-31T23:00:00-12:00", "0001-01-01T00:00:00+14:00"]


@pytest.mark.parametrize("value", EXTREME_TIMESTAMPS)
def test_updated_since_with_an_extreme_offset_is_answered(api_client, value):
    response = api_client.get(f"{API}/statements/", {"updated_since": value})
    assert response.status_code in {200, 400}
    if response.status_code == 400:
        assert error_attrs(response) == {"updated_since"}


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:00:00-12:00", "0001-01-01T00:00:00+14:00", "2024-01-01T00:00:00+16:26"]
)
def test_a_cursor_with_an_extreme_timestamp_is_answered(api_client, value):
    StatementFactory()
    token = base64.urlsafe_b64encode(
        json.dumps({"ordering": "-updated", "direction": "next", "values": [value, 1]}).encode()
    ).decode()
    response = api_client.get(f"{API}/statements/", {"ordering": "-updated", "cursor": token})
    assert response.status_code in {200, 400}
    if response.status_code == 400:
        assert error_attrs(response) == {"cursor"}


# 3. Bodies over the limit, whoever refuses them first.


def test_a_body_over_the_django_limit_is_413(settings, curator_client):
    body = json.dumps({"name": "x" * (settings.API_MAX_REQUEST_BYTES + 4096), "kind": "person"})
    response = curator_client.generic("POST", f"{API}/actors/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "request_too_large"
    assert not Actor.objects.exists()


def test_an_absurd_content_length_is_413(curator_client):
    response = curator_client.generic(
        "POST", f"{API}/actors/", b'{"name": "x"}', content_type="application/json", CONTENT_LENGTH=str(10**20)
    )
    assert response.status_code == 413


# 4. Deeply nested JSON.


def test_json_nested_ten_thousand_levels_deep_is_400(curator_client):
    body = "[" * 10_000 + "]" * 10_000
    response = curator_client.generic("POST", f"{API}/actors/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"


# 6. A write that changes nothing.


def test_a_patch_that_changes_nothing_writes_nothing(curator_client):
    statement = StatementFactory()
    before = (statement.version, statement.history.count())
    response = curator_client.patch(f"{API}/statements/{statement.pk}/", {}, format="json")
    assert response.status_code == 200, response.content
    statement.refresh_from_db()
    assert (statement.version, statement.history.count()) == before
    assert response["ETag"] == f'"{statement.version}"'


def test_a_patch_of_read_only_or_unknown_fields_is_refused_naming_them_and_writes_nothing(curator_client):
    statement = StatementFactory()
    before = (statement.version, statement.history.count())
    body = {"id": 999, "created_at": "2020-01-01T00:00:00Z", "speakr": 3}
    response = curator_client.patch(f"{API}/statements/{statement.pk}/", body, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"id", "created_at", "speakr"}
    statement.refresh_from_db()
    assert (statement.version, statement.history.count()) == before


def test_a_patch_with_the_values_stored_writes_nothing(curator_client):
    statement = StatementFactory()
    topic = TopicFactory()
    statement.topics.set([topic])
    version = Statement.objects.get(pk=statement.pk).version
    body = {"text": statement.text, "speaker": statement.speaker_id, "topics": [topic.pk]}
    assert curator_client.patch(f"{API}/statements/{statement.pk}/", body, format="json").status_code == 200
    assert Statement.objects.get(pk=statement.pk).version == version
    body["text"] = "they would talk later"
    assert curator_client.patch(f"{API}/statements/{statement.pk}/", body, format="json").status_code == 200
    assert Statement.objects.get(pk=statement.pk).version == version + 1


def test_a_stale_if_match_is_refused_even_when_nothing_would_change(curator_client):
    statement = StatementFactory()
    response = curator_client.patch(f"{API}/statements/{statement.pk}/", {}, format="json", HTTP_IF_MATCH='"99"')
    assert response.status_code == 412


# 8. Line endings and Unicode forms.


def test_a_source_sent_with_crlf_and_decomposed_accents_is_stored_normalised(curator_client):
    body = 'Le pr\u0065\u0301sident a dit:\r\n"Nous parlerons."\rFin.'
    response = curator_client.post(
        f"{API}/sources/", {"kind": "news_article", "title": "Article", "body": body}, format="json"
    )
    assert response.status_code == 201, response.content
    stored = Source.objects.get(pk=response.json()["id"]).body
    assert stored == 'Le pr\u00e9sident a dit:\n"Nous parlerons."\nFin.'
    # The same words with other line endings are the same document.
    again = curator_client.post(
        f"{API}/sources/", {"kind": "news_article", "title": "Again", "body": stored}, format="json"
    )
    assert again.status_code == 400
    assert "body" in error_attrs(again)


def test_a_quote_with_crlf_is_anchored_in_a_normalised_body(curator_client):
    source = SourceFactory(body="He said:\r\nwe will talk\r\nagain, and left.")
    response = curator_client.post(
        f"{API}/statements/",
        {"kind": "direct_quote", "text": "we will talk\r\nagain", "source": source.pk, "speaker": ActorFactory().pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["span_start"], response.json()["text"]) == (9, "we will talk\nagain")


# 5. A body shorter than its Content-Length.


def test_a_body_shorter_than_its_content_length_is_refused_before_it_is_read():
    # Django's test client cannot send such a request; gunicorn hands it on as a short stream
    # (tests/project/test_deploy.py sends one over a socket).
    from types import SimpleNamespace

    from rest_framework.exceptions import ParseError

    from api.parsers import BoundedJSONParser

    body = b'{"name": "Half", "kind": "person"}'
    request = SimpleNamespace(META={"CONTENT_LENGTH": str(len(body) + 50)})
    with pytest.raises(ParseError, match="ended after 34 of the 84 bytes"):
        BoundedJSONParser().parse(io.BytesIO(body), "application/json", {"request": request})
    assert BoundedJSONParser().parse(io.BytesIO(body), "application/json", {"request": SimpleNamespace(META={})})
