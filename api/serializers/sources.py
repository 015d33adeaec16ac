"""Source representation."""

from rest_framework import serializers

from api.serializers.briefs import ActorBriefSerializer
from api.serializers.fields import EmbeddedRelatedField, StrictInputMixin
from statements.models import Actor, Source


class SourceSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A document statements are anchored to, with its full text."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:source-detail")
    publisher = EmbeddedRelatedField(
        ActorBriefSerializer,
        queryset=Actor.objects.all(),
        required=False,
        allow_null=True,
        help_text="The outlet or body that published it.",
    )
    authors = EmbeddedRelatedField(
        ActorBriefSerializer, queryset=Actor.objects.all(), many=True, required=False, help_text="Who wrote it."
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "api_url",
            "uuid",
            "kind",
            "title",
            "url",
            "publisher",
            "authors",
            "date",
            "date_precision",
            "date_expression",
            "language",
            "image_credit",
            "body",
            "content_hash",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "content_hash", "created_at", "updated_at"]


class SourceSummarySerializer(SourceSerializer):
    """A source without its body, for lists: bodies can be long."""

    class Meta(SourceSerializer.Meta):
        fields = [name for name in SourceSerializer.Meta.fields if name != "body"]
