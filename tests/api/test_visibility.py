"""What each audience sees: the public only verified statements and no curator's name, curators everything."""

import json

import pytest
from django.contrib.auth.models import Permission

from statements import services
from statements.choices import CurationStatus
from statements.models import Statement
from tests.api.helpers import API, ids
from tests.factories import ActorFactory, CommunicationFactory, SourceFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def statuses():
    """One statement of each curation status, by one speaker, from one source, in one communication."""
    speaker, source, communication = ActorFactory(), SourceFactory(), CommunicationFactory()
    common = {"speaker": speaker, "source": source, "communication": communication}
    return {
        status: StatementFactory(text=f"a {status} statement about talks", status=status, **common)
        for status in CurationStatus.values
    }


def statement_texts(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["text"] for row in response.json()["results"]}


@pytest.fixture(params=["anonymous", "reader"])
def public_client(request, api_client, reader_client):
    """Anyone without the permission to see unreviewed statements: anonymous, or signed in without it."""
    return api_client if request.param == "anonymous" else reader_client


def test_the_public_lists_verified_statements_only(public_client, statuses):
    verified = statuses[CurationStatus.VERIFIED]
    assert ids(public_client.get(f"{API}/statements/")) == [verified.pk]
    assert ids(public_client.get(f"{API}/statements/", {"q": "talks"})) == [verified.pk]
    assert ids(public_client.get(f"{API}/statements/", {"status": "draft"})) == []
    for owner in (f"actors/{verified.speaker_id}", f"sources/{verified.source_id}"):
        assert ids(public_client.get(f"{API}/{owner}/statements/")) == [verified.pk]
    assert ids(public_client.get(f"{API}/communications/{verified.communication_id}/statements/")) == [verified.pk]


def test_an_unreviewed_statement_is_not_found_by_the_public(public_client, statuses):
    for status in (CurationStatus.DRAFT, CurationStatus.REJECTED):
        pk = statuses[status].pk
        assert public_client.get(f"{API}/statements/{pk}/").status_code == 404
        assert public_client.get(f"{API}/statements/{pk}/history/").status_code == 404
    assert public_client.get(f"{API}/statements/{statuses[CurationStatus.VERIFIED].pk}/").status_code == 200


def test_curators_see_every_statement_and_filter_by_status(curator_client, statuses):
    assert statement_texts(curator_client.get(f"{API}/statements/")) == {s.text for s in statuses.values()}
    assert ids(curator_client.get(f"{API}/statements/", {"status": "rejected"})) == [statuses["rejected"].pk]
    assert curator_client.get(f"{API}/statements/{statuses['draft'].pk}/").status_code == 200


def test_the_permission_alone_shows_unreviewed_statements(reader, reader_client, statuses):
    reader.user_permissions.add(Permission.objects.get(codename="view_unreviewed_statement"))
    assert len(ids(reader_client.get(f"{API}/statements/"))) == 3


def test_a_verified_answer_to_an_unreviewed_statement_does_not_show_it(api_client, curator_client, statuses):
    answer = StatementFactory(text="a verified answer", in_reply_to=statuses[CurationStatus.DRAFT])
    assert api_client.get(f"{API}/statements/{answer.pk}/").json()["in_reply_to"] is None
    assert curator_client.get(f"{API}/statements/{answer.pk}/").json()["in_reply_to"]["id"] == answer.in_reply_to_id
    verified_answer = StatementFactory(in_reply_to=statuses[CurationStatus.VERIFIED])
    shown = api_client.get(f"{API}/statements/{verified_answer.pk}/").json()["in_reply_to"]
    assert shown["id"] == statuses[CurationStatus.VERIFIED].pk


def test_deleted_statements_the_public_never_saw_stay_unseen(api_client, curator_client, statuses):
    verified = statuses[CurationStatus.VERIFIED].pk
    for statement in statuses.values():
        services.record_delete(instance=statement)
    deleted = api_client.get(f"{API}/statements/deleted/").json()["results"]
    assert [row["id"] for row in deleted] == [verified]
    assert len(curator_client.get(f"{API}/statements/deleted/").json()["results"]) == 3


def test_the_public_export_has_verified_statements_only(api_client, curator_client, statuses):
    def exported(client) -> set[str]:
        response = client.get(f"{API}/export/statements.jsonl")
        assert response.status_code == 200
        lines = b"".join(response.streaming_content).decode().splitlines()[1:]
        return {record["text"] for record in map(json.loads, lines) if record["type"] == "statement"}

    assert exported(api_client) == {statuses[CurationStatus.VERIFIED].text}
    assert exported(curator_client) == {statement.text for statement in statuses.values()}


def test_a_writer_without_the_permission_gets_back_the_draft_they_wrote(reader, reader_client):
    reader.user_permissions.add(Permission.objects.get(codename="add_statement"))
    response = reader_client.post(f"{API}/statements/", {"kind": "paraphrase", "text": "a new draft"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == CurationStatus.DRAFT
    assert reader_client.get(response.json()["api_url"]).status_code == 404


def test_curators_names_are_shown_to_signed_in_readers_only(api_client, reader_client, curator_client):
    speaker = ActorFactory()
    created = curator_client.post(
        f"{API}/statements/",
        {"kind": "paraphrase", "text": "they spoke", "speaker": speaker.pk, "status": "verified"},
        format="json",
    ).json()
    url = created["api_url"]
    anonymous, signed_in = api_client.get(url).json(), reader_client.get(url).json()
    assert (anonymous["created_by"], anonymous["updated_by"]) == (None, None)
    assert (signed_in["created_by"], signed_in["updated_by"]) == ("curator", "curator")
    assert api_client.get(f"{url}history/").json()["results"][0]["history_user"] is None
    assert reader_client.get(f"{url}history/").json()["results"][0]["history_user"] == "curator"

    duplicate, kept = ActorFactory(), ActorFactory()
    merge = curator_client.post(f"{API}/actors/{duplicate.pk}/merge/", {"into": kept.pk}, format="json").json()
    assert api_client.get(f"{API}/actor-merges/{merge['id']}/").json()["merged_by"] is None
    assert reader_client.get(f"{API}/actor-merges/{merge['id']}/").json()["merged_by"] == "curator"

    curator_client.delete(url)
    assert api_client.get(f"{API}/statements/deleted/").json()["results"][0]["deleted_by"] is None
    assert reader_client.get(f"{API}/statements/deleted/").json()["results"][0]["deleted_by"] == "curator"


def test_every_statement_in_the_list_is_verified_for_the_public(api_client, statuses):
    assert Statement.objects.count() == 3
    assert {row["status"] for row in api_client.get(f"{API}/statements/").json()["results"]} == {"verified"}
