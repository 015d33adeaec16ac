"""Writes and domain operations. The admin, the API, commands and imports all go through here.

Every service validates with `full_clean()` before it saves and runs in one transaction, so a
rejected write raises `ValidationError` naming the field and leaves the database unchanged.
"""

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from statements.choices import CurationStatus, DatePrecision, ParticipantRole
from statements.conflicts import RecordInUseError, claim_version, dependents_of, is_versioned, lock_version
from statements.extraction import (
    EXTRACTOR_NAME,
    EXTRACTOR_VERSION,
    ActorResolver,
    ExtractedStatement,
    Mention,
    extract,
    stored_actor_resolver,
)
from statements.history import (
    acting_user,
    attribute_to,
    change_reason,
    current_change_reason,
    one_history_record,
    record_history,
)
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
from statements.models.base import validate_date_fits_precision


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


def record_would_change(instance: models.Model, changes: dict[str, Any]) -> bool:
    """Whether an update with these values would change the stored record.

    A write that changes nothing is no write: no new version, no history entry, no 412 for the
    next writer. Fields, to-one relations and to-many relations (compared as sets of members) are
    compared with what is stored; any other value (aliases, participants) counts as a change.
    """
    for name, value in changes.items():
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            return True
        if field.many_to_many:
            if value is None:
                continue  # None leaves a to-many relation as it is (see _set_relations).
            if not all(isinstance(member, models.Model) for member in value):
                return True  # Members with more than themselves (participants and their roles).
            if set(getattr(instance, name).values_list("pk", flat=True)) != {member.pk for member in value}:
                return True
        elif not field.concrete or getattr(instance, field.attname) != (
            value.pk if isinstance(value, models.Model) else value
        ):
            return True
    return False


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


def _set_aliases(
    owner: models.Model, alias_model: type[models.Model], owner_field: str, names: Iterable[str], *, user=None
) -> None:
    wanted = list(dict.fromkeys(" ".join(name.split()) for name in names if name and name.strip()))
    # One by one, so each removed alias leaves a historical record naming who removed it.
    for stale in alias_model.objects.filter(**{owner_field: owner}).exclude(name__in=wanted):
        attribute_to(stale, user).delete()
    existing = set(alias_model.objects.filter(**{owner_field: owner}).values_list("name", flat=True))
    for name in wanted:
        if name not in existing:
            validated_save(attribute_to(alias_model(**{owner_field: owner, "name": name}), user))


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
    user=None,
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
    validated_save(attribute_to(actor, user))
    _set_aliases(actor, ActorAlias, "actor", aliases, user=user)
    return actor


@transaction.atomic
def actor_update(
    *, actor: Actor, aliases: Sequence[str] | None = None, user=None, expected_version: int | None = None, **fields: Any
) -> Actor:
    """Change an actor's fields and, when given, replace its aliases."""
    claim_version(actor, expected_version)
    _update_fields(actor, fields)
    validated_save(attribute_to(actor, user))
    if aliases is not None:
        _set_aliases(actor, ActorAlias, "actor", aliases, user=user)
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
    user=None,
) -> Position:
    """Record a position an actor held."""
    position = Position(
        actor=actor, title=title, organization=organization, country=country, start_date=start_date, end_date=end_date
    )
    return validated_save(attribute_to(position, user))


@transaction.atomic
def position_update(*, position: Position, user=None, expected_version: int | None = None, **fields: Any) -> Position:
    """Change a position's fields."""
    claim_version(position, expected_version)
    _update_fields(position, fields)
    return validated_save(attribute_to(position, user))


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
    user=None,
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
    validated_save(attribute_to(place, user))
    _set_aliases(place, PlaceAlias, "place", aliases, user=user)
    return place


@transaction.atomic
def place_update(
    *, place: Place, aliases: Sequence[str] | None = None, user=None, expected_version: int | None = None, **fields: Any
) -> Place:
    """Change a place's fields and, when given, replace its aliases."""
    claim_version(place, expected_version)
    _update_fields(place, fields)
    validated_save(attribute_to(place, user))
    if aliases is not None:
        _set_aliases(place, PlaceAlias, "place", aliases, user=user)
    return place


