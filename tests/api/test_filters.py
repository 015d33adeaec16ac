"""Every filter of every list, checked against the demo curation, and invalid filter values."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from statements import services
from statements.models import Actor, Communication, Place, Source, Statement, Topic
from tests.api.helpers import API, curated, error_attrs, ids
from tests.factories import ActorFactory, SourceFactory, StatementFactory

pytestmark = pytest.mark.django_db

ALL_STATEMENTS = {f"s{number}" for number in range(1, 12)}
DATED_STATEMENTS = {"s1", "s2", "s3", "s4", "s5", "s6"}  # said in communications of 2024-02-15


def resolve(query: dict) -> dict:
    """A query whose values name demo records as "model:key" (or lists of them), with ids in their place."""
    models = {"actor": Actor, "communication": Communication, "topic": Topic, "place": Place}

    def value_of(value):
        if isinstance(value, str) and value.split(":")[0] in models:
            return curated(models[value.split(":")[0]], value).pk
        if value == "the-source":
            return Source.objects.get().pk
        return value

    return {
        name: [value_of(v) for v in value] if isinstance(value, list) else value_of(value)
        for name, value in query.items()
    }


#: Curation keys of the demo records, per model.
CURATION_KEYS = {
    Statement: sorted(ALL_STATEMENTS),
    Communication: [
        "call-thu",
        "wh-readout",
        "pmo-statement",
        "call-sun",
        "cnn-briefing",
        "cairo-talks",
        "netanyahu-remarks",
    ],
    Actor: [
        "biden",
        "netanyahu",
        "white-house",
        "pmo-israel",
        "hamas",
        "cnn",
        "senior-admin-official",
        "us-official",
        "israeli-delegation",
        "gpo",
    ],
}


def listed_keys(response, model) -> set[str]:
    """The curation keys of the demo records a list response holds."""
    assert response.status_code == 200, response.json()
    prefix = model._meta.model_name
    key_of = {curated(model, f"{prefix}:{key}").pk: key for key in CURATION_KEYS[model]}
    return {key_of[row_id] for row_id in ids(response)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ALL_STATEMENTS),
        ({"speaker": "actor:netanyahu"}, {"s10", "s11"}),
        ({"speaker": ["actor:netanyahu", "actor:biden"]}, {"s1", "s10", "s11"}),
        ({"speaker_kind": "unnamed_source"}, {"s7", "s8", "s9"}),
        ({"speaker_kind": ["person", "unnamed_source"]}, {"s1", "s7", "s8", "s9", "s10", "s11"}),
        ({"addressee": "actor:netanyahu"}, {"s1"}),
        ({"reported_by": "actor:cnn"}, {"s7", "s8"}),
        ({"reported_by": "actor:white-house"}, {"s1"}),
        ({"mentioned_actor": "actor:hamas"}, {"s1", "s2", "s11"}),
        ({"mentioned_actor": "actor:biden"}, {"s2", "s3", "s4", "s5"}),
        ({"communication": "communication:wh-readout"}, {"s2", "s3", "s4"}),
        ({"communication_kind": "background_briefing"}, {"s7", "s8"}),
        ({"communication_kind": "public_remarks"}, {"s10", "s11"}),
        ({"source": "the-source"}, ALL_STATEMENTS),
        ({"topic": "topic:humanitarian-aid"}, {"s3", "s6"}),
        ({"topic": "topic:gaza-war"}, {"s6"}),
        ({"topic": ["topic:gaza-war", "topic:rafah-operation"]}, {"s4", "s6"}),
        ({"place": "place:cairo"}, {"s9"}),
        ({"place": "place:rafah"}, set()),
        ({"kind": "direct_quote"}, {"s2", "s3", "s4", "s10", "s11"}),
        ({"kind": "paraphrase"}, {"s1", "s5", "s6", "s7", "s8", "s9"}),
        ({"status": "verified"}, ALL_STATEMENTS),
        ({"status": "draft"}, set()),
        ({"date_after": "2024-02-15"}, DATED_STATEMENTS),
        ({"date_after": "2024-02-16"}, set()),
        ({"date_before": "2024-02-15"}, DATED_STATEMENTS),
        ({"date_before": "2024-02-14"}, set()),
        ({"date_after": "2024-02-15", "date_before": "2024-02-15"}, DATED_STATEMENTS),
        ({"q": "Rafah"}, {"s4", "s6"}),
        ({"q": "delusional"}, {"s11"}),
        ({"q": "framework"}, {"s8"}),
        ({"q": "military pressure"}, {"s10"}),
        ({"q": "zebra"}, set()),
        ({"speaker": "actor:white-house", "topic": "topic:rafah-operation"}, {"s4"}),
        ({"speaker_kind": "government_body", "q": "Rafah"}, {"s4", "s6"}),
    ],
)
def test_statement_filters(api_client, demo_data, query, expected):
    response = api_client.get(f"{API}/statements/", resolve(query))
    assert listed_keys(response, Statement) == expected


def test_topic_filter_includes_narrower_topics(api_client, demo_data):
    gaza_war = curated(Topic, "topic:gaza-war")
    rafah_operation = curated(Topic, "topic:rafah-operation")
    services.topic_update(topic=rafah_operation, parent=gaza_war)
    grandchild = services.topic_create(slug="rafah-evacuation", parent=rafah_operation)
    statement = StatementFactory()
    statement.topics.set([grandchild])
    response = api_client.get(f"{API}/statements/", {"topic": gaza_war.pk})
    assert set(ids(response)) == {
        curated(Statement, "statement:s4").pk,
        curated(Statement, "statement:s6").pk,
        statement.pk,
    }
    communications = api_client.get(f"{API}/communications/", {"topic": gaza_war.pk})
    # The Thursday call is about both; the narrower topic adds nothing new, but must not duplicate it.
    assert ids(communications) == [curated(Communication, "communication:call-thu").pk]


def test_place_filter_includes_statements_said_in_a_communication_there(api_client, demo_data):
    cairo = curated(Place, "place:cairo")
    talks = curated(Communication, "communication:cairo-talks")
    statement = StatementFactory(communication=talks)
    response = api_client.get(f"{API}/statements/", {"place": cairo.pk})
    assert set(ids(response)) == {curated(Statement, "statement:s9").pk, statement.pk}


def test_updated_since_returns_only_later_changes(curator_client, demo_data):
    past = timezone.now() - datetime.timedelta(days=3)
    Statement.objects.update(updated_at=past)
    Communication.objects.update(updated_at=past)
    Actor.objects.update(updated_at=past)
    statement = curated(Statement, "statement:s5")
    services.statement_update(statement=statement, status="rejected")
    communication = curated(Communication, "communication:call-sun")
    services.communication_update(communication=communication, summary="A second call.")
    actor = curated(Actor, "actor:gpo")
    services.actor_update(actor=actor, description="Israel's press office.")
    since = (past + datetime.timedelta(days=1)).isoformat()
    assert ids(curator_client.get(f"{API}/statements/", {"updated_since": since})) == [statement.pk]
    assert ids(curator_client.get(f"{API}/communications/", {"updated_since": since})) == [communication.pk]
    assert ids(curator_client.get(f"{API}/actors/", {"updated_since": since})) == [actor.pk]
    assert len(ids(curator_client.get(f"{API}/statements/", {"updated_since": past.isoformat()}))) == 11


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {},
            {"call-thu", "wh-readout", "pmo-statement", "call-sun", "cnn-briefing", "cairo-talks", "netanyahu-remarks"},
        ),
        ({"participant": "actor:biden"}, {"call-thu", "call-sun"}),
        ({"participant": "actor:netanyahu"}, {"call-thu", "call-sun", "netanyahu-remarks"}),
        # Repeated: only the communications both took part in.
        ({"participant": ["actor:biden", "actor:netanyahu"]}, {"call-thu", "call-sun"}),
        ({"participant": ["actor:netanyahu", "actor:senior-admin-official"]}, set()),
        ({"participant": "actor:white-house"}, {"wh-readout"}),
        ({"participant": "actor:netanyahu", "participant_role": "speaker"}, {"netanyahu-remarks"}),
        ({"participant_role": "issuer"}, {"wh-readout", "pmo-statement"}),
        ({"kind": "phone_call"}, {"call-thu", "call-sun"}),
        ({"kind": ["readout", "press_statement"]}, {"wh-readout", "pmo-statement"}),
        ({"topic": "topic:hostage-negotiations"}, {"call-thu", "call-sun", "cairo-talks", "netanyahu-remarks"}),
        ({"topic": "topic:humanitarian-aid"}, {"call-thu"}),
        ({"place": "place:cairo"}, {"cairo-talks"}),
        ({"regarding": "communication:call-thu"}, {"wh-readout", "pmo-statement"}),
        (
            {"source": "the-source"},
            {"call-thu", "wh-readout", "pmo-statement", "call-sun", "cnn-briefing", "cairo-talks", "netanyahu-remarks"},
        ),
        ({"date_after": "2024-02-12", "date_before": "2024-02-14"}, {"cairo-talks"}),
        ({"date_before": "2024-02-11"}, {"call-sun"}),
        ({"date_after": "2024-02-15"}, {"call-thu", "wh-readout", "pmo-statement"}),
        ({"q": "Cairo"}, {"cairo-talks"}),
        ({"q": "readout"}, {"wh-readout"}),
        ({"q": "zebra"}, set()),
        ({"participant": "actor:biden", "date_before": "2024-02-12"}, {"call-sun"}),
    ],
)
def test_communication_filters(api_client, demo_data, query, expected):
    response = api_client.get(f"{API}/communications/", resolve(query))
    assert listed_keys(response, Communication) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "person"}, {"biden", "netanyahu"}),
        ({"kind": "unnamed_source"}, {"senior-admin-official", "us-official"}),
        ({"kind": ["media_outlet", "organization"]}, {"cnn", "hamas"}),
        ({"country": "IL"}, {"netanyahu", "pmo-israel", "israeli-delegation", "gpo"}),
        ({"country": "il"}, {"netanyahu", "pmo-israel", "israeli-delegation", "gpo"}),
        ({"country": "PS"}, {"hamas"}),
        ({"affiliation": "actor:white-house"}, {"senior-admin-official"}),
        ({"wikidata_id": "Q6279"}, {"biden"}),
        ({"q": "netanyahu's office"}, {"pmo-israel"}),
        ({"q": "Netanyahu\u2019s office"}, {"pmo-israel"}),
        ({"q": "NETANYAHU"}, {"netanyahu", "pmo-israel"}),
        ({"q": "gpo"}, {"gpo"}),
        ({"q": "Israeli delegation"}, {"israeli-delegation"}),
        ({"q": "white house"}, {"white-house"}),
        ({"q": "zebra"}, set()),
        ({"kind": "government_body", "country": "IL"}, {"pmo-israel", "gpo"}),
    ],
)
def test_actor_filters(api_client, demo_data, query, expected):
    response = api_client.get(f"{API}/actors/", resolve(query))
    assert listed_keys(response, Actor) == expected


def test_actor_search_folds_accents(api_client, db):
    actor = services.actor_create(kind="person", name="Sergio Pérez", aliases=["Señor Pérez"])
    ActorFactory(name="Somebody else")
    assert ids(api_client.get(f"{API}/actors/", {"q": "senor perez"})) == [actor.pk]


@pytest.fixture
def sources():
    cnn, reuters = ActorFactory(name="CNN"), ActorFactory(name="Reuters")
    return {
        "early": SourceFactory(
            publisher=cnn,
            kind="news_article",
            date=datetime.date(2024, 1, 5),
            date_precision="day",
            body="Ceasefire talks begin.",
        ),
        "late": SourceFactory(
            publisher=reuters,
            kind="readout",
            date=datetime.date(2024, 3, 1),
            date_precision="day",
            body="Aid convoy reaches Gaza.",
        ),
        "undated": SourceFactory(publisher=None, kind="transcript", body="Transcript of the briefing on aid."),
        "cnn": cnn,
        "reuters": reuters,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"early", "late", "undated"}),
        ({"publisher": "cnn"}, {"early"}),
        ({"publisher": ["cnn", "reuters"]}, {"early", "late"}),
        ({"kind": "readout"}, {"late"}),
        ({"kind": ["readout", "transcript"]}, {"late", "undated"}),
        ({"date_after": "2024-02-01"}, {"late"}),
        ({"date_before": "2024-02-01"}, {"early"}),
        ({"date_after": "2024-01-05", "date_before": "2024-03-01"}, {"early", "late"}),
        ({"q": "convoy"}, {"late"}),
        ({"q": "aid"}, {"late", "undated"}),
        ({"q": "zebra"}, set()),
        ({"language": "en"}, {"early", "late", "undated"}),
        ({"language": "fr"}, set()),
    ],
)
def test_source_filters(api_client, sources, query, expected):
    query = {
        name: [sources[v].pk for v in value] if isinstance(value, list) and name == "publisher" else value
        for name, value in query.items()
    }
    if isinstance(query.get("publisher"), str):
        query["publisher"] = sources[query["publisher"]].pk
    response = api_client.get(f"{API}/sources/", query)
    assert response.status_code == 200
    by_pk = {sources[name].pk: name for name in ("early", "late", "undated")}
    assert {by_pk[row_id] for row_id in ids(response)} == expected


@pytest.mark.parametrize(
    ("resource", "query", "expected"),
    [
        ("places", {"kind": "city"}, {"Rafah", "Cairo"}),
        ("places", {"country": "EG"}, {"Cairo"}),
        ("places", {"parent": "place:gaza"}, {"Rafah"}),
        ("places", {"q": "gaza"}, {"Gaza Strip"}),
        ("topics", {"q": "hostage"}, {"Hostage negotiations"}),
        ("topics", {"q": "rafah-operation"}, {"Rafah operation"}),
        ("positions", {"actor": "actor:biden"}, {"President of the United States"}),
        ("positions", {"country": "IL"}, {"Prime Minister of Israel"}),
        ("positions", {"held_on": "2022-01-01"}, {"President of the United States"}),
        ("positions", {"held_on": "2024-02-15"}, {"President of the United States", "Prime Minister of Israel"}),
    ],
)
def test_place_topic_and_position_filters(api_client, demo_data, resource, query, expected):
    response = api_client.get(f"{API}/{resource}/", resolve(query))
    assert response.status_code == 200, response.json()
    label = "title" if resource == "positions" else "name"
    assert {row[label] for row in response.json()["results"]} == expected


@pytest.mark.parametrize(
    ("resource", "query", "parameter"),
    [
        ("statements", {"speaker": "abc"}, "speaker"),
        ("statements", {"speaker": "999999"}, "speaker"),
        ("statements", {"speaker": str(10**30)}, "speaker"),
        ("statements", {"speaker": "-1"}, "speaker"),
        ("statements", {"addressee": "1.5"}, "addressee"),
        ("statements", {"mentioned_actor": str(10**30)}, "mentioned_actor"),
        ("statements", {"date_after": "notadate"}, "date_after"),
        ("statements", {"date_before": "2024-02-30"}, "date_before"),
        ("statements", {"kind": "bogus"}, "kind"),
        ("statements", {"status": "bogus"}, "status"),
        ("statements", {"speaker_kind": "bogus"}, "speaker_kind"),
        ("statements", {"communication_kind": "bogus"}, "communication_kind"),
        ("statements", {"updated_since": "yesterday"}, "updated_since"),
        ("statements", {"topic": "abc"}, "topic"),
        ("statements", {"place": str(10**30)}, "place"),
        ("statements", {"q": "x" * 501}, "q"),
        ("communications", {"participant": "abc"}, "participant"),
        ("communications", {"participant": str(10**30)}, "participant"),
        ("communications", {"participant_role": "bogus"}, "participant_role"),
        ("communications", {"date_after": "notadate"}, "date_after"),
        ("communications", {"kind": "bogus"}, "kind"),
        ("actors", {"kind": "bogus"}, "kind"),
        ("actors", {"country": "USA"}, "country"),
        ("actors", {"affiliation": "abc"}, "affiliation"),
        ("actors", {"updated_since": "not-a-time"}, "updated_since"),
        ("sources", {"publisher": "abc"}, "publisher"),
        ("sources", {"publisher": str(10**30)}, "publisher"),
        ("sources", {"date_before": "15/02/2024"}, "date_before"),
        ("places", {"kind": "bogus"}, "kind"),
        ("topics", {"parent": "abc"}, "parent"),
        ("positions", {"held_on": "never"}, "held_on"),
        ("positions", {"actor": str(10**30)}, "actor"),
    ],
)
def test_invalid_filter_value_is_400_naming_the_parameter(api_client, db, resource, query, parameter):
    response = api_client.get(f"{API}/{resource}/", query)
    assert response.status_code == 400, response.json()
    assert response.json()["type"] == "validation_error"
    assert error_attrs(response) == {parameter}


def test_both_bad_range_ends_are_named(api_client, db):
    response = api_client.get(f"{API}/statements/", {"date_after": "x", "date_before": "y"})
    assert response.status_code == 400
    assert error_attrs(response) == {"date_after", "date_before"}


def test_nested_lists_take_the_statement_filters(api_client, demo_data):
    white_house = curated(Actor, "actor:white-house")
    response = api_client.get(
        f"{API}/actors/{white_house.pk}/statements/", {"topic": curated(Topic, "topic:rafah-operation").pk}
    )
    assert listed_keys(response, Statement) == {"s4"}
    source = Source.objects.get()
    response = api_client.get(
        f"{API}/sources/{source.pk}/statements/", {"kind": "paraphrase", "speaker_kind": "person"}
    )
    assert listed_keys(response, Statement) == {"s1"}
    readout = curated(Communication, "communication:wh-readout")
    response = api_client.get(f"{API}/communications/{readout.pk}/statements/", {"q": "Rafah"})
    assert listed_keys(response, Statement) == {"s4"}
    netanyahu = curated(Actor, "actor:netanyahu")
    response = api_client.get(
        f"{API}/actors/{netanyahu.pk}/communications/", {"kind": "phone_call", "date_before": "2024-02-12"}
    )
    assert listed_keys(response, Communication) == {"call-sun"}
    response = api_client.get(f"{API}/actors/{netanyahu.pk}/statements/", {"speaker": "abc"})
    assert response.status_code == 400
    assert error_attrs(response) == {"speaker"}


def test_q_orders_by_relevance_by_default(api_client, db):
    strong = StatementFactory(text="ceasefire, ceasefire and again a ceasefire")
    weak = StatementFactory(text="a long statement that mentions a ceasefire once among many other words")
    StatementFactory(text="nothing relevant here")
    response = api_client.get(f"{API}/statements/", {"q": "ceasefire"})
    if connection.vendor == "postgresql":
        # Ranked full-text search: the statement that is most about the word comes first.
        assert ids(response) == [strong.pk, weak.pk]
    else:
        # Substring search ranks every match alike; ties fall back to the newest first.
        assert ids(response) == [weak.pk, strong.pk]
    # An explicit ordering wins over relevance.
    assert ids(api_client.get(f"{API}/statements/", {"q": "ceasefire", "ordering": "created"})) == [strong.pk, weak.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_ranked_page_is_kept_until_the_archive_changes(api_client, monkeypatch):
    from django.test.utils import CaptureQueriesContext

    from statements import changes

    if connection.vendor != "postgresql":
        pytest.skip("Only PostgreSQL counts changes (migration 0013).")
    monkeypatch.setattr(changes, "KEEP_AFTER_SECONDS", 0)
    first = StatementFactory(text="a ceasefire")
    assert ids(api_client.get(f"{API}/statements/", {"q": "ceasefire"})) == [first.pk]
    with CaptureQueriesContext(connection) as queries:
        assert ids(api_client.get(f"{API}/statements/", {"q": "ceasefire"})) == [first.pk]
    assert not [query for query in queries if "ts_rank" in query["sql"]], "ranked again"
    # Another page of the same search, or the same search by date, is another question.
    assert ids(api_client.get(f"{API}/statements/", {"q": "ceasefire", "ordering": "-date"})) == [first.pk]
    second = StatementFactory(text="ceasefire, ceasefire, ceasefire")  # Committed: the archive changed.
    assert ids(api_client.get(f"{API}/statements/", {"q": "ceasefire"})) == [second.pk, first.pk]


@pytest.mark.parametrize(("query", "found"), [("ceasefire", True), ("CEASEFIRE", True), ("armistice", False)])
def test_q_contract_is_the_same_on_every_database(api_client, db, query, found):
    statement = StatementFactory(text="They agreed on a ceasefire in Gaza.")
    communication = Communication.objects.create(kind="meeting", title="Ceasefire talks", summary="A ceasefire.")
    source = SourceFactory(title="Report", body="The ceasefire holds.")
    assert ids(api_client.get(f"{API}/statements/", {"q": query})) == ([statement.pk] if found else [])
    assert ids(api_client.get(f"{API}/communications/", {"q": query})) == ([communication.pk] if found else [])
    assert ids(api_client.get(f"{API}/sources/", {"q": query})) == ([source.pk] if found else [])
