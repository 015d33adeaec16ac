"""Writes of communications and their participants."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from statements.choices import ParticipantRole
from statements.conflicts import claim_version
from statements.history import acting_user, attribute_to, current_change_reason, one_history_record
from statements.models import Actor, Communication, Participation, Place, Source, Topic
from statements.services.records import set_relations, update_fields, validated_save


def _validate_participants(participants: Sequence[tuple[Actor, str]]) -> None:
    seen = set()
    for actor, role in participants:
        if role not in ParticipantRole.values:
            raise ValidationError({"participants": f"{role!r} is not a participant role."})
        if (actor.pk, role) in seen:
            raise ValidationError({"participants": f"{actor} is listed twice as {role}."})
        seen.add((actor.pk, role))


@transaction.atomic
def communication_set_participants(
    *, communication: Communication, participants: Sequence[tuple[Actor, str]], user=None, expected_version=None
) -> None:
    """Replace a communication's participants with (actor, role) pairs, a change that raises its version."""
    claim_version(communication, expected_version)
    _replace_participants(communication, participants, user=user)


def _replace_participants(communication: Communication, participants: Sequence[tuple[Actor, str]], *, user) -> None:
    _validate_participants(participants)
    wanted = {(actor.pk, role) for actor, role in participants}
    current = {(p.actor_id, p.role): p for p in communication.participations.all()}
    for key, participation in current.items():
        if key not in wanted:
            attribute_to(participation, user).delete()
    bulk_create_with_history(
        [
            Participation(communication=communication, actor=actor, role=role)
            for actor, role in participants
            if (actor.pk, role) not in current
        ],
        Participation,
        default_user=acting_user(user),
        default_change_reason=current_change_reason(),
    )


@transaction.atomic
def communication_create(
    *,
    kind: str,
    title: str,
    summary: str = "",
    date=None,
    date_precision: str = "unknown",
    date_expression: str = "",
    duration_minutes: int | None = None,
    duration_is_approximate: bool = False,
    duration_according_to: Actor | None = None,
    place: Place | None = None,
    regarding: Communication | None = None,
    participants: Sequence[tuple[Actor, str]] = (),
    topics: Iterable[Topic] = (),
    sources: Iterable[Source] = (),
    user=None,
) -> Communication:
    """Record a communication with its participants, topics and reporting sources."""
    communication = Communication(
        kind=kind,
        title=title,
        summary=summary,
        date=date,
        date_precision=date_precision,
        date_expression=date_expression,
        duration_minutes=duration_minutes,
        duration_is_approximate=duration_is_approximate,
        duration_according_to=duration_according_to,
        place=place,
        regarding=regarding,
    )
    with one_history_record(attribute_to(communication, user)):
        validated_save(communication)
        communication.topics.set(topics)
        communication.sources.set(sources)
    _replace_participants(communication, participants, user=user)
    return communication


@transaction.atomic
def communication_update(
    *,
    communication: Communication,
    participants: Sequence[tuple[Actor, str]] | None = None,
    topics: Iterable[Topic] | None = None,
    sources: Iterable[Source] | None = None,
    user=None,
    expected_version: int | None = None,
    **fields: Any,
) -> Communication:
    """Change a communication's fields and, when given, replace its participants, topics or sources."""
    claim_version(communication, expected_version)
    update_fields(communication, fields)
    with one_history_record(attribute_to(communication, user)):
        validated_save(communication)
        set_relations(communication, {"topics": topics, "sources": sources})
    if participants is not None:
        _replace_participants(communication, participants, user=user)
    return communication
