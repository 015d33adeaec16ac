"""Statements: create, read, replace, change and delete, and the representation a client gets."""

import pytest

from statements.choices import CurationStatus, StatementKind
from statements.models import Actor, Communication, Place, Source, Statement, Topic
from statements.selectors import QUOTE_CONTEXT_CHARACTERS
from tests.api.helpers import API, assert_iso_datetime, curated, error_attrs
from tests.factories import ActorFactory, SourceFactory, StatementFactory

pytestmark = pytest.mark.django_db

BRIEF_ACTOR_FIELDS = {"id", "api_url", "name", "kind"}


def statement_url(statement) -> str:
    return f"{API}/statements/{statement.pk}/"


def test_statement_embeds_its_relations_in_brief(api_client, demo_data):
    statement = curated(Statement, "statement:s1")
    response = api_client.get(statement_url(statement))
    assert response.status_code == 200
    body = response.json()
    assert body["api_url"] == f"http://testserver{statement_url(statement)}"
    assert body["speaker"] == {
        "id": curated(Actor, "actor:biden").pk,
        "api_url": f"http://testserver{API}/actors/{curated(Actor, 'actor:biden').pk}/",
        "name": "Joe Biden",
        "kind": "person",
    }
    call = curated(Communication, "communication:call-thu")
    assert {key: body["communication"][key] for key in ("id", "kind", "title", "date")} == {
        "id": call.pk,
        "kind": "phone_call",
        "title": "Biden-Netanyahu phone call",
        "date": "2024-02-15",
    }
    source = Source.objects.get()
    assert {key: body["source"][key] for key in ("id", "title", "url")} == {
        "id": source.pk,
        "title": "Biden and Netanyahu",
        "url": None,
    }
    assert [addressee["name"] for addressee in body["addressees"]] == ["Benjamin Netanyahu"]
    assert body["reported_by"]["name"] == "The White House"
    assert [topic["slug"] for topic in body["topics"]] == ["hostage-negotiations"]
    assert [actor["name"] for actor in body["mentioned_actors"]] == ["Hamas"]
    for embedded in [body["speaker"], body["reported_by"], *body["addressees"], *body["mentioned_actors"]]:
        assert set(embedded) == BRIEF_ACTOR_FIELDS
    for embedded in [body["communication"], body["source"], *body["topics"]]:
        assert embedded["api_url"].startswith("http://testserver/api/v1/")
    assert_iso_datetime(body["created_at"])
    assert_iso_datetime(body["updated_at"])


@pytest.mark.parametrize("key", [f"statement:s{number}" for number in range(1, 12)])
def test_selectors_reproduce_the_source_body(api_client, demo_data, key):
    statement = curated(Statement, key)
    body = Source.objects.get().body
    selectors = api_client.get(statement_url(statement)).json()["selectors"]
    start, end = statement.span_start, statement.span_end
    assert selectors["text_position"] == {"type": "TextPositionSelector", "start": start, "end": end}
    width = QUOTE_CONTEXT_CHARACTERS
    assert selectors["text_quote"] == {
        "type": "TextQuoteSelector",
        "exact": body[start:end],
        "prefix": body[max(0, start - width) : start],
        "suffix": body[end : end + width],
    }
    if statement.kind == StatementKind.DIRECT_QUOTE:
        assert selectors["text_quote"]["exact"] == statement.text


@pytest.mark.parametrize(
    ("text", "expected_prefix", "expected_suffix"),
    [
        ("Alpha", "", " beta gamma"),  # at the very start: no prefix
        ("gamma", "Alpha beta ", ""),  # at the very end: no suffix
    ],
)
def test_selectors_at_the_edges_of_the_body(api_client, text, expected_prefix, expected_suffix):
    source = SourceFactory(body="Alpha beta gamma")
    statement = StatementFactory(kind=StatementKind.DIRECT_QUOTE, text=text, source=source)
    statement.full_clean()
    statement.save()
    selectors = api_client.get(statement_url(statement)).json()["selectors"]
    assert selectors["text_quote"] == {
        "type": "TextQuoteSelector",
        "exact": text,
        "prefix": expected_prefix,
        "suffix": expected_suffix,
    }
    # The list computes the context in the database; it must agree with the detail.
    listed = api_client.get(f"{API}/statements/").json()["results"]
    assert [row["selectors"] for row in listed] == [selectors]


def test_unanchored_statement_has_no_selectors(api_client):
    statement = StatementFactory()
    assert api_client.get(statement_url(statement)).json()["selectors"] is None


