"""Writes of statements: create, update, bulk status changes, and bringing a deleted one back."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from statements.choices import CurationStatus
from statements.conflicts import claim_version
from statements.history import acting_user, attribute_to, one_history_record, record_history
from statements.models import Actor, Communication, Place, Position, Source, Statement, Topic
from statements.services.records import set_relations, update_fields, validated_save


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
    update_fields(statement, fields)
    statement.updated_by = user if user is not None else statement.updated_by
    with one_history_record(attribute_to(statement, user)):
        validated_save(statement)
        set_relations(
            statement,
            {
                "addressees": addressees,
                "topics": topics,
                "mentioned_actors": mentioned_actors,
                "mentioned_places": mentioned_places,
            },
        )
    return statement


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
