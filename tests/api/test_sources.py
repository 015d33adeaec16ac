"""Sources: CRUD, the body only in the detail, duplicate bodies, and their nested statements."""

import hashlib

import pytest

from statements.models import Source, Statement
from tests.api.helpers import API, assert_iso_datetime, error_attrs, ids
from tests.factories import ActorFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_source_detail_has_the_body_and_the_list_does_not(api_client, demo_data):
    source = Source.objects.get()
    detail = api_client.get(f"{API}/sources/{source.pk}/").json()
    assert detail["body"] == source.body
    assert detail["content_hash"] == hashlib.sha256(source.body.encode()).hexdigest()
    assert (detail["date"], detail["date_precision"]) == ("2024-02-15", "day")
    assert_iso_datetime(detail["created_at"])
    listed = api_client.get(f"{API}/sources/").json()["results"]
    assert [row["id"] for row in listed] == [source.pk]
    assert "body" not in listed[0]
    assert {key: value for key, value in detail.items() if key != "body"} == listed[0]


def test_create_source(curator_client):
    publisher, author = ActorFactory(name="Reuters"), ActorFactory(name="A. Writer")
    payload = {
        "kind": "news_article",
        "title": "Talks resume",
        "body": "Talks resumed in Cairo on Monday.",
        "url": "https://example.org/talks",
        "publisher": publisher.pk,
        "authors": [author.pk],
        "date": "2024-02-12",
        "date_precision": "week",
        "language": "en",
    }
    # The hash is the server's to compute: sending one is refused, naming it, and stores nothing.
    forged = curator_client.post(f"{API}/sources/", payload | {"content_hash": "forged"}, format="json")
    assert forged.status_code == 400
    assert error_attrs(forged) == {"content_hash"}
    assert not Source.objects.exists()
    response = curator_client.post(f"{API}/sources/", payload, format="json")
    assert response.status_code == 201, response.json()
    source = Source.objects.get(pk=response.json()["id"])
    assert source.publisher == publisher
    assert list(source.authors.all()) == [author]
    assert source.url == "https://example.org/talks"
    assert source.content_hash == hashlib.sha256(payload["body"].encode()).hexdigest()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "DUPLICATE"}, "body"),
        ({"url": "https://example.org/taken"}, "url"),
        ({"language": "English"}, "language"),
        ({"date": "2024-02-13", "date_precision": "week"}, "date"),  # not a Monday
        ({"date_precision": "day"}, "date"),
        ({"authors": [999999]}, "authors"),
    ],
)
def test_rejected_source_saves_nothing(curator_client, payload, field):
    existing = SourceFactory(url="https://example.org/taken")
    payload = {"kind": "other", "title": "T", "body": "Unique body.", **payload}
    if payload["body"] == "DUPLICATE":
        payload["body"] = existing.body
    response = curator_client.post(f"{API}/sources/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in error_attrs(response)
    assert list(Source.objects.all()) == [existing]


def test_changing_the_body_to_another_sources_body_is_refused(curator_client):
    first, second = SourceFactory(), SourceFactory()
    response = curator_client.patch(f"{API}/sources/{second.pk}/", {"body": first.body}, format="json")
    assert response.status_code == 400
    assert "body" in error_attrs(response)
    second.refresh_from_db()
    assert second.body != first.body


def test_put_source(curator_client):
    source = SourceFactory()
    response = curator_client.put(
        f"{API}/sources/{source.pk}/",
        {"kind": "transcript", "title": "Renamed", "body": "New words.", "authors": []},
        format="json",
    )
    assert response.status_code == 200, response.json()
    source.refresh_from_db()
    assert (source.kind, source.title, source.body) == ("transcript", "Renamed", "New words.")


def test_delete_unused_source(curator_client):
    source = SourceFactory()
    assert curator_client.delete(f"{API}/sources/{source.pk}/").status_code == 204
    assert not Source.objects.exists()


def test_nested_statements_of_a_source(api_client, demo_data):
    source = Source.objects.get()
    response = api_client.get(f"{API}/sources/{source.pk}/statements/", {"page_size": 100})
    assert sorted(ids(response)) == sorted(Statement.objects.values_list("pk", flat=True))
    assert api_client.get(f"{API}/sources/999999/statements/").status_code == 404


def test_sources_by_author(api_client, db):
    writer, other = ActorFactory(), ActorFactory()
    written = SourceFactory()
    written.authors.set([writer, other])
    SourceFactory().authors.set([other])
    SourceFactory()

    response = api_client.get(f"{API}/sources/", {"author": writer.pk})

    assert response.status_code == 200
    assert ids(response) == [written.pk]
    # Two of the given authors on one source list it once.
    assert ids(api_client.get(f"{API}/sources/", {"author": [writer.pk, other.pk]})).count(written.pk) == 1
    assert error_attrs(api_client.get(f"{API}/sources/", {"author": "999999"})) == {"author"}
