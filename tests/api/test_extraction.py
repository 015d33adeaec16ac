"""POST /sources/{id}/extract/: draft statements proposed from a source's text, with who may ask for them."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from statements.choices import CurationStatus
from statements.extraction import EXTRACTOR_NAME, EXTRACTOR_VERSION
from statements.models import Actor, Source, Statement
from tests.api.helpers import API, curated, error_attrs
from tests.factories import ActorFactory, SourceFactory

pytestmark = pytest.mark.django_db

BODY = (
    "Foreign Minister Maria Lopes told reporters on Monday that the talks would resume next week.\n\n"
    '"We are ready to sign," Lopes said.'
)
RESULT_KEYS = {"created", "unchanged", "removed", "statements"}


def extract_url(source_id) -> str:
    return f"{API}/sources/{source_id}/extract/"


def test_extract_creates_drafts_and_returns_them(curator_client, curator):
    lopes = ActorFactory(name="Maria Lopes", kind="person")
    source = SourceFactory(body=BODY)

    response = curator_client.post(extract_url(source.pk))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == RESULT_KEYS
    assert (body["created"], body["unchanged"], body["removed"]) == (2, 0, 0)
    assert [statement["text"] for statement in body["statements"]] == [
        "the talks would resume next week",
        "We are ready to sign",
    ]
    for statement in body["statements"]:
        assert statement["status"] == CurationStatus.DRAFT
        assert statement["speaker"]["id"] == lopes.pk
        assert statement["source"]["id"] == source.pk
        assert 0 < statement["confidence"] <= 1
        assert statement["extractor"] == f"{EXTRACTOR_NAME} {EXTRACTOR_VERSION}"
        assert statement["created_by"] == curator.username
    assert set(Statement.objects.values_list("pk", flat=True)) == {row["id"] for row in body["statements"]}


def test_extracting_again_reports_the_same_drafts_as_unchanged(curator_client):
    source = SourceFactory(body=BODY)
    first = curator_client.post(extract_url(source.pk)).json()

    second = curator_client.post(extract_url(source.pk)).json()

    assert (second["created"], second["unchanged"], second["removed"]) == (0, 2, 0)
    assert [row["id"] for row in second["statements"]] == [row["id"] for row in first["statements"]]
    assert Statement.objects.count() == 2


def test_an_unmatched_speaker_is_named_as_a_proposal(curator_client):
    source = SourceFactory(body=BODY)

    statements = curator_client.post(extract_url(source.pk)).json()["statements"]

    assert {(row["speaker"], row["speaker_proposed_name"]) for row in statements} == {(None, "Maria Lopes")}


def test_a_source_posted_with_a_body_can_then_be_extracted(curator_client):
    payload = {"kind": "news_article", "title": "Talks", "body": BODY, "date": "2024-03-06", "date_precision": "day"}
    created = curator_client.post(f"{API}/sources/", payload, format="json")
    assert created.status_code == 201, created.json()

    response = curator_client.post(extract_url(created.json()["id"]))

    assert response.status_code == 200
    paraphrase = response.json()["statements"][0]
    assert (paraphrase["date"], paraphrase["date_precision"], paraphrase["date_expression"]) == (
        "2024-03-04",
        "day",
        "on Monday",
    )


def test_the_demo_curation_stands_for_every_proposal(curator_client, demo_data):
    source = Source.objects.get()

    body = curator_client.post(extract_url(source.pk)).json()

    assert (body["created"], body["unchanged"], body["removed"]) == (0, Statement.objects.count(), 0)
    assert {row["status"] for row in body["statements"]} == {CurationStatus.VERIFIED}
    assert body["statements"][0]["speaker"]["id"] == curated(Actor, "actor:biden").pk


def test_confidence_and_extractor_cannot_be_written(curator_client):
    source = SourceFactory(body=BODY)
    statement = curator_client.post(extract_url(source.pk)).json()["statements"][0]

    response = curator_client.patch(
        f"{API}/statements/{statement['id']}/", {"confidence": 0.01, "extractor": "me"}, format="json"
    )

    stored = Statement.objects.get(pk=statement["id"])
    assert response.status_code == 400
    assert {error["attr"] for error in response.json()["errors"]} == {"confidence", "extractor"}
    assert (stored.confidence, stored.extractor) == (statement["confidence"], statement["extractor"])


def test_extract_needs_a_login(api_client):
    source = SourceFactory(body=BODY)

    response = api_client.post(extract_url(source.pk))

    assert response.status_code == 401
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("codenames", "status"),
    [
        ([], 403),
        (["add_source", "change_source"], 403),
        (["add_statement"], 200),
    ],
)
def test_extract_needs_the_permission_to_add_statements(reader, codenames, status):
    reader.user_permissions.set(Permission.objects.filter(content_type__app_label="statements", codename__in=codenames))
    client = APIClient()
    client.force_authenticate(reader)
    source = SourceFactory(body=BODY)

    response = client.post(extract_url(source.pk))

    assert response.status_code == status
    assert Statement.objects.exists() == (status == 200)


@pytest.mark.parametrize("source_id", [999999, 10**18 - 1])
def test_extracting_a_missing_source_is_404(curator_client, source_id):
    response = curator_client.post(extract_url(source_id))

    assert response.status_code == 404
    assert error_attrs(response) == {None}


def test_extract_is_post_only(curator_client):
    source = SourceFactory(body=BODY)

    assert curator_client.get(extract_url(source.pk)).status_code == 405
    assert not Statement.objects.exists()
