"""Position representation."""

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from api.serializers.briefs import ActorBriefSerializer
from api.serializers.fields import EmbeddedRelatedField, StrictInputMixin
from statements.models import Actor, Position


class PositionSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A title an actor held for an organisation or country over a span of dates."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:position-detail")
    actor = EmbeddedRelatedField(ActorBriefSerializer, queryset=Actor.objects.all(), help_text="Who held it.")
    organization = EmbeddedRelatedField(
        ActorBriefSerializer,
        queryset=Actor.objects.all(),
        required=False,
        allow_null=True,
        help_text="The organisation the position belongs to.",
    )
    country = CountryField(required=False, allow_blank=True, help_text="The country the position belongs to.")

    class Meta:
        model = Position
        fields = [
            "id",
            "api_url",
            "uuid",
            "actor",
            "title",
            "organization",
            "country",
            "start_date",
            "end_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "created_at", "updated_at"]