@transaction.atomic
def topic_create(*, slug: str, name: str = "", description: str = "", parent: Topic | None = None, user=None) -> Topic:
    """Record a new topic; its name defaults to its slug in words."""
    topic = Topic(slug=slug, name=name or slug.replace("-", " ").capitalize(), description=description, parent=parent)
    return validated_save(attribute_to(topic, user))


@transaction.atomic
def topic_update(*, topic: Topic, user=None, expected_version: int | None = None, **fields: Any) -> Topic:
    """Change a topic's fields."""
    claim_version(topic, expected_version)
    _update_fields(topic, fields)
    return validated_save(attribute_to(topic, user))


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
    user=None,
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
    with one_history_record(attribute_to(source, user)):
        validated_save(source)
        source.authors.set(authors)
    return source


@transaction.atomic
def source_update(
    *,
    source: Source,
    authors: Iterable[Actor] | None = None,
    user=None,
    expected_version: int | None = None,
    **fields: Any,
) -> Source:
    """Change a source's fields and, when given, its authors."""
    claim_version(source, expected_version)
    _update_fields(source, fields)
    with one_history_record(attribute_to(source, user)):
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
    _update_fields(communication, fields)
    with one_history_record(attribute_to(communication, user)):
        validated_save(communication)
        _set_relations(communication, {"topics": topics, "sources": sources})
    if participants is not None:
        _replace_participants(communication, participants, user=user)
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
    with one_history_record(attribute_to(statement, user)):
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
    expected_version: int | None = None,
    **fields: Any,
) -> Statement:
    """Change a statement's fields and, when given, its to-many relations, recording who changed it."""
    claim_version(statement, expected_version)
    _update_fields(statement, fields)
    statement.updated_by = user if user is not None else statement.updated_by
    with one_history_record(attribute_to(statement, user)):
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


def record_save(*, instance: models.Model, user=None, expected_version: int | None = None) -> models.Model:
    """Validate and save a record edited as a whole (as the admin does), stamping a statement's users.

    Saving a stored record raises its version, refused if it moved past `expected_version`.
    """
    if isinstance(instance, Statement) and user is not None and getattr(user, "is_authenticated", False):
        if instance.pk is None:
            instance.created_by = user
        instance.updated_by = user
    with transaction.atomic():
        if instance.pk is not None and is_versioned(instance):
            claim_version(instance, expected_version)
        return validated_save(attribute_to(instance, user))


@transaction.atomic
def statements_set_status(*, statements: models.QuerySet, status: str, user=None, reason: str | None = None) -> int:
    """Move many statements to a curation status at once; verifying needs every speaker resolved.

    `reason` is the change reason their history records (by default the current `change_reason`).
    """
    if status not in CurationStatus.values:
        raise ValidationError({"status": f"{status!r} is not a curation status."})
    if status == CurationStatus.VERIFIED:
        unresolved = list(statements.filter(speaker__isnull=True).values_list("pk", flat=True)[:20])
        if unresolved:
            ids = ", ".join(map(str, unresolved))
            raise ValidationError({"speaker": f"Statements without a resolved speaker cannot be verified: {ids}."})
    changes: dict[str, Any] = {"status": status, "updated_at": timezone.now(), "version": models.F("version") + 1}
    if user is not None and getattr(user, "is_authenticated", False):
        changes["updated_by"] = user
    ids = list(Statement.objects.filter(pk__in=statements.values("pk")).values_list("pk", flat=True))
    changed = Statement.objects.filter(pk__in=ids).update(**changes)
    # QuerySet.update() sends no signals: record each statement's new state, with its to-many members, here.
    record_history(list(Statement.objects.filter(pk__in=ids)), history_type="~", user=user, reason=reason)
    return changed


# History: bringing back deleted records


