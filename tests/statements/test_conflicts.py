"""No lost updates and no silent cascades: versions checked atomically by every write, deletes refused while in use."""

import threading

import pytest
from django.db import connection, connections

from statements import services
from statements.choices import CurationStatus, ParticipantRole
from statements.conflicts import RecordInUseError, StaleRecordError, claim_version, dependents_of
from statements.models import Actor, Communication, Place, Source, Statement, Topic
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    CommunicationFactory,
    ParticipationFactory,
    PlaceFactory,
    PositionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def stored_version(record) -> int:
    return type(record).objects.values_list("version", flat=True).get(pk=record.pk)


#: Every update service, with a record factory, the argument naming the record and a change to make.
UPDATES = [
    (services.actor_update, ActorFactory, "actor", {"name": "Changed"}),
    (services.actor_update, ActorFactory, "actor", {"aliases": ["Only an alias"]}),
    (services.position_update, PositionFactory, "position", {"title": "Changed"}),
    (services.place_update, PlaceFactory, "place", {"aliases": ["Only an alias"]}),
    (services.topic_update, TopicFactory, "topic", {"name": "Changed"}),
    (services.source_update, SourceFactory, "source", {"authors": "actors"}),
    (services.communication_update, CommunicationFactory, "communication", {"topics": "topics"}),
    (services.communication_update, CommunicationFactory, "communication", {"participants": "participants"}),
    (services.statement_update, StatementFactory, "statement", {"text": "Changed."}),
    (services.statement_update, StatementFactory, "statement", {"mentioned_places": "places"}),
]
UPDATE_IDS = [f"{service.__name__}-{next(iter(change))}" for service, _, _, change in UPDATES]


def resolved(change: dict) -> dict:
    """The change with placeholders for related records replaced by fresh records."""
    makers = {
        "actors": lambda: [ActorFactory()],
        "topics": lambda: [TopicFactory()],
        "places": lambda: [PlaceFactory()],
        "participants": lambda: [(ActorFactory(), ParticipantRole.PARTICIPANT)],
    }
    return {
        name: makers[value]() if isinstance(value, str) and value in makers else value for name, value in change.items()
    }


@pytest.mark.parametrize(("service", "factory", "argument", "change"), UPDATES, ids=UPDATE_IDS)
def test_every_update_raises_the_version_once_even_for_links_only(service, factory, argument, change):
    record = factory()
    assert record.version == 1
    updated = service(**{argument: record}, **resolved(change))
    assert updated.version == stored_version(record) == 2
    service(**{argument: record}, expected_version=2, **resolved(change))
    assert stored_version(record) == 3


@pytest.mark.parametrize(("service", "factory", "argument", "change"), UPDATES, ids=UPDATE_IDS)
def test_an_update_based_on_an_old_version_is_refused_and_writes_nothing(service, factory, argument, change):
    record = factory()
    type(record).objects.filter(pk=record.pk).update(version=5)  # someone else saved it four times
    before = type(record).history.filter(id=record.pk).count()
    with pytest.raises(StaleRecordError) as refused:
        service(**{argument: type(record).objects.get(pk=record.pk)}, expected_version=4, **resolved(change))
    assert refused.value.current_version == 5
    assert "changed by someone else since you opened it" in refused.value.messages[0]
    fresh = type(record).objects.get(pk=record.pk)
    assert fresh.version == 5
    assert fresh.updated_at == record.updated_at
    assert type(record).history.filter(id=record.pk).count() == before


def test_a_refused_statement_update_leaves_fields_and_links_as_they_were():
    statement = StatementFactory(text="Original.")
    topic = TopicFactory()
    with pytest.raises(StaleRecordError):
        services.statement_update(statement=statement, expected_version=2, text="Lost?", topics=[topic])
    statement.refresh_from_db()
    assert (statement.text, list(statement.topics.all()), statement.version) == ("Original.", [], 1)


def test_setting_participants_alone_raises_the_communication_version():
    communication = CommunicationFactory()
    services.communication_set_participants(
        communication=communication, participants=[(ActorFactory(), ParticipantRole.PARTICIPANT)], expected_version=1
    )
    assert stored_version(communication) == 2
    with pytest.raises(StaleRecordError):
        services.communication_set_participants(communication=communication, participants=[], expected_version=1)
    assert communication.participations.count() == 1


def test_a_bulk_status_change_raises_each_statement_version():
    statements = StatementFactory.create_batch(2, speaker=ActorFactory())
    services.statements_set_status(statements=Statement.objects.all(), status=CurationStatus.VERIFIED)
    assert [stored_version(statement) for statement in statements] == [2, 2]


def test_record_save_raises_the_version_of_a_stored_record_only():
    actor = services.record_save(instance=Actor(kind="person", name="New", slug="new"))
    assert actor.version == 1
    actor.name = "Renamed"
    services.record_save(instance=actor, expected_version=1)
    assert stored_version(actor) == 2
    actor.name = "Stale"
    with pytest.raises(StaleRecordError):
        services.record_save(instance=Actor.objects.get(pk=actor.pk), expected_version=1)
    assert Actor.objects.get(pk=actor.pk).name == "Renamed"


def test_a_write_to_a_record_deleted_meanwhile_is_refused():
    topic = TopicFactory()
    Topic.objects.filter(pk=topic.pk).delete()
    with pytest.raises(StaleRecordError, match="deleted by someone else"):
        claim_version(topic)


