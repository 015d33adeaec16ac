"""Writes of places and topics."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from statements.conflicts import claim_version
from statements.history import attribute_to
from statements.models import Place, PlaceAlias, Topic
from statements.services.records import set_aliases, unique_slug, update_fields, validated_save


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
    set_aliases(place, PlaceAlias, "place", aliases, user=user)
    return place


@transaction.atomic
def place_update(
    *, place: Place, aliases: Sequence[str] | None = None, user=None, expected_version: int | None = None, **fields: Any
) -> Place:
    """Change a place's fields and, when given, replace its aliases."""
    claim_version(place, expected_version)
    update_fields(place, fields)
    validated_save(attribute_to(place, user))
    if aliases is not None:
        set_aliases(place, PlaceAlias, "place", aliases, user=user)
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
    update_fields(topic, fields)
    return validated_save(attribute_to(topic, user))
