"""Writes and domain operations. The admin, the API, commands and imports all go through here.

Every service validates with `full_clean()` before it saves and runs in one transaction, so a
rejected write raises `ValidationError` naming the field and leaves the database unchanged.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from statements.choices import CurationStatus, ParticipantRole
from statements.models import (
    Actor,
    ActorAlias,
    Communication,
    Participation,
    Place,
    PlaceAlias,
    Position,
    Source,
    Statement,
    Topic,
)


def validated_save(instance: models.Model) -> models.Model:
    """Validate a model instance fully and save it; a database conflict becomes a ValidationError."""
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        # A concurrent write can still beat full_clean() to a unique value. It is committed now, so
        # validating again names the field it took; only a conflict validation cannot see falls through.
        instance.validate_unique()
        instance.validate_constraints()
        raise ValidationError({NON_FIELD_ERRORS: f"The record conflicts with existing data: {error}"}) from error
    return instance


def unique_slug(model: type[models.Model], text: str, *, exclude_pk: Any = None) -> str:
    """A slug for `text` not yet used by `model`, suffixed -2, -3… when taken."""
    base = slugify(text)[:100] or model._meta.model_name
    taken = set(model.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True))
    candidate, counter = base, 2
    while candidate in taken:
        candidate, counter = f"{base}-{counter}", counter + 1
    return candidate


def _update_fields(instance: models.Model, fields: dict[str, Any]) -> None:
    # Keys, stamps and derived values (id, uuid, created_by, content_hash…) are not the caller's to set.
    settable = {field.name for field in instance._meta.concrete_fields if field.editable and not field.primary_key}
    for name, value in fields.items():
        if name not in settable:
            raise ValidationError({name: "Not a field that can be set here."})
        setattr(instance, name, value)


def _set_relations(instance: models.Model, relations: dict[str, Iterable[models.Model] | None]) -> None:
    """Replace the members of to-many relations; a relation given as None is left as it is."""
    for name, members in relations.items():
        if members is not None:
            getattr(instance, name).set(members)


def _set_aliases(owner: models.Model, alias_model: type[models.Model], owner_field: str, names: Iterable[str]) -> None:
    wanted = list(dict.fromkeys(" ".join(name.split()) for name in names if name and name.strip()))
    alias_model.objects.filter(**{owner_field: owner}).exclude(name__in=wanted).delete()
    existing = set(alias_model.objects.filter(**{owner_field: owner}).values_list("name", flat=True))
    for name in wanted:
        if name not in existing:
            validated_save(alias_model(**{owner_field: owner, "name": name}))


# Actors and positions


@transaction.atomic
def actor_create(
    *,
    kind: str,
    name: str,
    slug: str = "",
    aliases: Sequence[str] = (),
    description: str = "",
    country: str = "",
    wikidata_id: str | None = None,
    affiliation: Actor | None = None,
) -> Actor:
    """Record a new actor with its aliases."""
    actor = Actor(
        kind=kind,
        name=name,
        slug=slug or unique_slug(Actor, name),
        description=description,
        country=country,
        wikidata_id=wikidata_id or None,
        affiliation=affiliation,
    )
    validated_save(actor)
    _set_aliases(actor, ActorAlias, "actor", aliases)
    return actor


@transaction.atomic
def actor_update(*, actor: Actor, aliases: Sequence[str] | None = None, **fields: Any) -> Actor:
    """Change an actor's fields and, when given, replace its aliases."""
    _update_fields(actor, fields)
    validated_save(actor)
    if aliases is not None:
        _set_aliases(actor, ActorAlias, "actor", aliases)
    return actor


@transaction.atomic
def position_create(
    *,
    actor: Actor,
    title: str,
    organization: Actor | None = None,
    country: str = "",
    start_date=None,
    end_date=None,
) -> Position:
    """Record a position an actor held."""
    position = Position(
        actor=actor, title=title, organization=organization, country=country, start_date=start_date, end_date=end_date
    )
    return validated_save(position)


