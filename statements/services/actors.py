"""Writes of actors and the positions they hold."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from statements.conflicts import claim_version
from statements.history import attribute_to
from statements.models import Actor, ActorAlias, Position
from statements.services.records import set_aliases, unique_slug, update_fields, validated_save


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
    set_aliases(actor, ActorAlias, "actor", aliases, user=user)
    return actor


@transaction.atomic
def actor_update(
    *, actor: Actor, aliases: Sequence[str] | None = None, user=None, expected_version: int | None = None, **fields: Any
) -> Actor:
    """Change an actor's fields and, when given, replace its aliases."""
    claim_version(actor, expected_version)
    update_fields(actor, fields)
    validated_save(attribute_to(actor, user))
    if aliases is not None:
        set_aliases(actor, ActorAlias, "actor", aliases, user=user)
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
    update_fields(position, fields)
    return validated_save(attribute_to(position, user))
