"""Services: validated, atomic writes that leave the database unchanged when they refuse."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError

from statements import services
from statements.choices import ActorKind, CommunicationKind, CurationStatus, ParticipantRole, StatementKind
from statements.models import Actor, ActorAlias, Communication, Participation, Place, Source, Statement, Topic
from statements.models.sources import content_hash_of
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    CommunicationFactory,
    ParticipationFactory,
    SourceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

BODY = 'Biden spoke with Netanyahu. "We will talk again," he said.'


def rows(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


# validated_save


def test_validated_save_turns_a_lost_race_into_an_error_on_the_field(monkeypatch):
    actor = Actor(kind=ActorKind.PERSON, name="Joe Biden", slug="joe-biden")
    full_clean = actor.full_clean

    def validate_then_lose_the_race(*args, **kwargs):
        full_clean(*args, **kwargs)
        ActorFactory(slug="joe-biden")  # another writer commits the same slug in between

    monkeypatch.setattr(actor, "full_clean", validate_then_lose_the_race)
    with pytest.raises(ValidationError) as excinfo:
        services.validated_save(actor)
    assert "slug" in excinfo.value.message_dict
    assert Actor.objects.filter(slug="joe-biden").count() == 1
    assert actor.pk is None


def test_validated_save_reports_a_conflict_validation_cannot_name(monkeypatch):
    actor = Actor(kind=ActorKind.PERSON, name="Joe Biden", slug="joe-biden")

    def conflict(*args, **kwargs):
        raise IntegrityError("deadlock detected")

    monkeypatch.setattr(actor, "save", conflict)
    with pytest.raises(ValidationError) as excinfo:
        services.validated_save(actor)
    assert excinfo.value.message_dict == {
        NON_FIELD_ERRORS: ["The record conflicts with existing data: deadlock detected"]
    }


def test_validated_save_validates_before_saving():
    with pytest.raises(ValidationError) as excinfo:
        services.validated_save(Actor(kind="alien", name="Zorg", slug="zorg"))
    assert set(excinfo.value.message_dict) == {"kind"}
    assert not Actor.objects.exists()


# unique_slug


def test_unique_slug_suffixes_taken_slugs():
    assert services.unique_slug(Actor, "Joe Biden") == "joe-biden"
    ActorFactory(slug="joe-biden")
    assert services.unique_slug(Actor, "Joe Biden") == "joe-biden-2"
    ActorFactory(slug="joe-biden-2")
    assert services.unique_slug(Actor, "Joe Biden") == "joe-biden-3"


def test_unique_slug_ignores_longer_slugs_that_share_the_start():
    ActorFactory(slug="joe-bidens-office")
    assert services.unique_slug(Actor, "Joe Biden") == "joe-biden"


def test_unique_slug_lets_a_record_keep_its_own_slug():
    actor = ActorFactory(slug="joe-biden")
    assert services.unique_slug(Actor, "Joe Biden", exclude_pk=actor.pk) == "joe-biden"


def test_unique_slug_falls_back_to_the_model_name():
    assert services.unique_slug(Topic, "…") == "topic"


def test_actor_create_makes_a_unique_slug_for_a_repeated_name():
    first = services.actor_create(kind=ActorKind.PERSON, name="John Kirby")
    second = services.actor_create(kind=ActorKind.PERSON, name="John Kirby")
    assert (first.slug, second.slug) == ("john-kirby", "john-kirby-2")


# Actors and their aliases


def alias_names(actor) -> list[str]:
    return sorted(actor.aliases.values_list("name", flat=True))


def test_actor_create_records_aliases_once_each():
    actor = services.actor_create(
        kind=ActorKind.PERSON, name="Benjamin Netanyahu", aliases=["Bibi", " Bibi ", "", "Netanyahu"]
    )
    assert alias_names(actor) == ["Bibi", "Netanyahu"]


def test_actor_create_stores_a_blank_wikidata_id_as_none():
    services.actor_create(kind=ActorKind.PERSON, name="One", wikidata_id="")
    services.actor_create(kind=ActorKind.PERSON, name="Two", wikidata_id="")
    assert Actor.objects.filter(wikidata_id__isnull=True).count() == 2


def test_actor_update_replaces_aliases():
    actor = services.actor_create(kind=ActorKind.PERSON, name="Benjamin Netanyahu", aliases=["Bibi", "Netanyahu"])
    kept = actor.aliases.get(name="Bibi")
    services.actor_update(actor=actor, aliases=["Bibi", "Israeli prime minister"])
    assert alias_names(actor) == ["Bibi", "Israeli prime minister"]
    assert actor.aliases.get(name="Bibi").pk == kept.pk


@pytest.mark.parametrize(("aliases", "expected"), [(None, ["Bibi"]), ([], [])])
def test_actor_update_keeps_or_clears_aliases(aliases, expected):
    actor = ActorAliasFactory(name="Bibi").actor
    services.actor_update(actor=actor, name="Benjamin Netanyahu", aliases=aliases)
    assert alias_names(actor) == expected
    assert Actor.objects.get(pk=actor.pk).name == "Benjamin Netanyahu"


@pytest.mark.parametrize(
    ("field", "value"),
    [("nickname", "Bibi"), ("id", 999), ("uuid", "00000000-0000-0000-0000-000000000000"), ("created_at", None)],
)
def test_actor_update_refuses_fields_that_cannot_be_set(field, value):
    actor = ActorFactory()
    before = rows(Actor)
    with pytest.raises(ValidationError) as excinfo:
        services.actor_update(actor=actor, **{field: value})
    assert excinfo.value.message_dict == {field: ["Not a field that can be set here."]}
    assert rows(Actor) == before


@pytest.mark.parametrize(("country", "stored"), [("IL", "IL"), ("il", "IL")])
def test_actor_create_takes_an_alpha2_country(country, stored):
    assert Actor.objects.get(pk=services.actor_create(kind="person", name="X", country=country).pk).country == stored


@pytest.mark.parametrize("country", ["USA", "XX", "ISR"])
def test_actor_create_refuses_other_country_codes(country):
    with pytest.raises(ValidationError) as excinfo:
        services.actor_create(kind=ActorKind.PERSON, name="Someone", country=country)
    assert "alpha-2" in excinfo.value.message_dict["country"][0]
    assert not Actor.objects.exists()


# Sources


def test_source_create_sets_the_content_hash_and_refuses_the_same_body_twice():
    source = services.source_create(kind="readout", title="Readout", body=BODY, url="")
    assert (source.content_hash, source.url) == (content_hash_of(BODY), None)
    with pytest.raises(ValidationError) as excinfo:
        services.source_create(kind="news_article", title="Copy", body=BODY, url="https://example.org/copy")
    assert f"already stored as source {source.pk}" in excinfo.value.message_dict["body"][0]
    assert Source.objects.count() == 1


def test_source_update_refuses_to_change_text_statements_are_anchored_to():
    source = services.source_create(kind="readout", title="Readout", body=BODY)
    services.statement_create(kind=StatementKind.DIRECT_QUOTE, text="We will talk again,", source=source)
    before = rows(Source)
    with pytest.raises(ValidationError) as excinfo:
        services.source_update(source=source, title="Corrected", body=BODY.replace("Biden", "President Biden"))
    assert "anchored to this text" in excinfo.value.message_dict["body"][0]
    assert rows(Source) == before


# Communications and participants


def test_communication_create_records_participants_topics_and_sources():
    biden, netanyahu = ActorFactory(), ActorFactory()
    source = SourceFactory()
    call = services.communication_create(
        kind=CommunicationKind.PHONE_CALL,
        title="Biden–Netanyahu call",
        participants=[(biden, ParticipantRole.INITIATOR), (netanyahu, ParticipantRole.RECIPIENT)],
        sources=[source],
    )
    assert set(call.participations.values_list("actor", "role")) == {
        (biden.pk, ParticipantRole.INITIATOR),
        (netanyahu.pk, ParticipantRole.RECIPIENT),
    }
    assert list(call.sources.all()) == [source]


def test_communication_set_participants_replaces_them_keeping_unchanged_rows():
    kept = ParticipationFactory(role=ParticipantRole.INITIATOR)
    call = kept.communication
    dropped = ParticipationFactory(communication=call)
    newcomer = ActorFactory()
    services.communication_set_participants(
        communication=call,
        participants=[(kept.actor, ParticipantRole.INITIATOR), (newcomer, ParticipantRole.HOST)],
    )
    assert set(call.participations.values_list("pk", flat=True)) >= {kept.pk}
    assert not Participation.objects.filter(pk=dropped.pk).exists()
    assert set(call.participations.values_list("actor", "role")) == {
        (kept.actor_id, ParticipantRole.INITIATOR),
        (newcomer.pk, ParticipantRole.HOST),
    }


@pytest.mark.parametrize(
    ("role", "message"),
    [(ParticipantRole.PARTICIPANT, "is listed twice as participant"), ("spectator", "not a participant role")],
)
def test_communication_set_participants_refuses_bad_lists_and_changes_nothing(role, message):
    existing = ParticipationFactory()
    actor = ActorFactory()
    before = rows(Participation)
    with pytest.raises(ValidationError) as excinfo:
        services.communication_set_participants(
            communication=existing.communication, participants=[(actor, ParticipantRole.PARTICIPANT), (actor, role)]
        )
    assert message in excinfo.value.message_dict["participants"][0]
    assert rows(Participation) == before


# Statements


def test_statement_create_anchors_a_direct_quote_and_stamps_the_user(django_user_model):
    curator = django_user_model.objects.create_user("curator")
    source = SourceFactory(body=BODY)
    statement = services.statement_create(
        kind=StatementKind.DIRECT_QUOTE, text="We will talk again,", source=source, speaker=ActorFactory(), user=curator
    )
    statement.refresh_from_db()
    assert BODY[statement.span_start : statement.span_end] == "We will talk again,"
    assert (statement.created_by, statement.updated_by) == (curator, curator)


def test_statement_update_stamps_updated_by(django_user_model):
    author, editor = django_user_model.objects.create_user("author"), django_user_model.objects.create_user("editor")
    statement = StatementFactory(created_by=author, updated_by=author)
    services.statement_update(statement=statement, user=editor, text="they would meet again")
    statement.refresh_from_db()
    assert (statement.text, statement.created_by, statement.updated_by) == ("they would meet again", author, editor)


@pytest.mark.parametrize("field", ["id", "uuid", "created_by", "updated_by", "updated_at"])
def test_statement_update_refuses_keys_and_stamps(field, django_user_model):
    other = StatementFactory()
    statement = StatementFactory()
    value = {"id": other.pk, "uuid": other.uuid}.get(field, django_user_model.objects.create_user("intruder"))
    before = rows(Statement)
    with pytest.raises(ValidationError) as excinfo:
        services.statement_update(statement=statement, **{field: value})
    assert field in excinfo.value.message_dict
    assert rows(Statement) == before


def test_statement_update_refuses_an_invalid_change_and_changes_nothing():
    statement = StatementFactory()
    before = rows(Statement)
    with pytest.raises(ValidationError) as excinfo:
        services.statement_update(statement=statement, speaker=None, status=CurationStatus.VERIFIED)
    assert "speaker" in excinfo.value.message_dict
    assert rows(Statement) == before


def test_statements_set_status_verifies_resolved_statements(django_user_model):
    curator = django_user_model.objects.create_user("curator")
    statements = StatementFactory.create_batch(2)
    changed = services.statements_set_status(
        statements=Statement.objects.filter(pk__in=[s.pk for s in statements]), status="verified", user=curator
    )
    assert changed == 2
    assert set(Statement.objects.values_list("status", "updated_by")) == {(CurationStatus.VERIFIED, curator.pk)}


def test_statements_set_status_refuses_to_verify_unresolved_speakers_and_changes_nothing():
    resolved = StatementFactory(status=CurationStatus.DRAFT)
    unresolved = StatementFactory(speaker=None)
    before = rows(Statement)
    with pytest.raises(ValidationError) as excinfo:
        services.statements_set_status(statements=Statement.objects.all(), status=CurationStatus.VERIFIED)
    assert excinfo.value.message_dict == {
        "speaker": [f"Statements without a resolved speaker cannot be verified: {unresolved.pk}."]
    }
    assert rows(Statement) == before
    assert Statement.objects.get(pk=resolved.pk).status == CurationStatus.DRAFT


def test_statements_set_status_refuses_an_unknown_status():
    StatementFactory()
    before = rows(Statement)
    with pytest.raises(ValidationError) as excinfo:
        services.statements_set_status(statements=Statement.objects.all(), status="pending")
    assert "not a curation status" in excinfo.value.message_dict["status"][0]
    assert rows(Statement) == before


def test_record_save_stamps_a_statement_with_its_users(django_user_model):
    curator = django_user_model.objects.create_user("curator")
    statement = services.record_save(instance=StatementFactory.build(speaker=None), user=curator)
    statement.refresh_from_db()
    assert (statement.created_by, statement.updated_by) == (curator, curator)


# Every service is one transaction: a step that fails late undoes the steps before it

TOO_LONG = "x" * 301


def create_call_with_a_duplicate_participant():
    actor = ActorFactory()
    participants = [(actor, ParticipantRole.INITIATOR), (actor, ParticipantRole.INITIATOR)]
    return services.communication_create, {"kind": "phone_call", "title": "Call", "participants": participants}


def update_call_with_a_duplicate_participant():
    call, actor = CommunicationFactory(title="Call"), ActorFactory()
    participants = [(actor, ParticipantRole.HOST), (actor, ParticipantRole.HOST)]
    return services.communication_update, {"communication": call, "title": "Renamed", "participants": participants}


def create_actor_with_an_overlong_alias():
    return services.actor_create, {"kind": "person", "name": "Benjamin Netanyahu", "aliases": ["Bibi", TOO_LONG]}


def update_actor_with_an_overlong_alias():
    actor = ActorAliasFactory(name="Bibi", actor__name="Benjamin Netanyahu").actor
    return services.actor_update, {"actor": actor, "name": "Renamed", "aliases": ["Netanyahu", TOO_LONG]}


def create_place_with_an_overlong_alias():
    return services.place_create, {"name": "Jerusalem", "aliases": ["Al-Quds", TOO_LONG]}


def update_place_with_an_overlong_alias():
    place = services.place_create(name="Jerusalem", aliases=["Al-Quds"])
    return services.place_update, {"place": place, "name": "Renamed", "aliases": [TOO_LONG]}


def create_source_with_an_unknown_author():
    unsaved_author = Actor(kind="person", name="Nobody", slug="nobody")
    return services.source_create, {"kind": "readout", "title": "Readout", "body": BODY, "authors": [unsaved_author]}


@pytest.mark.parametrize(
    ("arrange", "error"),
    [
        (create_call_with_a_duplicate_participant, ValidationError),
        (update_call_with_a_duplicate_participant, ValidationError),
        (create_actor_with_an_overlong_alias, ValidationError),
        (update_actor_with_an_overlong_alias, ValidationError),
        (create_place_with_an_overlong_alias, ValidationError),
        (update_place_with_an_overlong_alias, ValidationError),
        (create_source_with_an_unknown_author, ValueError),
    ],
)
def test_service_that_fails_late_leaves_nothing_behind(arrange, error):
    service, arguments = arrange()
    tables = [Actor, ActorAlias, Place, Communication, Participation, Source]
    before = {model: rows(model) for model in tables}
    with pytest.raises(error):
        service(**arguments)
    assert {model: rows(model) for model in tables} == before