@transaction.atomic
def position_update(*, position: Position, **fields: Any) -> Position:
    """Change a position's fields."""
    _update_fields(position, fields)
    return validated_save(position)


# Places and topics


@transaction.atomic
def place_create(
    *,
    name: str,
    slug: str = "",
    kind: str = "other",
    aliases: Sequence[str] = (),
    country: str = "",
    parent: Place | None = None,
    latitude=None,
    longitude=None,
) -> Place:
    """Record a new place with its aliases."""
    place = Place(
        name=name,
        slug=slug or unique_slug(Place, name),
        kind=kind,
        country=country,
        parent=parent,
        latitude=latitude,
        longitude=longitude,
    )
    validated_save(place)
    _set_aliases(place, PlaceAlias, "place", aliases)
    return place


@transaction.atomic
def place_update(*, place: Place, aliases: Sequence[str] | None = None, **fields: Any) -> Place:
    """Change a place's fields and, when given, replace its aliases."""
    _update_fields(place, fields)
    validated_save(place)
    if aliases is not None:
        _set_aliases(place, PlaceAlias, "place", aliases)
    return place


@transaction.atomic
def topic_create(*, slug: str, name: str = "", description: str = "", parent: Topic | None = None) -> Topic:
    """Record a new topic; its name defaults to its slug in words."""
    topic = Topic(slug=slug, name=name or slug.replace("-", " ").capitalize(), description=description, parent=parent)
    return validated_save(topic)


@transaction.atomic
def topic_update(*, topic: Topic, **fields: Any) -> Topic:
    """Change a topic's fields."""
    _update_fields(topic, fields)
    return validated_save(topic)


# Sources


@transaction.atomic
def source_create(
    *,
    kind: str,
    title: str,
    body: str,
    url: str | None = None,
    publisher: Actor | None = None,
    authors: Iterable[Actor] = (),
    date=None,
    date_precision: str = "unknown",
    date_expression: str = "",
    language: str = "en",
    image_credit: str = "",
) -> Source:
    """Record a source document; the same body text cannot be stored twice."""
    source = Source(
        kind=kind,
        title=title,
        body=body,
        url=url or None,
        publisher=publisher,
        date=date,
        date_precision=date_precision,
        date_expression=date_expression,
        language=language,
        image_credit=image_credit,
    )
    validated_save(source)
    source.authors.set(authors)
    return source


@transaction.atomic
def source_update(*, source: Source, authors: Iterable[Actor] | None = None, **fields: Any) -> Source:
    """Change a source's fields and, when given, its authors."""
    _update_fields(source, fields)
    validated_save(source)
    _set_relations(source, {"authors": authors})
    return source


# Communications


def _validate_participants(participants: Sequence[tuple[Actor, str]]) -> None:
    seen = set()
    for actor, role in participants:
        if role not in ParticipantRole.values:
            raise ValidationError({"participants": f"{role!r} is not a participant role."})
        if (actor.pk, role) in seen:
            raise ValidationError({"participants": f"{actor} is listed twice as {role}."})
        seen.add((actor.pk, role))


