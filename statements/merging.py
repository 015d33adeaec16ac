"""Merging a duplicate actor into another, and undoing it.

A merge moves every reference to the duplicate — statements it spoke, relayed, was addressed
in or mentioned in, participations, positions, affiliations, sources, duration accounts,
aliases, its Wikidata id — to the actor kept, in one transaction. The duplicate stays as a row
whose `merged_into` points at the actor kept, so links to it keep working. The `ActorMerge`
record lists exactly which rows moved, relation by relation, so an undo moves back those rows
and no others.

`ActorMerge.moved` holds, by relation key ("statement.speaker", "participation.actor"…), the
ids of the rows that moved. For to-many relations and participations, "<key>.dropped" lists the
rows where the actor kept was already present, so only the duplicate's link was removed (a
participation dropped that way is kept whole, to be recreated on undo). "actor_alias.dropped"
keeps aliases the actor kept already had, "actor_alias.added" the alias made of the
duplicate's name, "actor.wikidata_id" a Wikidata id that moved and "actor.kind" the
duplicate's kind when it differed from the kept actor's.

Every changed row gets a history record with the user and a change reason naming the merge.
Statements, sources and communications are saved one by one because their history snapshots
their to-many relations, which a bulk history record would record as empty; the other rows
are written with django-simple-history's bulk helpers.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from statements.models import (
    Actor,
    ActorAlias,
    ActorMerge,
    Communication,
    Participation,
    Position,
    Source,
    Statement,
)
from statements.text import normalize_name

#: Foreign keys to an actor on records whose history also snapshots to-many relations: saved one by one.
SNAPSHOT_FOREIGN_KEYS = [
    ("statement.speaker", Statement, "speaker"),
    ("statement.reported_by", Statement, "reported_by"),
    ("source.publisher", Source, "publisher"),
    ("communication.duration_according_to", Communication, "duration_according_to"),
]

#: To-many relations to actors, by the model holding them.
MANY_TO_MANY = [
    ("statement.addressees", Statement, "addressees"),
    ("statement.mentioned_actors", Statement, "mentioned_actors"),
    ("source.authors", Source, "authors"),
]

#: Foreign keys to an actor on records without to-many history: updated in bulk with history.
BULK_FOREIGN_KEYS = [
    ("position.actor", Position, "actor"),
    ("position.organization", Position, "organization"),
    ("actor.affiliation", Actor, "affiliation"),
    ("actor.merged_into", Actor, "merged_into"),
]

#: Every relation key a merge can record rows under, in the order they are reported.
RELATION_KEYS = [
    *(key for key, _, _ in SNAPSHOT_FOREIGN_KEYS),
    *(key for key, _, _ in MANY_TO_MANY),
    *(f"{key}.dropped" for key, _, _ in MANY_TO_MANY),
    "participation.actor",
    "participation.actor.dropped",
    *(key for key, _, _ in BULK_FOREIGN_KEYS),
    "actor_alias.actor",
    "actor_alias.dropped",
    "actor_alias.added",
]


def merge_moved_counts(merge: ActorMerge) -> dict[str, int]:
    """How many rows moved (or were dropped or added) per relation, for the relations that had any."""
    return {key: len(merge.moved[key]) for key in RELATION_KEYS if merge.moved.get(key)}


class _History:
    """Who and why, stamped on every history record a merge or an undo writes."""

    def __init__(self, *, user, reason: str):
        self.user = user if user is not None and getattr(user, "is_authenticated", False) else None
        self.reason = reason

    def stamp(self, instance: models.Model) -> models.Model:
        # Left unset, the history user comes from the request (HistoryRequestMiddleware), if there is one.
        if self.user is not None:
            instance._history_user = self.user
        instance._change_reason = self.reason
        return instance

    def bulk_update(self, rows: list[models.Model], model: type[models.Model], fields: list[str]) -> None:
        if not rows:
            return
        if issubclass(model, Actor | Position):
            now = timezone.now()
            for row in rows:
                row.version += 1
                row.updated_at = now
            fields = [*fields, "version", "updated_at"]
        bulk_update_with_history(
            rows, model, fields, default_user=self.user, default_change_reason=self.reason, batch_size=500
        )

    def save(self, instance: models.Model, fields: Iterable[str] = ()) -> None:
        """Save changed fields (and a new version) of an existing record, with its history record."""
        self.stamp(instance)
        instance.version += 1
        instance.save(update_fields=[*fields, "version", "updated_at"])

    def delete(self, instance: models.Model) -> None:
        self.stamp(instance).delete()

    def create(self, instance: models.Model) -> models.Model:
        instance.full_clean()
        self.stamp(instance).save(force_insert=True)
        return instance


def _locked(queryset: models.QuerySet) -> list[models.Model]:
    # Rows a merge rewrites are locked until it commits, so a concurrent edit waits and then sees a new version.
    return list(queryset.order_by("pk").select_for_update())


class _Mover:
    """Moves references from one actor to another, collecting the records whose history must be rewritten."""

    def __init__(self, *, old: Actor, new: Actor, history: _History):
        self.old, self.new, self.history = old, new, history
        # Snapshot-history records to save once each at the end: {model: {pk: changed foreign key fields}}.
        self.to_save: dict[type[models.Model], dict[int, set[str]]] = {
            Statement: {},
            Source: {},
            Communication: {},
        }

    def foreign_keys(self, only: dict[str, list[int]] | None = None) -> dict[str, list[int]]:
        """Point the snapshot-history foreign keys at the new actor (all of them, or only the listed rows)."""
        moved = {}
        for key, model, field in SNAPSHOT_FOREIGN_KEYS:
            rows = model.objects.filter(**{field: self.old})
            if only is not None:
                rows = rows.filter(pk__in=only.get(key, []))
            moved[key] = sorted(rows.values_list("pk", flat=True))
            for pk in moved[key]:
                self.to_save[model].setdefault(pk, set()).add(field)
        return moved

    def many_to_many(self, only: dict[str, list[int]] | None = None) -> dict[str, list[int]]:
        """Replace the old actor by the new one in to-many relations; where the new one is there, drop the old."""
        moved = {}
        for key, model, field in MANY_TO_MANY:
            through, owner, member = self._through(model, field)
            links = through.objects.filter(**{member: self.old.pk})
            if only is not None:
                links = links.filter(**{f"{owner}__in": only.get(key, [])})
            owners = set(links.values_list(owner, flat=True))
            already = set(
                through.objects.filter(**{member: self.new.pk, f"{owner}__in": owners}).values_list(owner, flat=True)
            )
            self._lock(model, owners)
            through.objects.filter(**{member: self.old.pk, f"{owner}__in": already}).delete()
            through.objects.filter(**{member: self.old.pk, f"{owner}__in": owners - already}).update(
                **{member: self.new.pk}
            )
            moved[key], moved[f"{key}.dropped"] = sorted(owners - already), sorted(already)
            for pk in owners:
                self.to_save[model].setdefault(pk, set())
        return moved

    def add_to_many(self, key: str, owner_ids: Iterable[int]) -> None:
        """Link the new actor to records (where it is not linked yet), as an undo restores dropped links."""
        model, field = next((model, field) for name, model, field in MANY_TO_MANY if name == key)
        through, owner, member = self._through(model, field)
        existing_owners = set(model.objects.filter(pk__in=owner_ids).values_list("pk", flat=True))
        linked = set(
            through.objects.filter(**{member: self.new.pk, f"{owner}__in": existing_owners}).values_list(
                owner, flat=True
            )
        )
        missing = existing_owners - linked
        self._lock(model, missing)
        through.objects.bulk_create(through(**{owner: pk, member: self.new.pk}) for pk in sorted(missing))
        for pk in missing:
            self.to_save[model].setdefault(pk, set())

    def participations(self, only: list[int] | None = None) -> tuple[list[int], list[dict[str, Any]]]:
        """Move participations; one the new actor already has (same communication and role) is dropped."""
        rows = Participation.objects.filter(actor=self.old)
        if only is not None:
            rows = rows.filter(pk__in=only)
        rows = _locked(rows)
        taken = set(
            Participation.objects.filter(
                actor=self.new, communication__in={row.communication_id for row in rows}
            ).values_list("communication_id", "role")
        )
        moving = [row for row in rows if (row.communication_id, row.role) not in taken]
        dropping = [row for row in rows if (row.communication_id, row.role) in taken]
        dropped = [{"id": row.pk, "communication": row.communication_id, "role": row.role} for row in dropping]
        for row in dropping:
            self.history.delete(row)
        for row in moving:
            row.actor = self.new
        self.history.bulk_update(moving, Participation, ["actor"])
        # A communication's participants are part of its representation: its version changes with them.
        for row in rows:
            self.to_save[Communication].setdefault(row.communication_id, set())
        return sorted(row.pk for row in moving), dropped

    def recreate_participations(self, dropped: list[dict[str, Any]]) -> None:
        """Recreate participations a merge dropped, for the new actor, unless it already has them."""
        for row in dropped:
            communication_exists = Communication.objects.filter(pk=row["communication"]).exists()
            has_it = Participation.objects.filter(
                communication_id=row["communication"], actor=self.new, role=row["role"]
            ).exists()
            if not communication_exists or has_it:
                continue
            pk = None if Participation.objects.filter(pk=row["id"]).exists() else row["id"]
            self.history.create(
                Participation(pk=pk, communication_id=row["communication"], actor=self.new, role=row["role"])
            )
            self.to_save[Communication].setdefault(row["communication"], set())

    def bulk_foreign_keys(self, only: dict[str, list[int]] | None = None) -> dict[str, list[int]]:
        """Point positions, affiliations and earlier merges at the new actor."""
        moved = {}
        for key, model, field in BULK_FOREIGN_KEYS:
            rows = model.objects.filter(**{field: self.old})
            if only is not None:
                rows = rows.filter(pk__in=only.get(key, []))
            rows = _locked(rows)
            for row in rows:
                setattr(row, field, self.new)
            self.history.bulk_update(rows, model, [field])
            moved[key] = [row.pk for row in rows]
        return moved

    def save_collected(self) -> None:
        """Write each collected record once: new foreign keys, a new version, one history record."""
        for model, changes in self.to_save.items():
            for record in _locked(model.objects.filter(pk__in=changes)):
                for field in changes[record.pk]:
                    setattr(record, field, self.new)
                self.history.save(record, changes[record.pk])

    def _lock(self, model: type[models.Model], pks: Iterable[int]) -> None:
        pks = list(pks)
        if pks:
            _locked(model.objects.filter(pk__in=pks).only("pk"))

    @staticmethod
    def _through(model: type[models.Model], field_name: str) -> tuple[type[models.Model], str, str]:
        field = model._meta.get_field(field_name)
        return field.remote_field.through, field.m2m_column_name(), field.m2m_reverse_name()


def _validate_merge(merged: Actor, into: Actor) -> None:
    if merged.pk == into.pk:
        raise ValidationError({"into": "An actor cannot be merged into itself."})
    if merged.merged_into_id is not None:
        raise ValidationError({NON_FIELD_ERRORS: f"{merged} was already merged into actor {merged.merged_into_id}."})
    if into.merged_into_id is not None:
        raise ValidationError(
            {"into": f"{into} was itself merged into actor {into.merged_into_id}; merge into that actor instead."}
        )
    if into.affiliation_id == merged.pk:
        raise ValidationError(
            {"into": f"{into} is affiliated with {merged}: change that affiliation before merging them."}
        )
    within = Position.objects.filter(
        Q(actor=into, organization=merged) | Q(actor=merged, organization=into)
    ).values_list("pk", flat=True)
    if within:
        ids = ", ".join(map(str, within))
        raise ValidationError(
            {"into": f"One actor holds a position within the other (position {ids}): change it before merging them."}
        )


def _lock_actors(*actors: Actor) -> list[Actor]:
    """The actors as they are now, locked until the transaction ends, in the order given."""
    locked = {actor.pk: actor for actor in _locked(Actor.objects.filter(pk__in=[actor.pk for actor in actors]))}
    missing = [actor for actor in actors if actor.pk not in locked]
    if missing:
        raise ValidationError({NON_FIELD_ERRORS: f"Actor {missing[0].pk} does not exist."})
    return [locked[actor.pk] for actor in actors]


def _move_aliases(*, merged: Actor, into: Actor, history: _History) -> dict[str, list]:
    """Give the kept actor the duplicate's aliases and name, leaving out names it already has (folded)."""
    known = {normalize_name(into.name)} | set(into.aliases.values_list("normalized_name", flat=True))
    aliases = _locked(ActorAlias.objects.filter(actor=merged))
    dropping = [alias for alias in aliases if alias.normalized_name in known]
    moving = [alias for alias in aliases if alias.normalized_name not in known]
    dropped = [{"id": alias.pk, "name": alias.name} for alias in dropping]
    for alias in dropping:
        history.delete(alias)
    for alias in moving:
        alias.actor = into
    history.bulk_update(moving, ActorAlias, ["actor"])
    known |= {alias.normalized_name for alias in moving}
    added = []
    if normalize_name(merged.name) not in known:
        added.append(history.create(ActorAlias(actor=into, name=merged.name)).pk)
    return {
        "actor_alias.actor": [alias.pk for alias in moving],
        "actor_alias.dropped": dropped,
        "actor_alias.added": added,
    }