@transaction.atomic
def statement_restore(*, statement_id: int, user=None) -> Statement:
    """Bring back a deleted statement from its last historical record: the same id, uuid and to-many members.

    Raises Statement.DoesNotExist when no deleted statement has that id, and ValidationError when the
    id is in use again or a record it refers to is gone.
    """
    last = Statement.history.filter(id=statement_id).order_by("-history_date", "-history_id").first()
    if last is None or last.history_type != "-":
        raise Statement.DoesNotExist(f"No deleted statement has the id {statement_id}.")
    if Statement.objects.filter(pk=statement_id).exists():
        raise ValidationError({"id": f"A statement with the id {statement_id} exists again."})
    # Built from the stored values rather than `last.instance`, whose relations would read history "as of" then.
    statement = Statement(**{field.attname: getattr(last, field.attname) for field in type(last).tracked_fields})
    statement.version = last.version + 1
    user_model = Statement._meta.get_field("created_by").related_model
    if statement.created_by_id is not None and not user_model.objects.filter(pk=statement.created_by_id).exists():
        statement.created_by = None
    statement.updated_by = acting_user(user)
    # The deletion's own record has no to-many members (they go before the row does); the record before it has.
    before_deletion = (
        Statement.history.filter(id=statement_id, history_date__lte=last.history_date)
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )
    members = {}
    for field in Statement.history.model._history_m2m_fields:
        snapshot = getattr(before_deletion, field.name).all() if before_deletion is not None else []
        ids = {getattr(row, f"{field.m2m_reverse_field_name()}_id") for row in snapshot}
        present = set(field.related_model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if missing := sorted(ids - present):
            raise ValidationError({field.name: f"Records it referred to are gone: {', '.join(map(str, missing))}."})
        members[field.name] = ids
    with one_history_record(attribute_to(statement, user)):
        validated_save(statement)
        # auto_now_add stamped the restored row as created now; it was created when it was first recorded.
        Statement.objects.filter(pk=statement.pk).update(created_at=last.created_at)
        statement.created_at = last.created_at
        statement._change_reason = f"Restored after deletion (historical record {last.history_id})."
        for name, ids in members.items():
            getattr(statement, name).set(ids)
    return statement


# Merging actors (implemented in statements.merging, which needs nothing from this module)

from statements.merging import actor_merge as actor_merge  # noqa: E402
from statements.merging import actor_merge_undo as actor_merge_undo  # noqa: E402

# Extraction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractionResult:
    """What one extraction run did to a source: drafts created, proposals already standing, stale drafts removed."""

    created: list[Statement]
    unchanged: list[Statement]
    removed: int

    @property
    def statements(self) -> list[Statement]:
        """The statements that stand for this run's proposals, new and existing, in text order."""
        return sorted([*self.created, *self.unchanged], key=lambda statement: (statement.span_start or 0, statement.pk))


def extractor_label() -> str:
    """The current extractor as a statement records it: "name version"."""
    return f"{EXTRACTOR_NAME} {EXTRACTOR_VERSION}"


def extraction_digest(statement: Statement, *, addressee_ids: Iterable[int] = ()) -> str:
    """A fingerprint of everything a curator can change on a statement, its version and to-many members included.

    The extractor stores it on each draft it writes. Comparing it with the draft as it stands tells,
    whatever path a later write took (admin, API, import, bulk status change), whether anyone changed
    the draft since: such a draft is the curator's work and extraction never touches it again. On an
    unsaved statement the to-many members are the `addressee_ids` given; the extractor sets no others.
    """
    if statement.pk is None:
        members = {"addressees": sorted(addressee_ids), "topics": [], "mentioned_actors": [], "mentioned_places": []}
    else:
        members = {
            name: sorted(member.pk for member in getattr(statement, name).all())
            for name in ("addressees", "topics", "mentioned_actors", "mentioned_places")
        }
    fields = {
        field.attname: getattr(statement, field.attname)
        for field in Statement._meta.concrete_fields
        if field.name in _DIGESTED_FIELDS
    }
    payload = json.dumps({**fields, **members}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# What a curator decides about a statement; provenance (extractor, confidence) and stamps are left out.
_DIGESTED_FIELDS = frozenset(
    {
        "kind",
        "text",
        "status",
        "speaker",
        "speaker_as_written",
        "speaker_proposed_name",
        "position",
        "reported_by",
        "communication",
        "source",
        "span_start",
        "span_end",
        "date",
        "date_precision",
        "date_expression",
        "in_reply_to",
        "version",
    }
)


def is_untouched_draft(statement: Statement) -> bool:
    """Whether a statement is a draft the extractor wrote that nobody has changed since (prefetch its members)."""
    return (
        bool(statement.extractor)
        and statement.status == CurationStatus.DRAFT
        and statement.extraction_digest == extraction_digest(statement)
    )


@dataclass
class _Proposal:
    """A draft the extractor proposes, not yet saved, with its addressees and fingerprint."""

    statement: Statement
    addressee_ids: list[int]
    digest: str = ""

    @property
    def key(self) -> tuple[str, int, int]:
        return self.statement.kind, self.statement.span_start, self.statement.span_end


def _proposal_from(extracted: ExtractedStatement, *, source: Source, resolver: ActorResolver, user) -> _Proposal:
    def resolved_id(mention: Mention | None) -> int | None:
        resolution = resolver.resolve_mention(mention) if mention is not None else None
        return resolution.actor_id if resolution is not None else None

    speaker_resolution = resolver.resolve_mention(extracted.speaker) if extracted.speaker is not None else None
    speaker_id = speaker_resolution.actor_id if speaker_resolution is not None else None
    date, precision, expression = None, DatePrecision.UNKNOWN, ""
    if extracted.date is not None:
        date, precision, expression = extracted.date.value, extracted.date.precision, extracted.date.expression
        try:
            validate_date_fits_precision(date, precision)
        except ValidationError:
            # Keep the article's words for the curator; a date the model would refuse is not worth losing the draft.
            date, precision = None, DatePrecision.UNKNOWN
    statement = Statement(
        kind=extracted.kind,
        text=extracted.text,
        source=source,
        span_start=extracted.start,
        span_end=extracted.end,
        speaker_id=speaker_id,
        speaker_as_written=extracted.speaker.as_written[:300] if extracted.speaker else "",
        # An actor to propose only when the words name someone no stored actor unambiguously is.
        speaker_proposed_name=extracted.speaker.name[:300] if speaker_resolution and speaker_id is None else "",
        reported_by_id=resolved_id(extracted.reported_by),
        date=date,
        date_precision=precision,
        date_expression=expression[:200],
        status=CurationStatus.DRAFT,
        confidence=min(max(extracted.confidence, 0.0), 1.0),
        extractor=extractor_label(),
        created_by=acting_user(user),
        updated_by=acting_user(user),
    )
    addressee_ids = sorted({actor_id for actor_id in map(resolved_id, extracted.addressees) if actor_id is not None})
    return _Proposal(statement, addressee_ids)


@transaction.atomic
def source_extract_statements(*, source: Source, user=None) -> ExtractionResult:
    """Propose the statements in a source's text as drafts, with speakers matched to stored actors.

    Runs the extractor on the body (with the source's date when it is known to the day, for "on
    Thursday") and matches speakers, addressees and intermediaries to actors by name and alias;
    only unambiguous matches are linked and no actor is ever created: an unmatched speaker's name
    is kept as `speaker_proposed_name` for a curator to confirm. Each draft records its confidence
    and the extractor's name and version.

    Running it again is safe. A proposal already standing as a statement of the same kind and span
    (a draft from an earlier run or a curator's statement), or overlapping a statement of the same
    kind that a curator recorded or changed, is left as it is. Statements a curator has verified,
    rejected or changed in any way are never changed or deleted. An unchanged draft from an earlier
    run that this run proposes differently or no longer proposes at all is removed (and, when
    proposed differently, written anew), so re-running after adding actors resolves more speakers.
    """
    # The drafts' history says where they came from, unless the caller (a command, an import) says already.
    reason = current_change_reason() or f"Proposed by the extractor ({EXTRACTOR_NAME} {EXTRACTOR_VERSION})"
    with change_reason(reason):
        return _extract_statements(source, user)


def _extract_statements(source: Source, user) -> ExtractionResult:
    source = Source.objects.select_for_update().get(pk=source.pk)
    published = source.date if source.date_precision == DatePrecision.DAY else None
    resolver = stored_actor_resolver()
    proposals: dict[tuple[str, int, int], _Proposal] = {}
    for extracted in extract(source.body, published):
        proposal = _proposal_from(extracted, source=source, resolver=resolver, user=user)
        try:
            # Normalises the text as saving would, so the fingerprint compares like with like.
            proposal.statement.clean()
        except ValidationError as error:
            logger.warning("Extraction proposal in source %s skipped: %s", source.pk, error.messages)
            continue
        proposal.digest = extraction_digest(proposal.statement, addressee_ids=proposal.addressee_ids)
        proposals.setdefault(proposal.key, proposal)

    existing = list(
        source.statements.annotate(has_replies=models.Exists(Statement.objects.filter(in_reply_to=OuterRef("pk"))))
        .prefetch_related("addressees", "topics", "mentioned_actors", "mentioned_places")
        .order_by("span_start", "pk")
    )
    # A draft something replies to is part of the curated record, whatever its own fields say.
    replaceable = {
        statement.pk for statement in existing if is_untouched_draft(statement) and not statement.has_replies
    }
    curated = [statement for statement in existing if statement.pk not in replaceable]
    created: list[_Proposal] = []
    unchanged: dict[int, Statement] = {}
    for key, proposal in proposals.items():
        same_span = [
            statement for statement in existing if (statement.kind, statement.span_start, statement.span_end) == key
        ]
        standing = next(
            (
                statement
                for statement in same_span
                if statement.pk not in replaceable or statement.extraction_digest == proposal.digest
            ),
            None,
        ) or next((statement for statement in curated if _overlaps(statement, proposal.statement)), None)
        if standing is not None:
            unchanged[standing.pk] = standing
            continue
        created.append(proposal)

    removed = 0
    for statement in existing:
        if statement.pk in replaceable and statement.pk not in unchanged:
            # Refused, and the whole run undone, if a curator changed the draft since it was read above.
            record_delete(instance=statement, expected_version=statement.version, user=user)
            removed += 1
    for proposal in created:
        statement = proposal.statement
        statement.extraction_digest = proposal.digest
        with one_history_record(attribute_to(statement, user)):
            validated_save(statement)
            statement.addressees.set(proposal.addressee_ids)
    return ExtractionResult(
        created=[proposal.statement for proposal in created], unchanged=list(unchanged.values()), removed=removed
    )


def _overlaps(statement: Statement, proposed: Statement) -> bool:
    return (
        statement.kind == proposed.kind
        and statement.is_anchored
        and statement.span_start < proposed.span_end
        and proposed.span_start < statement.span_end
    )


# Deletes


@transaction.atomic
def record_delete(*, instance: models.Model, expected_version: int | None = None, user=None) -> None:
    """Delete a record nothing depends on; refused if its version moved past `expected_version`.

    Many-to-many links would otherwise vanish silently with the record (a topic from the statements
    about it), so any record that still refers to it, by a link or a protected key, refuses the delete.
    """
    if is_versioned(instance):
        lock_version(instance, expected_version)
    dependents = dependents_of(instance)
    if dependents:
        raise RecordInUseError(instance, dependents)
    try:
        attribute_to(instance, user).delete()
    except (models.ProtectedError, models.RestrictedError) as error:
        # A row that goes with the record (an actor's position) is itself in use.
        blockers = error.protected_objects if isinstance(error, models.ProtectedError) else error.restricted_objects
        raise RecordInUseError(instance, _count_by_kind(blockers)) from error


def _count_by_kind(records: Iterable[models.Model]) -> dict[str, int]:
    counts: dict[type[models.Model], int] = {}
    for record in records:
        counts[type(record)] = counts.get(type(record), 0) + 1
    return {
        str(model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural): count
        for model, count in counts.items()
    }
