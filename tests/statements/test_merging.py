"""Merging duplicate actors: every reference moves in one transaction, with history, and an undo restores it all."""

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError

from statements import duplicates, merging, services
from statements.choices import ActorKind, ParticipantRole
from statements.models import Actor, ActorAlias, ActorMerge, Communication, Participation, Position, Source, Statement
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    CommunicationFactory,
    ParticipationFactory,
    PositionFactory,
    SourceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """A duplicate actor referenced in every way an actor can be, and the actor to merge it into."""

    keep: Actor
    duplicate: Actor
    earlier_duplicate: Actor
    bystander: Actor
    organization: Actor
    affiliated: Actor
    spoken: Statement
    reported: Statement
    addressed: Statement
    addressed_both: Statement
    mentioning: Statement
    mentioning_both: Statement
    call: Communication
    other_call: Communication
    position: Position
    position_within: Position
    published: Source
    authored: Source
    authored_both: Source


@pytest.fixture
def world(django_user_model) -> World:
    keep = ActorFactory(name="Benjamin Netanyahu", kind=ActorKind.PERSON)
    ActorAliasFactory(actor=keep, name="Bibi")
    duplicate = ActorFactory(name="Binyamin Netanyahu", kind=ActorKind.ORGANIZATION, wikidata_id="Q43723")
    ActorAliasFactory(actor=duplicate, name="bibi")  # the kept actor has it already, folded
    ActorAliasFactory(actor=duplicate, name="B. Netanyahu")
    earlier_duplicate = ActorFactory(name="Netanyahu, Benjamin")
    services.actor_merge(merged=earlier_duplicate, into=duplicate)
    bystander = ActorFactory(name="Joe Biden")
    organization = ActorFactory(name="Likud", kind=ActorKind.ORGANIZATION)
    affiliated = ActorFactory(name="an aide", kind=ActorKind.UNNAMED_SOURCE, affiliation=duplicate)
    position = PositionFactory(actor=duplicate, title="Chairman", organization=organization)
    position_within = PositionFactory(actor=bystander, title="Envoy", organization=duplicate)

    def statement(**fields) -> Statement:
        return StatementFactory(speaker=fields.pop("speaker", bystander), **fields)

    spoken = statement(speaker=duplicate, position=position)
    reported = statement(reported_by=duplicate)
    addressed, addressed_both = statement(), statement()
    addressed.addressees.set([duplicate, bystander])
    addressed_both.addressees.set([keep, duplicate])
    mentioning, mentioning_both = statement(), statement()
    mentioning.mentioned_actors.set([duplicate])
    mentioning_both.mentioned_actors.set([duplicate, keep])
    call = CommunicationFactory(duration_minutes=40, duration_according_to=duplicate)
    ParticipationFactory(communication=call, actor=keep, role=ParticipantRole.PARTICIPANT)
    ParticipationFactory(communication=call, actor=duplicate, role=ParticipantRole.PARTICIPANT)
    ParticipationFactory(communication=call, actor=duplicate, role=ParticipantRole.INITIATOR)
    other_call = CommunicationFactory()
    ParticipationFactory(communication=other_call, actor=duplicate, role=ParticipantRole.RECIPIENT)
    published = SourceFactory(publisher=duplicate)
    authored, authored_both = SourceFactory(), SourceFactory()
    authored.authors.set([duplicate])
    authored_both.authors.set([duplicate, keep])
    return World(
        keep,
        duplicate,
        earlier_duplicate,
        bystander,
        organization,
        affiliated,
        spoken,
        reported,
        addressed,
        addressed_both,
        mentioning,
        mentioning_both,
        call,
        other_call,
        position,
        position_within,
        published,
        authored,
        authored_both,
    )


def references() -> dict:
    """Every reference to an actor in the database, as plain values, to compare before and after."""
    return {
        "statements": set(Statement.objects.values_list("pk", "speaker_id", "reported_by_id", "position_id")),
        "addressees": set(Statement.addressees.through.objects.values_list("statement_id", "actor_id")),
        "mentions": set(Statement.mentioned_actors.through.objects.values_list("statement_id", "actor_id")),
        "participations": set(Participation.objects.values_list("pk", "communication_id", "actor_id", "role")),
        "positions": set(Position.objects.values_list("pk", "actor_id", "organization_id")),
        "actors": set(Actor.objects.values_list("pk", "affiliation_id", "merged_into_id", "wikidata_id", "kind")),
        "durations": set(Communication.objects.values_list("pk", "duration_according_to_id")),
        "publishers": set(Source.objects.values_list("pk", "publisher_id")),
        "authors": set(Source.authors.through.objects.values_list("source_id", "actor_id")),
        "aliases": set(ActorAlias.objects.values_list("pk", "actor_id", "name")),
    }