# Two writers at once


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_concurrent_writers_of_the_same_version_exactly_one_wins():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("The in-memory test database of SQLite shares one cache: its table locks do not wait.")
    statement = StatementFactory(text="Original.")
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def write(text: str) -> None:
        try:
            start.wait(timeout=10)
            services.statement_update(statement=Statement.objects.get(pk=statement.pk), expected_version=1, text=text)
            outcomes[text] = "saved"
        except StaleRecordError as error:
            outcomes[text] = error
        finally:
            connections.close_all()  # each thread has its own connection

    writers = [threading.Thread(target=write, args=(text,)) for text in ("First.", "Second.")]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
    winners = [text for text, outcome in outcomes.items() if outcome == "saved"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, StaleRecordError)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1, outcomes
    assert losers[0].current_version == 2
    statement.refresh_from_db()
    assert (statement.text, statement.version) == (winners[0], 2)


# Deletes


def refused_cases():
    """(record to delete, what depends on it) for each way a record can be in use."""

    def speaker():
        actor = ActorFactory()
        StatementFactory(speaker=actor)
        return actor, {"statement": 1}

    def addressee_only():
        actor = ActorFactory()
        StatementFactory().addressees.add(actor)
        return actor, {"statement": 1}

    def mention_only():
        actor = ActorFactory()
        for statement in StatementFactory.create_batch(2):
            statement.mentioned_actors.add(actor)
        return actor, {"statements": 2}

    def participant():
        participation = ParticipationFactory()
        return participation.actor, {"communication": 1}

    def author_only():
        actor = ActorFactory()
        SourceFactory().authors.add(actor)
        return actor, {"source": 1}

    def source_with_statements():
        source = SourceFactory()
        StatementFactory(source=source)
        return source, {"statement": 1}

    def source_linked_from_communication():
        source = SourceFactory()
        CommunicationFactory().sources.add(source)
        return source, {"communication": 1}

    def topic_through_links_only():
        topic = TopicFactory(name="Gaza war")
        for statement in StatementFactory.create_batch(3):
            statement.topics.add(topic)
        CommunicationFactory().topics.add(topic)
        return topic, {"communication": 1, "statements": 3}

    def place_mentioned_only():
        place = PlaceFactory()
        StatementFactory().mentioned_places.add(place)
        return place, {"statement": 1}

    return {
        "actor-speaker": speaker,
        "actor-addressee-only": addressee_only,
        "actor-mention-only": mention_only,
        "actor-participant": participant,
        "actor-author-only": author_only,
        "source-with-statements": source_with_statements,
        "source-linked-from-communication": source_linked_from_communication,
        "topic-links-only": topic_through_links_only,
        "place-mentioned-only": place_mentioned_only,
    }


REFUSED_CASES = refused_cases()

#: Every table a refused delete must leave as it was, links included.
COUNTED = [
    Actor,
    Source,
    Topic,
    Place,
    Communication,
    Statement,
    Statement.addressees.through,
    Statement.mentioned_actors.through,
    Statement.mentioned_places.through,
    Statement.topics.through,
    Communication.topics.through,
    Communication.sources.through,
    Communication.participants.through,
    Source.authors.through,
]


def row_counts() -> dict:
    return {model._meta.label: model.objects.count() for model in COUNTED}


@pytest.mark.parametrize("case", REFUSED_CASES.values(), ids=REFUSED_CASES.keys())
def test_deleting_a_record_in_use_is_refused_naming_what_uses_it(case):
    record, dependents = case()
    assert dependents_of(record) == dependents
    before = row_counts()
    with pytest.raises(RecordInUseError) as refused:
        services.record_delete(instance=record)
    assert f"'{record}' cannot be deleted while other records depend on it" in refused.value.messages[0]
    assert row_counts() == before


def test_the_refusal_counts_each_dependent_once_and_in_words():
    topic = TopicFactory(name="Gaza war")
    for statement in StatementFactory.create_batch(3):
        statement.topics.add(topic)
    CommunicationFactory().topics.add(topic)
    with pytest.raises(RecordInUseError) as refused:
        services.record_delete(instance=topic)
    assert refused.value.messages == [
        "Topic 'Gaza war' cannot be deleted while other records depend on it: "
        "it is used by 1 communication and 3 statements. Remove those links first."
    ]


def test_an_actor_used_in_several_ways_by_one_statement_counts_it_once():
    actor = ActorFactory()
    statement = StatementFactory(speaker=actor)
    statement.addressees.add(actor)
    statement.mentioned_actors.add(actor)
    assert dependents_of(actor) == {"statement": 1}


def test_a_record_nobody_uses_is_deleted_with_the_rows_that_belong_to_it():
    actor = ActorFactory()
    ActorAliasFactory(actor=actor)
    PositionFactory(actor=actor)
    services.record_delete(instance=actor, expected_version=1)
    assert not Actor.objects.filter(pk=actor.pk).exists()


def test_an_owned_row_in_use_refuses_the_delete_of_its_owner():
    position = PositionFactory()
    StatementFactory(speaker=None, position=position)
    with pytest.raises(RecordInUseError, match="1 statement"):
        services.record_delete(instance=position.actor)
    assert Actor.objects.filter(pk=position.actor.pk).exists()


def test_a_delete_based_on_an_old_version_is_refused():
    topic = TopicFactory()
    services.topic_update(topic=topic, name="Renamed")
    with pytest.raises(StaleRecordError):
        services.record_delete(instance=topic, expected_version=1)
    assert Topic.objects.filter(pk=topic.pk).exists()
