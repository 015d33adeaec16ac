"""Brief representations embedded in other resources: enough to show a record without fetching it."""

from rest_framework import serializers

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