def test_merge_moves_every_reference_to_the_actor_kept(world, django_user_model):
    curator = django_user_model.objects.create_user("merger")
    keep, duplicate = world.keep, world.duplicate

    merge = services.actor_merge(merged=duplicate, into=keep, user=curator)

    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    assert Actor.objects.get(pk=world.earlier_duplicate.pk).merged_into == keep
    assert (keep.wikidata_id, duplicate.wikidata_id) == ("Q43723", None)
    assert Statement.objects.get(pk=world.spoken.pk).speaker == keep
    assert Statement.objects.get(pk=world.reported.pk).reported_by == keep
    assert set(world.addressed.addressees.all()) == {keep, world.bystander}
    assert set(world.addressed_both.addressees.all()) == {keep}
    assert set(world.mentioning.mentioned_actors.all()) == {keep}
    assert set(world.mentioning_both.mentioned_actors.all()) == {keep}
    assert set(world.call.participations.values_list("actor_id", "role")) == {
        (keep.pk, ParticipantRole.PARTICIPANT),
        (keep.pk, ParticipantRole.INITIATOR),
    }
    assert set(world.other_call.participations.values_list("actor_id", "role")) == {
        (keep.pk, ParticipantRole.RECIPIENT)
    }
    assert Communication.objects.get(pk=world.call.pk).duration_according_to == keep
    assert Position.objects.get(pk=world.position.pk).actor == keep
    assert Position.objects.get(pk=world.position_within.pk).organization == keep
    assert Actor.objects.get(pk=world.affiliated.pk).affiliation == keep
    assert Source.objects.get(pk=world.published.pk).publisher == keep
    assert set(world.authored.authors.all()) == {keep}
    assert set(world.authored_both.authors.all()) == {keep}
    assert sorted(keep.aliases.values_list("name", flat=True)) == [
        "B. Netanyahu",
        "Bibi",
        "Binyamin Netanyahu",
        "Netanyahu, Benjamin",  # the earlier duplicate's name, an alias of the duplicate since that merge
    ]
    assert not duplicate.aliases.exists()
    for relation in (
        duplicate.statements,
        duplicate.statements_reported,
        duplicate.statements_addressed,
        duplicate.statements_mentioning,
        duplicate.participations,
        duplicate.positions,
        duplicate.positions_within,
        duplicate.affiliated_actors,
        duplicate.merged_actors,
        duplicate.published_sources,
        duplicate.authored_sources,
        duplicate.durations_reported,
    ):
        assert not relation.exists(), relation
    assert merge.merged_by == curator
    assert merge.moved["actor.kind"] == ActorKind.ORGANIZATION
    assert merging.merge_moved_counts(merge) == {
        "statement.speaker": 1,
        "statement.reported_by": 1,
        "source.publisher": 1,
        "communication.duration_according_to": 1,
        "statement.addressees": 1,
        "statement.mentioned_actors": 1,
        "source.authors": 1,
        "statement.addressees.dropped": 1,
        "statement.mentioned_actors.dropped": 1,
        "source.authors.dropped": 1,
        "participation.actor": 2,
        "participation.actor.dropped": 1,
        "position.actor": 1,
        "position.organization": 1,
        "actor.affiliation": 1,
        "actor.merged_into": 1,
        "actor_alias.actor": 2,
        "actor_alias.dropped": 1,
        "actor_alias.added": 1,
    }


def test_undo_restores_exactly_what_was_there(world, django_user_model):
    before = references()
    merge = services.actor_merge(merged=world.duplicate, into=world.keep)
    assert references() != before

    undone = services.actor_merge_undo(merge=merge, user=django_user_model.objects.create_user("undoer"))

    assert references() == before
    assert undone.undone_at is not None
    assert undone.undone_by.username == "undoer"


def test_undo_leaves_rows_changed_since_the_merge(world):
    merge = services.actor_merge(merged=world.duplicate, into=world.keep)
    services.statement_update(statement=Statement.objects.get(pk=world.reported.pk), reported_by=world.bystander)

    services.actor_merge_undo(merge=merge)

    assert Statement.objects.get(pk=world.reported.pk).reported_by == world.bystander
    assert Statement.objects.get(pk=world.spoken.pk).speaker == world.duplicate


