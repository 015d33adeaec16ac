"""Who may read and write, token authentication, and request rate limits."""

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from statements.models import Actor, Communication, Place, Position, Source, Statement, Topic
from tests.api.helpers import API, RESOURCES, error_attrs
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

#: Per resource: its model, a factory for an existing row, and a valid create payload.
WRITES = {
    "actors": (Actor, ActorFactory, lambda: {"kind": "person", "name": "New actor"}),
    "positions": (Position, PositionFactory, lambda: {"actor": ActorFactory().pk, "title": "Envoy", "country": "US"}),
    "places": (Place, PlaceFactory, lambda: {"name": "New place", "kind": "city"}),
    "topics": (Topic, TopicFactory, lambda: {"slug": "new-topic", "name": "New topic"}),
    "sources": (Source, SourceFactory, lambda: {"kind": "other", "title": "New", "body": "A new body."}),
    "communications": (Communication, CommunicationFactory, lambda: {"kind": "meeting", "title": "New meeting"}),
    "statements": (Statement, StatementFactory, lambda: {"kind": "paraphrase", "text": "Something new."}),
}

PATCHES = {
    "actors": {"name": "Renamed"},
    "positions": {"title": "Renamed"},
    "places": {"name": "Renamed"},
    "topics": {"name": "Renamed"},
    "sources": {"title": "Renamed"},
    "communications": {"title": "Renamed"},
    "statements": {"text": "Renamed"},
}


@pytest.mark.parametrize("resource", RESOURCES)
def test_anonymous_can_read(api_client, resource):
    record = WRITES[resource][1]()
    assert api_client.get(f"{API}/{resource}/").status_code == 200
    assert api_client.get(f"{API}/{resource}/{record.pk}/").status_code == 200


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_anonymous_cannot_write(api_client, resource, method):
    model, factory, make_payload = WRITES[resource]
    record = factory()
    before = list(model.objects.values())
    url = f"{API}/{resource}/" if method == "post" else f"{API}/{resource}/{record.pk}/"
    response = getattr(api_client, method)(url, make_payload(), format="json")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"
    assert response.has_header("WWW-Authenticate")
    assert list(model.objects.values()) == before


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_authenticated_user_without_the_model_permission_cannot_write(reader_client, resource, method):
    model, factory, make_payload = WRITES[resource]
    record = factory()
    before = list(model.objects.values())
    url = f"{API}/{resource}/" if method == "post" else f"{API}/{resource}/{record.pk}/"
    response = getattr(reader_client, method)(url, make_payload(), format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"
    assert list(model.objects.values()) == before


@pytest.mark.parametrize("resource", RESOURCES)
def test_authenticated_user_without_permissions_can_read(reader_client, resource):
    record = WRITES[resource][1]()
    assert reader_client.get(f"{API}/{resource}/{record.pk}/").status_code == 200


@pytest.mark.parametrize("resource", RESOURCES)
def test_curator_can_create_change_and_delete(curator_client, resource):
    model, factory, make_payload = WRITES[resource]
    created = curator_client.post(f"{API}/{resource}/", make_payload(), format="json")
    assert created.status_code == 201, created.json()
    record = model.objects.get(pk=created.json()["id"])
    url = f"{API}/{resource}/{record.pk}/"
    patched = curator_client.patch(url, PATCHES[resource], format="json")
    assert patched.status_code == 200, patched.json()
    (field, value), *_ = PATCHES[resource].items()
    record.refresh_from_db()
    assert getattr(record, field) == value
    put = curator_client.put(url, {**make_payload(), **PATCHES[resource]}, format="json")
    assert put.status_code == 200, put.json()
    deleted = curator_client.delete(url)
    assert deleted.status_code == 204
    assert not model.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize(
    ("action", "method", "status"), [("add", "post", 201), ("change", "patch", 200), ("delete", "delete", 204)]
)
def test_each_write_needs_its_own_permission(reader, action, method, status):
    client = APIClient()
    client.force_authenticate(reader)
    actor = ActorFactory()
    url = f"{API}/actors/" if method == "post" else f"{API}/actors/{actor.pk}/"
    payload = {"kind": "person", "name": "Someone"}
    assert getattr(client, method)(url, payload, format="json").status_code == 403
    reader.user_permissions.add(Permission.objects.get(codename=f"{action}_actor"))
    client.force_authenticate(type(reader).objects.get(pk=reader.pk))  # permissions are cached per instance
    assert getattr(client, method)(url, payload, format="json").status_code == status
    # The permission covers actors only.
    assert client.post(f"{API}/topics/", {"slug": "other", "name": "Other"}, format="json").status_code == 403


def test_token_endpoint_returns_a_working_token(api_client, curator):
    response = api_client.post(
        f"{API}/auth/token/", {"username": "curator", "password": "curator-password"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=curator).key == token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    created = client.post(f"{API}/topics/", {"slug": "by-token", "name": "By token"}, format="json")
    assert created.status_code == 201
    assert Topic.objects.filter(slug="by-token").exists()


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "curator", "password": "wrong"},
        {"username": "nobody", "password": "curator-password"},
        {"username": "curator"},
        {},
    ],
)
def test_token_endpoint_refuses_bad_credentials(api_client, curator, credentials):
    response = api_client.post(f"{API}/auth/token/", credentials, format="json")
    assert response.status_code == 400
    error_attrs(response)
    assert not Token.objects.exists()