def _restore_aliases(*, merge: ActorMerge, merged: Actor, into: Actor, history: _History) -> None:
    moved = merge.moved
    for alias in _locked(ActorAlias.objects.filter(pk__in=moved.get("actor_alias.added", []), actor=into)):
        history.delete(alias)
    taken = set(ActorAlias.objects.filter(actor=merged).values_list("name", flat=True))
    returning = [
        alias
        for alias in _locked(ActorAlias.objects.filter(pk__in=moved.get("actor_alias.actor", []), actor=into))
        if alias.name not in taken
    ]
    for alias in returning:
        alias.actor = merged
    history.bulk_update(returning, ActorAlias, ["actor"])
    taken |= {alias.name for alias in returning}
    for row in moved.get("actor_alias.dropped", []):
        if row["name"] in taken:
            continue
        pk = None if ActorAlias.objects.filter(pk=row["id"]).exists() else row["id"]
        history.create(ActorAlias(pk=pk, actor=merged, name=row["name"]))


@transaction.atomic
def actor_merge(*, merged: Actor, into: Actor, user=None) -> ActorMerge:
    """Merge a duplicate actor into another: every reference moves to `into`, and `merged` points there."""
    merged, into = _lock_actors(merged, into)
    _validate_merge(merged, into)
    history = _History(user=user, reason=f"Merge of actor {merged.pk} into actor {into.pk}")
    merge = ActorMerge.objects.create(merged=merged, into=into, merged_by=history.user)
    history.reason = f"Merge {merge.pk}: actor {merged.pk} into actor {into.pk}"

    mover = _Mover(old=merged, new=into, history=history)
    moved: dict[str, Any] = {}
    moved.update(mover.foreign_keys())
    moved.update(mover.many_to_many())
    moved["participation.actor"], moved["participation.actor.dropped"] = mover.participations()
    moved.update(mover.bulk_foreign_keys())
    mover.save_collected()
    moved.update(_move_aliases(merged=merged, into=into, history=history))

    if merged.kind != into.kind:
        moved["actor.kind"] = merged.kind
    merged.refresh_from_db()
    into.refresh_from_db()
    if merged.wikidata_id and not into.wikidata_id:
        # The id is unique: the duplicate gives it up before the kept actor takes it.
        moved["actor.wikidata_id"], into.wikidata_id = merged.wikidata_id, merged.wikidata_id
        merged.wikidata_id = None
        history.save(merged, ["wikidata_id"])
        history.save(into, ["wikidata_id"])
    merged.merged_into = into
    history.save(merged, ["merged_into"])

    merge.moved = moved
    merge.save(update_fields=["moved"])
    return merge