def test_list_and_detail_agree(api_client, demo_data):
    listed = {row["id"]: row for row in api_client.get(f"{API}/statements/").json()["results"]}
    assert len(listed) == 11
    for statement_id, row in listed.items():
        assert api_client.get(f"{API}/statements/{statement_id}/").json() == row


@pytest.fixture
def write_refs(demo_data):
    """Demo records a new statement refers to."""
    return {
        "speaker": curated(Actor, "actor:netanyahu"),
        "addressee": curated(Actor, "actor:biden"),
        "reported_by": curated(Actor, "actor:cnn"),
        "mentioned": curated(Actor, "actor:hamas"),
        "communication": curated(Communication, "communication:netanyahu-remarks"),
        "source": Source.objects.get(),
        "topic": curated(Topic, "topic:gaza-war"),
        "place": curated(Place, "place:rafah"),
    }


def full_statement_payload(refs, **changes):
    payload = {
        "kind": "direct_quote",
        "text": "strong military pressure and very firm negotiations",
        "speaker": refs["speaker"].pk,
        "speaker_as_written": "Netanyahu",
        "addressees": [refs["addressee"].pk],
        "reported_by": refs["reported_by"].pk,
        "communication": refs["communication"].pk,
        "source": refs["source"].pk,
        "topics": [refs["topic"].pk],
        "mentioned_actors": [refs["mentioned"].pk],
        "mentioned_places": [refs["place"].pk],
        "date": "2024-02-15",
        "date_precision": "day",
        "date_expression": "on Thursday",
        "status": "draft",
    }
    return {**payload, **changes}


def test_create_anchors_a_direct_quote_and_stores_every_relation(curator_client, curator, write_refs):
    payload = full_statement_payload(write_refs)
    response = curator_client.post(f"{API}/statements/", payload, format="json")
    assert response.status_code == 201, response.json()
    statement = Statement.objects.get(pk=response.json()["id"])
    body = write_refs["source"].body
    assert body[statement.span_start : statement.span_end] == payload["text"]
    assert (statement.speaker, statement.reported_by, statement.communication, statement.source) == (
        write_refs["speaker"],
        write_refs["reported_by"],
        write_refs["communication"],
        write_refs["source"],
    )
    assert list(statement.addressees.all()) == [write_refs["addressee"]]
    assert list(statement.topics.all()) == [write_refs["topic"]]
    assert list(statement.mentioned_actors.all()) == [write_refs["mentioned"]]
    assert list(statement.mentioned_places.all()) == [write_refs["place"]]
    assert str(statement.date) == "2024-02-15"
    assert statement.created_by == curator
    assert statement.updated_by == curator
    # The response is what a later read returns.
    assert response.json() == curator_client.get(statement_url(statement)).json()
    assert response.json()["created_by"] == "curator"


def test_put_replaces_fields_and_relations(curator_client, write_refs):
    statement = curated(Statement, "statement:s11")
    payload = full_statement_payload(write_refs, kind="paraphrase", text="Netanyahu says pressure works", topics=[])
    payload.update(source=None, span_start=None, span_end=None)
    response = curator_client.put(statement_url(statement), payload, format="json")
    assert response.status_code == 200, response.json()
    statement.refresh_from_db()
    assert statement.kind == StatementKind.PARAPHRASE
    assert statement.text == "Netanyahu says pressure works"
    assert statement.source is None
    assert (statement.span_start, statement.span_end) == (None, None)
    assert list(statement.topics.all()) == []
    assert list(statement.addressees.all()) == [write_refs["addressee"]]
    assert statement.status == CurationStatus.DRAFT
    assert statement.updated_by.username == "curator"


def test_patch_changes_only_what_it_names(curator_client, demo_data):
    statement = curated(Statement, "statement:s7")
    before_topics = list(statement.topics.all())
    response = curator_client.patch(statement_url(statement), {"status": "rejected"}, format="json")
    assert response.status_code == 200, response.json()
    statement.refresh_from_db()
    assert statement.status == CurationStatus.REJECTED
    assert statement.text == "the two leaders discussed a deal to secure the release of hostages in Gaza at length"
    assert list(statement.topics.all()) == before_topics
    assert response.json()["status"] == "rejected"


def test_patch_can_clear_a_to_many_relation(curator_client, demo_data):
    statement = curated(Statement, "statement:s2")
    response = curator_client.patch(statement_url(statement), {"mentioned_actors": []}, format="json")
    assert response.status_code == 200
    assert statement.mentioned_actors.count() == 0


def test_delete_removes_the_statement(curator_client, demo_data):
    statement = curated(Statement, "statement:s9")
    response = curator_client.delete(statement_url(statement))
    assert response.status_code == 204
    assert not Statement.objects.filter(pk=statement.pk).exists()
    assert Statement.objects.count() == 10