def test_an_invalid_token_is_401(api_client, db):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get(f"{API}/actors/")
    assert response.status_code == 401
    assert error_attrs(response) == {None}


def test_session_authentication_works_and_needs_csrf(curator):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(curator)
    assert client.get(f"{API}/actors/").status_code == 200
    response = client.post(f"{API}/topics/", {"slug": "by-session", "name": "By session"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"][0]["detail"]
    assert not Topic.objects.exists()


@override_settings(API_ANONYMOUS_READ=False)
@pytest.mark.parametrize(
    "path",
    ["/actors/", "/statements/", "/communications/", "/sources/", "/topics/", "/places/", "/positions/"],
)
def test_anonymous_read_can_be_turned_off(api_client, reader_client, path):
    response = api_client.get(f"{API}{path}")
    assert response.status_code in {401, 403}
    assert error_attrs(response) == {None}
    assert reader_client.get(f"{API}{path}").status_code == 200


@override_settings(API_ANONYMOUS_READ=False)
def test_anonymous_read_off_covers_details_and_nested_lists(api_client):
    statement = StatementFactory()
    for path in [f"/statements/{statement.pk}/", f"/actors/{statement.speaker_id}/statements/"]:
        assert api_client.get(f"{API}{path}").status_code in {401, 403}


@override_settings(API_THROTTLE_RATES={"anon": "2/minute", "user": "1000/minute"})
def test_anonymous_requests_over_the_rate_get_429(api_client, reader_client, db):
    assert api_client.get(f"{API}/actors/").status_code == 200
    assert api_client.get(f"{API}/topics/").status_code == 200
    response = api_client.get(f"{API}/actors/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["errors"][0]["code"] == "throttled"
    # The authenticated rate is separate.
    assert reader_client.get(f"{API}/actors/").status_code == 200


@override_settings(API_THROTTLE_RATES={"anon": "1000/minute", "user": "2/minute"})
def test_authenticated_requests_over_the_rate_get_429(reader_client):
    assert reader_client.get(f"{API}/actors/").status_code == 200
    assert reader_client.get(f"{API}/actors/").status_code == 200
    response = reader_client.get(f"{API}/actors/")
    assert response.status_code == 429
    assert response.has_header("Retry-After")


def test_throttle_counts_start_fresh_in_each_test(api_client, db, settings):
    """The autouse cache clearing works: a test cannot inherit another test's request count."""
    settings.API_THROTTLE_RATES = {"anon": "2/minute", "user": "1000/minute"}
    assert api_client.get(f"{API}/actors/").status_code == 200
    assert api_client.get(f"{API}/actors/").status_code == 200


@pytest.mark.parametrize("page", ["schema/", "docs/", "redoc/"])
def test_the_schema_and_its_pages_need_a_login_when_anonymous_reading_is_off(settings, api_client, reader_client, page):
    settings.API_ANONYMOUS_READ = False
    assert api_client.get(f"{API}/{page}").status_code in {401, 403}
    assert reader_client.get(f"{API}/{page}").status_code == 200
    settings.API_ANONYMOUS_READ = True
    assert api_client.get(f"{API}/{page}").status_code == 200