@transaction.atomic
def actor_merge_undo(*, merge: ActorMerge, user=None) -> ActorMerge:
    """Undo a merge: the rows it moved that still point at the kept actor move back, and the duplicate is restored.

    Rows changed since the merge (no longer pointing at the kept actor) are left as they are now.
    """
    merge = ActorMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ValidationError({NON_FIELD_ERRORS: f"Merge {merge.pk} was already undone."})
    merged, into = _lock_actors(merge.merged, merge.into)
    if into.merged_into_id is not None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"{into} was merged into actor {into.merged_into_id} after this merge: "
                "undo that merge first."
            }
        )
    if merged.merged_into_id != into.pk:
        raise ValidationError({NON_FIELD_ERRORS: f"{merged} no longer points at {into}; nothing to undo."})
    history = _History(user=user, reason=f"Undo of merge {merge.pk}: actor {merged.pk} out of actor {into.pk}")
    moved = merge.moved

    # The duplicate first, so rows moving back find it restored (and its Wikidata id free on the kept actor).
    wikidata_id = moved.get("actor.wikidata_id")
    if wikidata_id and into.wikidata_id == wikidata_id:
        into.wikidata_id = None
        history.save(into, ["wikidata_id"])
        merged.wikidata_id = wikidata_id
    merged.merged_into = None
    history.save(merged, ["merged_into", "wikidata_id"])

    mover = _Mover(old=into, new=merged, history=history)
    mover.foreign_keys(only=moved)
    mover.many_to_many(only=moved)
    for key, _, _ in MANY_TO_MANY:
        mover.add_to_many(key, moved.get(f"{key}.dropped", []))
    mover.participations(only=moved.get("participation.actor", []))
    mover.recreate_participations(moved.get("participation.actor.dropped", []))
    mover.bulk_foreign_keys(only=moved)
    mover.save_collected()
    _restore_aliases(merge=merge, merged=merged, into=into, history=history)

    merge.undone_at = timezone.now()
    merge.undone_by = history.user
    merge.save(update_fields=["undone_at", "undone_by"])
    return merge
