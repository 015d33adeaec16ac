"""One error format everywhere, and never a 500 whatever a client sends."""

import base64
import itertools
import json

import pytest
from django.test import override_settings

from statements.models import Actor, Communication, Participation, Source, Statement, Topic
from tests.api.helpers import API, RESOURCES, curated, error_attrs
from tests.factories import ActorFactory, SourceFactory, StatementFactory

pytestmark = pytest.mark.django_db

HUGE = 10**30


def test_malformed_json_is_400(curator_client):
    response = curator_client.post(f"{API}/actors/", '{"kind": "person", "name": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["errors"][0]["detail"]
    assert not Actor.objects.exists()


def test_a_body_that_is_not_json_is_415(curator_client):
    response = curator_client.post(
        f"{API}/actors/", "kind=person&name=X", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert error_attrs(response) == {None}
    assert not Actor.objects.exists()


@pytest.mark.parametrize(
    ("resource", "payload", "field"),
    [
        ("actors", {"kind": "person", "name": ["a", "list"]}, "name"),
        ("actors", {"kind": "person", "name": "X", "affiliation": "abc"}, "affiliation"),
        ("actors", {"kind": "person", "name": "X", "affiliation": 999999}, "affiliation"),
        ("actors", {"kind": "person", "name": "X", "affiliation": {"id": 1}}, "affiliation"),
        ("actors", {"kind": "person", "name": "X", "aliases": "not a list"}, "aliases"),
        ("actors", {"kind": "person", "name": "X", "country": "ZZ"}, "country"),
        ("actors", {"kind": "person", "name": "X", "wikidata_id": "6279"}, "wikidata_id"),
        ("positions", {"actor": "abc", "title": "Minister", "country": "US"}, "actor"),
        ("places", {"name": "X", "latitude": 91, "longitude": 0}, "latitude"),
        ("places", {"name": "X", "latitude": "10"}, "longitude"),
        ("topics", {"slug": "not a slug!"}, "slug"),
        ("sources", {"kind": "news_article", "title": "T", "body": "B", "url": "not a url"}, "url"),
        ("sources", {"kind": "news_article", "title": "T", "body": "   "}, "body"),
        (
            "communications",
            {"kind": "phone_call", "title": "T", "participants": [{"actor": "abc"}]},
            "participants.0.actor",
        ),
        ("communications", {"kind": "phone_call", "title": "T", "duration_minutes": -5}, "duration_minutes"),
        ("communications", {"kind": "phone_call", "title": "T", "topics": ["abc"]}, "topics"),
        ("statements", {"kind": "paraphrase", "text": "T", "speaker": "abc"}, "speaker"),
        ("statements", {"kind": "paraphrase", "text": "T", "span_start": "ten"}, "span_start"),
        ("statements", {"kind": "paraphrase", "text": {"nested": "object"}}, "text"),
    ],
)
def test_wrong_types_and_unknown_ids_name_the_field(curator_client, resource, payload, field):
    response = curator_client.post(f"{API}/{resource}/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in error_attrs(response)


@pytest.mark.parametrize(
    ("resource", "make_payload", "field", "model"),
    [
        ("actors", lambda: {"kind": "person", "name": "Y", "slug": ActorFactory().slug}, "slug", Actor),
        ("topics", lambda: {"slug": "taken", "parent": Topic.objects.create(slug="taken", name="T").pk}, "slug", Topic),
        ("sources", lambda: {"kind": "other", "title": "Again", "body": SourceFactory().body}, "body", Source),
        (
            "sources",
            lambda: {"kind": "other", "title": "Late", "body": "B", "date": "2024-02-15", "date_precision": "year"},
            "date",
            Source,
        ),
        (
            "communications",
            lambda: {"kind": "meeting", "title": "T", "date": "2024-02-15", "date_precision": "week"},
            "date",
            Communication,
        ),
        (
            "statements",
            lambda: {"kind": "paraphrase", "text": "T", "date": "2024-02-02", "date_precision": "month"},
            "date",
            Statement,
        ),
    ],
)
def test_constraint_violations_name_the_field_and_save_nothing(curator_client, resource, make_payload, field, model):
    payload = make_payload()
    before = model.objects.count()
    response = curator_client.post(f"{API}/{resource}/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in error_attrs(response)
    assert model.objects.count() == before


def test_direct_quote_whose_span_reads_other_words_is_rejected_on_text(curator_client):
    source = SourceFactory(body="We will talk again, the minister said.")
    payload = {"kind": "direct_quote", "text": "We will talk", "source": source.pk, "span_start": 3, "span_end": 15}
    response = curator_client.post(f"{API}/statements/", payload, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"text"}
    assert not Statement.objects.exists()


def test_duplicate_participants_leave_no_communication_behind(curator_client):
    """The communication row is saved before its participants are checked; the transaction must undo it."""
    actor = ActorFactory()
    payload = {
        "kind": "phone_call",
        "title": "Twice the same",
        "participants": [{"actor": actor.pk, "role": "participant"}, {"actor": actor.pk, "role": "participant"}],
    }
    response = curator_client.post(f"{API}/communications/", payload, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"participants"}
    assert not Communication.objects.exists()
    assert not Participation.objects.exists()


def test_failed_update_changes_nothing(curator_client):
    communication = Communication.objects.create(kind="meeting", title="Before")
    actor = ActorFactory()
    payload = {"title": "After", "participants": [{"actor": actor.pk}, {"actor": actor.pk}]}
    response = curator_client.patch(f"{API}/communications/{communication.pk}/", payload, format="json")
    assert response.status_code == 400
    communication.refresh_from_db()
    assert communication.title == "Before"
    assert not Participation.objects.exists()


def test_statement_with_valid_fields_but_a_bad_span_leaves_nothing(curator_client):
    source = SourceFactory()
    speaker = ActorFactory()
    topic = Topic.objects.create(slug="t", name="T")
    payload = {
        "kind": "paraphrase",
        "text": "they will talk",
        "speaker": speaker.pk,
        "topics": [topic.pk],
        "addressees": [speaker.pk],
        "source": source.pk,
        "span_start": 5,
        "span_end": 10**6,
    }
    response = curator_client.post(f"{API}/statements/", payload, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"span_end"}
    assert not Statement.objects.exists()
    assert not Statement.topics.through.objects.exists()


@pytest.mark.parametrize(
    ("resource", "key"),
    [
        ("actors", "actor:white-house"),  # speaker, participant, affiliation
        ("actors", "actor:cnn"),  # reported statements, participant
        ("communications", "communication:call-thu"),  # statements, readouts regarding it
        ("sources", None),  # every statement
        ("topics", "topic:hostage-negotiations"),  # many-to-many only: links are dependents too
    ],
)
def test_delete_of_a_record_others_depend_on_is_409(curator_client, demo_data, resource, key):
    model = {"actors": Actor, "communications": Communication, "sources": Source, "topics": Topic}[resource]
    record = curated(model, key) if key else Source.objects.get()
    counts_before = {m: m.objects.count() for m in (Actor, Communication, Source, Statement, Topic, Participation)}
    links_before = Statement.topics.through.objects.count()
    response = curator_client.delete(f"{API}/{resource}/{record.pk}/")
    assert response.status_code == 409
    assert response.json()["type"] == "client_error"
    assert response.json()["errors"][0]["code"] == "conflict"
    assert "depend" in response.json()["errors"][0]["detail"]
    assert {m: m.objects.count() for m in counts_before} == counts_before
    assert Statement.topics.through.objects.count() == links_before


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/nothing/"), ("get", "/statements/1/extra/"), ("post", "/nothing/"), ("get", "/actors/abc/")],
)
def test_unknown_url_is_404_json(api_client, db, method, path):
    response = getattr(api_client, method)(f"{API}{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert error_attrs(response) == {None}


@pytest.mark.parametrize(
    "path", ["/actors/999999/", "/statements/999999/", f"/actors/{HUGE}/", "/sources/1/statements/"]
)
def test_unknown_record_is_404_json(api_client, db, path):
    response = api_client.get(f"{API}{path}")
    assert response.status_code == 404
    assert error_attrs(response) == {None}


def test_missing_trailing_slash_on_get_redirects_permanently(api_client, db):
    response = api_client.get(f"{API}/statements?status=draft")
    assert response.status_code == 301
    assert response["Location"].endswith("/api/v1/statements/?status=draft")


def test_missing_trailing_slash_on_post_is_404_with_a_hint(curator_client):
    response = curator_client.post(f"{API}/actors", {"kind": "person", "name": "X"}, format="json")
    assert response.status_code == 404
    assert "trailing slash" in response.json()["errors"][0]["detail"]
    assert not Actor.objects.exists()


def test_method_not_allowed_is_405_in_the_error_format(curator_client):
    response = curator_client.post(f"{API}/actors/1/statements/", {}, format="json")
    assert response.status_code == 405
    assert error_attrs(response) == {None}


@override_settings(API_MAX_REQUEST_BYTES=100)
def test_request_over_the_size_limit_is_413(curator_client):
    payload = {"kind": "person", "name": "x" * 200}
    response = curator_client.post(f"{API}/actors/", payload, format="json")
    assert response.status_code == 413
    assert response.json()["type"] == "client_error"
    assert error_attrs(response) == {None}
    assert not Actor.objects.exists()
    small = curator_client.post(f"{API}/actors/", {"kind": "person", "name": "x"}, format="json")
    assert small.status_code == 201


#: Values a careless or hostile client might send in place of any field.
WEIRD_VALUES = [
    None,
    "",
    HUGE,
    -1,
    1.5,
    True,
    "\u0000",
    "\U0001f600 \u00fcn\u00efc\u00f6d\u00e9 \u202e",
    "x" * 5000,
    [],
    [HUGE],
    ["abc"],
    {"id": 1},
    "2024-13-45",
]

#: A valid create payload per resource; each test case replaces one field with a weird value.
VALID_PAYLOADS = {
    "actors": {"kind": "person", "name": "Ann", "aliases": ["A"], "country": "US", "affiliation": None},
    "positions": {"actor": "ACTOR", "title": "Minister", "country": "US", "start_date": "2024-01-01"},
    "places": {"name": "Town", "kind": "city", "latitude": "1.5", "longitude": "2.5", "parent": None},
    "topics": {"slug": "a-topic", "name": "A topic", "parent": None},
    "sources": {"kind": "news_article", "title": "T", "body": "Fresh body", "publisher": "ACTOR", "authors": ["ACTOR"]},
    "communications": {
        "kind": "phone_call",
        "title": "Call",
        "date": "2024-02-15",
        "date_precision": "day",
        "duration_minutes": 10,
        "participants": [{"actor": "ACTOR", "role": "participant"}],
        "topics": [],
        "regarding": None,
    },
    "statements": {
        "kind": "direct_quote",
        "text": "We will talk again",
        "source": "SOURCE",
        "span_start": None,
        "span_end": None,
        "speaker": "ACTOR",
        "addressees": ["ACTOR"],
        "in_reply_to": None,
        "date": None,
        "date_precision": "unknown",
    },
}


def _weird_cases():
    for resource, payload in VALID_PAYLOADS.items():
        for field, value in itertools.product([*payload, "participants.actor"], WEIRD_VALUES):
            if field == "participants.actor" and resource != "communications":
                continue
            yield resource, field, value


def _fill(value, actor, source):
    if value == "ACTOR":
        return actor.pk
    if value == "SOURCE":
        return source.pk
    if isinstance(value, list):
        return [_fill(item, actor, source) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, actor, source) for key, item in value.items()}
    return value


def test_weird_payloads_never_cause_a_server_error(curator_client):
    """Every create endpoint, every field, every weird value: a 2xx or a 4xx in the error format, never a 500."""
    actor = ActorFactory()
    source = SourceFactory(body='Article. "We will talk again," the minister said.')
    failures = []
    for resource, field, value in _weird_cases():
        payload = _fill(VALID_PAYLOADS[resource], actor, source)
        if field == "participants.actor":
            payload["participants"] = [{"actor": value, "role": "participant"}]
        else:
            payload[field] = value
        response = curator_client.post(f"{API}/{resource}/", payload, format="json")
        if response.status_code >= 500:
            failures.append((resource, field, value, response.status_code))
        elif response.status_code >= 400:
            error_attrs(response)
        elif response.status_code == 201:
            # Remove it so the next payload's unique values (slugs, bodies) are free again.
            assert curator_client.delete(response.json()["api_url"]).status_code == 204, (resource, field, value)
    assert failures == []


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("body", ["[]", "null", "42", '"text"', "[{}]"])
def test_json_that_is_not_an_object_is_400(curator_client, resource, body):
    response = curator_client.post(f"{API}/{resource}/", body, content_type="application/json")
    assert response.status_code == 400
    error_attrs(response)


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize("value", [None, HUGE, "abc", {"id": 1}, [1]])
def test_weird_updates_never_cause_a_server_error(curator_client, method, value):
    statement = StatementFactory()
    for field in ["speaker", "span_start", "text", "date", "topics", "status", "in_reply_to"]:
        payload = {"kind": "paraphrase", "text": "x", field: value}
        response = getattr(curator_client, method)(f"{API}/statements/{statement.pk}/", payload, format="json")
        assert response.status_code < 500, (field, value)


def _cursor(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "values",
    [
        ["2024-02-15"],  # too few
        ["not-a-date", 1],
        [{"a": 1}, 1],
        [None, 1],
        ["2024-02-15", "abc"],
        ["2024-02-15", HUGE],
        ["2024-02-15", -HUGE],
        ["2024-02-15", None],
        [[1], [2]],
        [True, False],
    ],
)
def test_forged_cursor_is_400_naming_cursor(api_client, db, values):
    StatementFactory()
    cursor = _cursor({"ordering": "-date", "direction": "next", "values": values})
    response = api_client.get(f"{API}/statements/", {"cursor": cursor})
    assert response.status_code == 400
    assert error_attrs(response) == {"cursor"}


@pytest.mark.parametrize(
    ("query", "values"),
    [
        ({"ordering": "-created"}, ["yesterday", 1]),
        ({"ordering": "updated"}, [HUGE, 1]),
        ({"ordering": "relevance", "q": "talk"}, ["abc", 1]),
        ({"ordering": "relevance", "q": "talk"}, [None, 1]),
    ],
)
def test_forged_cursor_for_other_orderings_is_400(api_client, db, query, values):
    StatementFactory()
    cursor = _cursor({"ordering": query["ordering"], "direction": "previous", "values": values})
    response = api_client.get(f"{API}/statements/", {**query, "cursor": cursor})
    assert response.status_code == 400
    assert error_attrs(response) == {"cursor"}


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "!!!",
        "\u00e9t\u00e9",
        _cursor([]),
        _cursor({"ordering": "date", "direction": "next", "values": ["2024-02-15", 1]}),  # other ordering
        _cursor({"ordering": "-date", "direction": "sideways", "values": ["2024-02-15", 1]}),
    ],
)
def test_invalid_cursor_is_400_naming_cursor(api_client, db, cursor):
    response = api_client.get(f"{API}/statements/", {"cursor": cursor})
    assert response.status_code == 400
    assert error_attrs(response) == {"cursor"}


def test_choice_and_date_errors_say_what_would_be_right(curator_client):
    listed = curator_client.get("/api/v1/statements/", {"kind": "rumour", "date_after": "2024-13-01"}).json()
    details = {error["attr"]: error["detail"] for error in listed["errors"]}
    assert details["kind"] == "rumour is not one of the choices: direct_quote, paraphrase."
    assert details["date_after"] == "Enter a valid date as YYYY-MM-DD."
    written = curator_client.post("/api/v1/actors/", {"kind": "alien", "name": "X"}, format="json").json()
    [error] = written["errors"]
    assert error["attr"] == "kind"
    assert error["detail"].startswith('"alien" is not one of the choices: person, organization')