def test_merge_and_undo_write_history_with_user_and_reason(world, django_user_model):
    curator = django_user_model.objects.create_user("merger")
    statement_records = world.spoken.history.count()

    merge = services.actor_merge(merged=world.duplicate, into=world.keep, user=curator)

    latest = Statement.history.filter(id=world.spoken.pk).latest()
    assert world.spoken.history.count() == statement_records + 1
    assert (latest.speaker_id, latest.history_user, latest.history_type) == (world.keep.pk, curator, "~")
    assert latest.history_change_reason.startswith(f"Merge {merge.pk}:")
    addressed = Statement.history.filter(id=world.addressed.pk).latest()
    assert set(addressed.addressees.values_list("actor_id", flat=True)) == {world.keep.pk, world.bystander.pk}
    for model, pk, field in [
        (Position, world.position.pk, "actor_id"),
        (Actor, world.affiliated.pk, "affiliation_id"),
        (Participation, merge.moved["participation.actor"][0], "actor_id"),
        (ActorAlias, merge.moved["actor_alias.actor"][0], "actor_id"),
        (Source, world.published.pk, "publisher_id"),
        (Communication, world.call.pk, "duration_according_to_id"),
    ]:
        record = model.history.filter(id=pk).latest()
        assert (getattr(record, field), record.history_user) == (world.keep.pk, curator), model
    dropped = merge.moved["participation.actor.dropped"][0]["id"]
    assert Participation.history.filter(id=dropped).latest().history_type == "-"
    assert Actor.history.filter(id=world.duplicate.pk).latest().merged_into_id == world.keep.pk

    services.actor_merge_undo(merge=merge, user=curator)

    latest = Statement.history.filter(id=world.spoken.pk).latest()
    assert latest.speaker_id == world.duplicate.pk
    assert latest.history_change_reason.startswith(f"Undo of merge {merge.pk}:")
    assert Participation.history.filter(id=dropped).latest().history_type == "+"


def test_merge_raises_versions_of_changed_records(world):
    versions = {world.spoken.pk: world.spoken.version, world.addressed.pk: world.addressed.version}

    services.actor_merge(merged=world.duplicate, into=world.keep)

    for pk, version in versions.items():
        assert Statement.objects.get(pk=pk).version == version + 1
    assert Statement.objects.get(pk=world.spoken.pk).updated_at > world.spoken.updated_at


@pytest.mark.parametrize(
    "step", ["_move_aliases", "bulk_update_with_history", "_Mover.save_collected", "_Mover.participations"]
)
def test_a_failure_mid_merge_changes_nothing(world, monkeypatch, step):
    before = references()
    merges = ActorMerge.objects.count()
    owner, _, name = step.rpartition(".")
    target = getattr(merging, owner) if owner else merging

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(target, name, fail)

    with pytest.raises(RuntimeError):
        services.actor_merge(merged=world.duplicate, into=world.keep)

    assert references() == before
    assert ActorMerge.objects.count() == merges


