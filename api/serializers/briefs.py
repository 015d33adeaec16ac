"""Brief representations embedded in other resources: enough to show a record without fetching it."""

from collections.abc import Callable

from rest_framework import serializers

from api.links import ApiLinks
from api.serializers.fields import iso_date
from statements.models import Actor, Communication, Place, Position, Source, Statement, Topic


class ActorBriefSerializer(serializers.ModelSerializer):
    """An actor's id, link, name and kind."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:actor-detail")

    class Meta:
        model = Actor
        fields = ["id", "api_url", "name", "kind"]
        read_only_fields = fields


class PositionBriefSerializer(serializers.ModelSerializer):
    """A position's id, link and title."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:position-detail")

    class Meta:
        model = Position
        fields = ["id", "api_url", "title"]
        read_only_fields = fields


class PlaceBriefSerializer(serializers.ModelSerializer):
    """A place's id, link, name and kind."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:place-detail")

    class Meta:
        model = Place
        fields = ["id", "api_url", "name", "kind"]
        read_only_fields = fields


class TopicBriefSerializer(serializers.ModelSerializer):
    """A topic's id, link, slug and name."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:topic-detail")

    class Meta:
        model = Topic
        fields = ["id", "api_url", "slug", "name"]
        read_only_fields = fields


class SourceBriefSerializer(serializers.ModelSerializer):
    """A source's id, link, title and the address it was published at."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:source-detail")

    class Meta:
        model = Source
        fields = ["id", "api_url", "title", "url"]
        read_only_fields = fields


class CommunicationBriefSerializer(serializers.ModelSerializer):
    """A communication's id, link, kind, title and date."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:communication-detail")

    class Meta:
        model = Communication
        fields = ["id", "api_url", "kind", "title", "date", "date_precision"]
        read_only_fields = fields


class StatementBriefSerializer(serializers.ModelSerializer):
    """A statement's id, link, kind and text."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:statement-detail")

    class Meta:
        model = Statement
        fields = ["id", "api_url", "kind", "text"]
        read_only_fields = fields


# The same briefs as plain dicts, for read paths that build representations from columns: one function per shape.


def actor_brief(links: ApiLinks, pk: int | None, name: str, kind: str) -> dict | None:
    """ActorBrief from an actor's id, name and kind; None without an id."""
    return None if pk is None else {"id": pk, "api_url": links.detail("actor", pk), "name": name, "kind": kind}


def position_brief(links: ApiLinks, pk: int | None, title: str) -> dict | None:
    """PositionBrief from a position's id and title."""
    return None if pk is None else {"id": pk, "api_url": links.detail("position", pk), "title": title}


def place_brief(links: ApiLinks, pk: int | None, name: str, kind: str) -> dict | None:
    """PlaceBrief from a place's id, name and kind."""
    return None if pk is None else {"id": pk, "api_url": links.detail("place", pk), "name": name, "kind": kind}


def topic_brief(links: ApiLinks, pk: int | None, slug: str, name: str) -> dict | None:
    """TopicBrief from a topic's id, slug and name."""
    return None if pk is None else {"id": pk, "api_url": links.detail("topic", pk), "slug": slug, "name": name}


def source_brief(links: ApiLinks, pk: int | None, title: str, url: str | None) -> dict | None:
    """SourceBrief from a source's id, title and URL."""
    return None if pk is None else {"id": pk, "api_url": links.detail("source", pk), "title": title, "url": url}


def communication_brief(links: ApiLinks, pk: int | None, kind: str, title: str, date, date_precision: str):
    """CommunicationBrief from a communication's id, kind, title, date and precision."""
    if pk is None:
        return None
    return {
        "id": pk,
        "api_url": links.detail("communication", pk),
        "kind": kind,
        "title": title,
        "date": iso_date(date),
        "date_precision": date_precision,
    }


def statement_brief(links: ApiLinks, pk: int | None, kind: str, text: str) -> dict | None:
    """StatementBrief from a statement's id, kind and text."""
    return None if pk is None else {"id": pk, "api_url": links.detail("statement", pk), "kind": kind, "text": text}


def brief_of(links: ApiLinks, related, brief: Callable[..., dict | None], *attributes: str) -> dict | None:
    """The brief of a related model instance (None for none), from the attributes its shape shows."""
    if related is None:
        return None
    return brief(links, related.pk, *(getattr(related, name) for name in attributes))