@transaction.atomic
def communication_set_participants(*, communication: Communication, participants: Sequence[tuple[Actor, str]]) -> None:
    """Replace a communication's participants with (actor, role) pairs."""
    _validate_participants(participants)
    wanted = {(actor.pk, role) for actor, role in participants}
    current = {(p.actor_id, p.role): p for p in communication.participations.all()}
    stale = [p.pk for key, p in current.items() if key not in wanted]
    Participation.objects.filter(pk__in=stale).delete()
    Participation.objects.bulk_create(
        Participation(communication=communication, actor=actor, role=role)
        for actor, role in participants
        if (actor.pk, role) not in current
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
    validated_save(communication)
    communication_set_participants(communication=communication, participants=participants)
    communication.topics.set(topics)
    communication.sources.set(sources)
    return communication


@transaction.atomic
def communication_update(
    *,
    communication: Communication,
    participants: Sequence[tuple[Actor, str]] | None = None,
    topics: Iterable[Topic] | None = None,
    sources: Iterable[Source] | None = None,
    **fields: Any,
) -> Communication:
    """Change a communication's fields and, when given, replace its participants, topics or sources."""
    _update_fields(communication, fields)
    validated_save(communication)
    if participants is not None:
        communication_set_participants(communication=communication, participants=participants)
    _set_relations(communication, {"topics": topics, "sources": sources})
    return communication


# Statements


@transaction.atomic
def statement_create(
    *,
    kind: str,
    text: str,
    speaker: Actor | None = None,
    speaker_as_written: str = "",
    position: Position | None = None,
    reported_by: Actor | None = None,
    communication: Communication | None = None,
    source: Source | None = None,
    span_start: int | None = None,
    span_end: int | None = None,
    date=None,
    date_precision: str = "unknown",
    date_expression: str = "",
    in_reply_to: Statement | None = None,
    status: str = CurationStatus.DRAFT,
    addressees: Iterable[Actor] = (),
    topics: Iterable[Topic] = (),
    mentioned_actors: Iterable[Actor] = (),
    mentioned_places: Iterable[Place] = (),
    user=None,
) -> Statement:
    """Record a statement; a direct quote from a source is anchored to the words it reproduces."""
    statement = Statement(
        kind=kind,
        text=text,
        speaker=speaker,
        speaker_as_written=speaker_as_written,
        position=position,
        reported_by=reported_by,
        communication=communication,
        source=source,
        span_start=span_start,
        span_end=span_end,
        date=date,
        date_precision=date_precision,
        date_expression=date_expression,
        in_reply_to=in_reply_to,
        status=status,
        created_by=user,
        updated_by=user,
    )
    validated_save(statement)
    statement.addressees.set(addressees)
    statement.topics.set(topics)
    statement.mentioned_actors.set(mentioned_actors)
    statement.mentioned_places.set(mentioned_places)
    return statement


@transaction.atomic
def statement_update(
    *,
    statement: Statement,
    user=None,
    addressees: Iterable[Actor] | None = None,
    topics: Iterable[Topic] | None = None,
    mentioned_actors: Iterable[Actor] | None = None,
    mentioned_places: Iterable[Place] | None = None,
    **fields: Any,
) -> Statement:
    """Change a statement's fields and, when given, its to-many relations, recording who changed it."""
    _update_fields(statement, fields)
    statement.updated_by = user if user is not None else statement.updated_by
    validated_save(statement)
    _set_relations(
        statement,
        {
            "addressees": addressees,
            "topics": topics,
            "mentioned_actors": mentioned_actors,
            "mentioned_places": mentioned_places,
        },
    )
    return statement


def record_save(*, instance: models.Model, user=None) -> models.Model:
    """Validate and save a record edited as a whole (as the admin does), stamping a statement's users."""
    if isinstance(instance, Statement) and user is not None and getattr(user, "is_authenticated", False):
        if instance.pk is None:
            instance.created_by = user
        instance.updated_by = user
    with transaction.atomic():
        return validated_save(instance)


@transaction.atomic
def statements_set_status(*, statements: models.QuerySet, status: str, user=None) -> int:
    """Move many statements to a curation status at once; verifying needs every speaker resolved."""
    if status not in CurationStatus.values:
        raise ValidationError({"status": f"{status!r} is not a curation status."})
    if status == CurationStatus.VERIFIED:
        unresolved = list(statements.filter(speaker__isnull=True).values_list("pk", flat=True)[:20])
        if unresolved:
            ids = ", ".join(map(str, unresolved))
            raise ValidationError({"speaker": f"Statements without a resolved speaker cannot be verified: {ids}."})
    changes: dict[str, Any] = {"status": status, "updated_at": timezone.now()}
    if user is not None and getattr(user, "is_authenticated", False):
        changes["updated_by"] = user
    return Statement.objects.filter(pk__in=statements.values("pk")).update(**changes)

# Merging actors (implemented in statements.merging, which needs nothing from this module)

from statements.merging import actor_merge as actor_merge  # noqa: E402
from statements.merging import actor_merge_undo as actor_merge_undo  # noqa: E402