def test_a_failure_mid_undo_changes_nothing(world, monkeypatch):
    merge = services.actor_merge(merged=world.duplicate, into=world.keep)
    after_merge = references()
    monkeypatch.setattr(merging, "_restore_aliases", lambda **kwargs: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        services.actor_merge_undo(merge=merge)

    assert references() == after_merge
    assert ActorMerge.objects.get(pk=merge.pk).undone_at is None


def refusal(error: ValidationError) -> tuple[str, str]:
    field, messages = next(iter(error.message_dict.items()))
    return field, messages[0]


@pytest.mark.parametrize(
    ("arrange", "field", "words"),
    [
        (lambda a, b: (a, a), "into", "into itself"),
        (lambda a, b: (services.actor_merge(merged=a, into=ActorFactory()) and a, b), "__all__", "already merged"),
        (lambda a, b: (a, services.actor_merge(merged=b, into=ActorFactory()) and b), "into", "itself merged"),
        (lambda a, b: (a, services.actor_update(actor=b, affiliation=a)), "into", "affiliated with"),
        (lambda a, b: (a, PositionFactory(actor=b, organization=a).actor), "into", "position"),
        (lambda a, b: (a, PositionFactory(actor=a, organization=b).organization), "into", "position"),
    ],
    ids=["itself", "merged-already-merged", "into-merged", "into-affiliated", "position-within", "holds-position"],
)
def test_merge_refuses(arrange, field, words):
    merged, into = arrange(ActorFactory(), ActorFactory())
    before = references()

    with pytest.raises(ValidationError) as refused:
        services.actor_merge(merged=merged, into=into)

    assert refusal(refused.value)[0] == field
    assert words in refusal(refused.value)[1]
    assert references() == before


def test_undo_refuses_twice_and_while_the_kept_actor_is_merged_itself(world):
    merge = services.actor_merge(merged=world.duplicate, into=world.keep)
    later = services.actor_merge(merged=world.keep, into=ActorFactory())

    with pytest.raises(ValidationError, match="undo that merge first"):
        services.actor_merge_undo(merge=merge)

    services.actor_merge_undo(merge=later)
    services.actor_merge_undo(merge=merge)
    with pytest.raises(ValidationError, match="already undone"):
        services.actor_merge_undo(merge=merge)


def test_merging_into_an_actor_with_its_own_wikidata_id_keeps_both(world):
    services.actor_update(actor=world.keep, wikidata_id="Q1")

    merge = services.actor_merge(merged=world.duplicate, into=world.keep)

    assert Actor.objects.get(pk=world.keep.pk).wikidata_id == "Q1"
    assert Actor.objects.get(pk=world.duplicate.pk).wikidata_id == "Q43723"
    assert "actor.wikidata_id" not in merge.moved


def test_the_name_already_known_is_not_added_as_an_alias():
    keep = ActorFactory(name="Joe Biden")
    duplicate = ActorFactory(name="JOE  BIDEN", kind=keep.kind)

    merge = services.actor_merge(merged=duplicate, into=keep)

    assert not keep.aliases.exists()
    assert "actor.kind" not in merge.moved


# Duplicate candidates


def candidate_pairs() -> dict[frozenset, tuple[str, ...]]:
    return {
        frozenset({candidate.keep.name, candidate.duplicate.name}): candidate.reasons
        for candidate in duplicates.actor_duplicate_candidates()
    }


def test_duplicate_candidates_by_name_and_alias(django_assert_max_num_queries):
    first = ActorFactory(name="Benjamin Netanyahu")
    ActorAliasFactory(actor=first, name="Bibi")
    ActorAliasFactory(actor=ActorFactory(name="Binyamin Netanyahu"), name="bibi")
    ActorAliasFactory(actor=ActorFactory(name="The Prime Minister"), name="benjamin netanyahu")
    ActorFactory(name="Sébastien Lecornu")
    ActorFactory(name="Sebastien LECORNU")
    ActorFactory(name="Joe Biden")
    # Merged away (directly, as a merge would also add its name to the kept actor's aliases): not a candidate.
    merged_away = ActorFactory(name="Joe Biden")
    Actor.objects.filter(pk=merged_away.pk).update(merged_into=ActorFactory(name="Jill Biden"))

    with django_assert_max_num_queries(5):
        pairs = candidate_pairs()

    assert pairs == {
        frozenset({"Benjamin Netanyahu", "Binyamin Netanyahu"}): ('shared alias "bibi"',),
        frozenset({"Benjamin Netanyahu", "The Prime Minister"}): ('alias "benjamin netanyahu" is the other\'s name',),
        frozenset({"Sébastien Lecornu", "Sebastien LECORNU"}): ("same name",),
    }


def test_duplicate_candidates_suggest_keeping_the_one_linked_to_wikidata():
    older = ActorFactory(name="Joe Biden")
    newer = ActorFactory(name="Joe Biden", wikidata_id="Q6279")
    ActorFactory(name="Someone Else", wikidata_id="Q1")

    [candidate] = duplicates.actor_duplicate_candidates()

    assert (candidate.keep, candidate.duplicate) == (newer, older)


def test_duplicate_groups_are_read_whole_only_as_far_as_the_limit(django_assert_max_num_queries):
    for name in ("Carla Diaz", "Ana Lima", "Bo Chen"):
        ActorFactory(name=name)
        ActorFactory(name=name.upper())
    ActorFactory(name="Unique Person")

    with django_assert_max_num_queries(8):
        groups, count = duplicates.actor_duplicate_groups(limit=2)

    assert count == 3
    assert [group.keep.name for group in groups] == ["Ana Lima", "Bo Chen"]
    assert [len(group.actors) for group in groups] == [2, 2]
    assert groups[0].reasons == ("Ana Lima and ANA LIMA: same name",)
