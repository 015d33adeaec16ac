"""Writing any curated record: validated saves, slugs, whole-record saves and deletes (as the admin makes them)."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

from statements.conflicts import RecordInUseError, claim_version, dependents_of, is_versioned, lock_version
from statements.history import attribute_to
from statements.models import Statement


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
                continue  # None leaves a to-many relation as it is (see set_relations).
            if not all(isinstance(member, models.Model) for member in value):
                return True  # Members with more than themselves (participants and their roles).
            if set(getattr(instance, name).values_list("pk", flat=True)) != {member.pk for member in value}:
                return True
        elif not field.concrete or getattr(instance, field.attname) != (
            value.pk if isinstance(value, models.Model) else value
        ):
            return True
    return False


def update_fields(instance: models.Model, fields: dict[str, Any]) -> None:
    # Keys, stamps and derived values (id, uuid, created_by, content_hash…) are not the caller's to set.
    settable = {field.name for field in instance._meta.concrete_fields if field.editable and not field.primary_key}
    for name, value in fields.items():
        if name not in settable:
            raise ValidationError({name: "Not a field that can be set here."})
        setattr(instance, name, value)


def set_relations(instance: models.Model, relations: dict[str, Iterable[models.Model] | None]) -> None:
    """Replace the members of to-many relations; a relation given as None is left as it is."""
    for name, members in relations.items():
        if members is not None:
            getattr(instance, name).set(members)


def set_aliases(
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
