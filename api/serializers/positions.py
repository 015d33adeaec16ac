"""Position representation."""

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from api.links import api_links
from api.serializers.briefs import ActorBriefSerializer, actor_brief, brief_of
from api.serializers.fields import EmbeddedRelatedField, StrictInputMixin, country_code, iso_date, iso_datetime
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
            "version",
            "actor",
            "title",
            "organization",
            "country",
            "start_date",
            "end_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "version", "created_at", "updated_at"]

    def to_representation(self, position: Position) -> dict:
        links = api_links(self.context)
        return {
            "id": position.pk,
            "api_url": links.detail("position", position.pk),
            "uuid": str(position.uuid),
            "version": position.version,
            "actor": brief_of(links, position.actor, actor_brief, "name", "kind"),
            "title": position.title,
            "organization": brief_of(links, position.organization, actor_brief, "name", "kind"),
            "country": country_code(position.country),
            "start_date": iso_date(position.start_date),
            "end_date": iso_date(position.end_date),
            "created_at": iso_datetime(position.created_at),
            "updated_at": iso_datetime(position.updated_at),
        }
