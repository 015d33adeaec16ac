"""Writes the services refuse to protect curated work: stale updates and deletes other records depend on.

A record's `version` is raised by one, at the start of every write's transaction, by an UPDATE that
also checks the version the writer last read. That UPDATE takes the row lock (PostgreSQL) or the
database write lock (SQLite), so of two writers that read the same version exactly one gets through
and the other finds the version moved on, before either has written anything else.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q


class StaleRecordError(ValidationError):
    """A write based on a version of a record that is no longer the current one; nothing was written."""

    def __init__(self, instance: models.Model, *, expected_version: int | None, current_version: int | None):
        self.instance = instance
        self.expected_version = expected_version
        self.current_version = current_version
        name = instance._meta.verbose_name
        if current_version is None:
            message = f"This {name} was deleted by someone else since you opened it; nothing was saved."
        else:
            message = (
                f"This {name} was changed by someone else since you opened it: it is now at version "
                f"{current_version}, not {expected_version}. Reload it and make your change again; nothing was saved."
            )
        super().__init__(message, code="stale")


class RecordInUseError(ValidationError):
    """A delete refused because other records still refer to the record; the message says which, and how many."""

    def __init__(self, instance: models.Model, dependents: dict[str, int]):
        self.instance = instance
        self.dependents = dependents
        name = instance._meta.verbose_name
        used_by = _joined_counts(dependents)
        super().__init__(
            f"{name[:1].upper()}{name[1:]} '{instance}' cannot be deleted while other records depend on it: "
            f"it is used by {used_by}. Remove those links first.",
            code="in_use",
        )


def is_versioned(model: type[models.Model] | models.Model) -> bool:
    """Whether a model keeps a `version` for optimistic concurrency."""
    return any(field.name == "version" for field in model._meta.concrete_fields)


def claim_version(instance: models.Model, expected_version: int | None = None) -> int:
    """Raise a stored record's version by one, first checking it is still `expected_version` when one is given.

    Call it first thing inside the write's transaction: the row stays locked until the transaction
    ends, and the instance takes the new version so the save that follows keeps it.
    """
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1):
        # Changed or deleted meanwhile; without an expected version only a delete gets here.
        current = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        raise StaleRecordError(instance, expected_version=expected_version, current_version=current)
    if expected_version is not None:
        instance.version = expected_version + 1
    else:
        instance.version = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).get()
    return instance.version


def lock_version(instance: models.Model, expected_version: int | None = None) -> None:
    """Lock a record for the rest of the transaction (to delete it), first checking its version when one is given.

    `SELECT … FOR UPDATE` also waits for, and then sees, links other transactions are adding to it:
    their foreign keys take a share lock on the row it conflicts with.
    """
    model = type(instance)
    current = model._default_manager.select_for_update().filter(pk=instance.pk).values_list("version", flat=True)
    current = current.first()
    if expected_version is not None and current != expected_version:
        raise StaleRecordError(instance, expected_version=expected_version, current_version=current)


def dependents_of(instance: models.Model) -> dict[str, int]:
    """Records that refer to `instance` and would keep it from being deleted, counted by kind ("statements": 3).

    Protected foreign keys would stop the delete anyway; many-to-many links would not (Django removes
    them silently), so they count here too. Rows that belong to the record (its aliases, positions)
    are not dependents: they go with it, unless they are used themselves.
    """
    relations = [relation for relation in instance._meta.related_objects if not relation.hidden]
    through_models = {relation.through for relation in relations if relation.many_to_many}
    conditions: dict[type[models.Model], Q] = {}
    for relation in relations:
        referring_model = relation.related_model
        # A through model's protected key (Participation.actor) is already counted as its many-to-many link.
        protects = relation.on_delete in (models.PROTECT, models.RESTRICT) and referring_model not in through_models
        if relation.many_to_many or protects:
            condition = Q(**{relation.field.name: instance})
            conditions[referring_model] = conditions.get(referring_model, Q()) | condition
    counts = {}
    for referring_model, condition in conditions.items():
        count = referring_model._default_manager.filter(condition).values("pk").distinct().count()
        if count:
            meta = referring_model._meta
            counts[str(meta.verbose_name if count == 1 else meta.verbose_name_plural)] = count
    return dict(sorted(counts.items()))


def _joined_counts(counts: dict[str, int]) -> str:
    parts = [f"{count} {name}" for name, count in counts.items()]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