def test_delete_of_a_statement_answered_by_another_is_refused(curator_client):
    original = StatementFactory()
    StatementFactory(in_reply_to=original)
    response = curator_client.delete(statement_url(original))
    assert response.status_code == 409
    assert error_attrs(response) == {None}
    assert Statement.objects.filter(pk=original.pk).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": "strong military pressure and very firm negotiation!"}, "text"),  # not in the body
        ({"span_start": 0, "span_end": 10}, "text"),  # span reads other words
        ({"span_start": 10}, "span_end"),  # half a span
        ({"span_start": 0, "span_end": 10**6}, "span_end"),  # past the body
        ({"kind": "paraphrase", "source": None, "span_start": 0, "span_end": 4}, "source"),  # span without source
        ({"date": "2024-02-15", "date_precision": "month"}, "date"),  # date does not fit precision
        ({"date": None, "date_precision": "day"}, "date"),
        ({"status": "verified", "speaker": None}, "speaker"),
        ({"kind": "bogus"}, "kind"),
        ({"text": ""}, "text"),
        ({"speaker": "abc"}, "speaker"),
        ({"speaker": 999999}, "speaker"),
        ({"topics": [999999]}, "topics"),
        ({"addressees": "abc"}, "addressees"),
        ({"text": ["a", "list"]}, "text"),
    ],
)
def test_rejected_create_names_the_field_and_saves_nothing(curator_client, write_refs, changes, field):
    before = Statement.objects.count()
    response = curator_client.post(f"{API}/statements/", full_statement_payload(write_refs, **changes), format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["type"] == "validation_error"
    assert field in error_attrs(response)
    assert Statement.objects.count() == before


def test_created_by_and_uuid_cannot_be_forged(curator_client, write_refs, django_user_model):
    other = django_user_model.objects.create_user("someone-else")
    payload = full_statement_payload(
        write_refs, created_by=other.pk, uuid="00000000-0000-0000-0000-000000000000", id=123456
    )
    response = curator_client.post(f"{API}/statements/", payload, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"created_by", "uuid", "id"}
    assert not Statement.objects.filter(pk=123456).exists()
    for forged in ("created_by", "uuid", "id"):
        payload.pop(forged)
    response = curator_client.post(f"{API}/statements/", payload, format="json")
    assert response.status_code == 201
    assert Statement.objects.get(pk=response.json()["id"]).created_by.username == "curator"


def test_position_must_be_one_the_speaker_held(curator_client, write_refs):
    biden_presidency = curated(Actor, "actor:biden").positions.get()
    payload = full_statement_payload(write_refs, position=biden_presidency.pk)
    response = curator_client.post(f"{API}/statements/", payload, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"position"}


def test_reply_to_another_statement(curator_client, demo_data):
    original = curated(Statement, "statement:s11")
    payload = {"kind": "paraphrase", "text": "Hamas rejects the demand", "in_reply_to": original.pk}
    response = curator_client.post(f"{API}/statements/", payload, format="json")
    assert response.status_code == 201
    assert response.json()["in_reply_to"]["id"] == original.pk
    assert Statement.objects.get(pk=response.json()["id"]).in_reply_to == original


def test_statement_cannot_reply_to_itself(curator_client):
    statement = StatementFactory()
    response = curator_client.patch(statement_url(statement), {"in_reply_to": statement.pk}, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"in_reply_to"}
    statement.refresh_from_db()
    assert statement.in_reply_to is None


def test_unknown_statement_is_404(api_client, db):
    response = api_client.get(f"{API}/statements/999999/")
    assert response.status_code == 404
    assert error_attrs(response) == {None}


def test_speaker_filter_still_lists_a_speakers_statement_after_update(curator_client):
    speaker = ActorFactory()
    statement = StatementFactory(speaker=speaker)
    new_speaker = ActorFactory()
    curator_client.patch(statement_url(statement), {"speaker": new_speaker.pk}, format="json")
    assert curator_client.get(f"{API}/statements/?speaker={speaker.pk}").json()["results"] == []
    assert [
        row["id"] for row in curator_client.get(f"{API}/statements/?speaker={new_speaker.pk}").json()["results"]
    ] == [statement.pk]


def test_a_date_sent_without_a_precision_is_a_day(curator_client):
    response = curator_client.post(
        "/api/v1/statements/", {"kind": "paraphrase", "text": "Talks went well.", "date": "2024-02-15"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["date"], response.json()["date_precision"]) == ("2024-02-15", "day")
