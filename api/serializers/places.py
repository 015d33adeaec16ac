"""Place representation."""

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from api.links import api_links
from api.serializers.actors import AliasesField
from api.serializers.briefs import PlaceBriefSerializer, brief_of, place_brief
from api.serializers.fields import EmbeddedRelatedField, StrictInputMixin, country_code, iso_datetime
from api.serializers.pages import MembersPerPageListSerializer, MembersPerPageMixin
from statements import selectors
from statements.models import Place, PlaceAlias


class PlaceSerializer(MembersPerPageMixin, StrictInputMixin, serializers.ModelSerializer):
    """A country, region, city or site."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:place-detail")
    aliases = AliasesField(required=False, help_text="Other names the place is known by.")
    slug = serializers.SlugField(max_length=120, required=False, help_text="Unique key; made from the name if omitted.")
    country = CountryField(required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2 country code.")
    parent = EmbeddedRelatedField(
        PlaceBriefSerializer,
        queryset=Place.objects.all(),
        required=False,
        allow_null=True,
        help_text="The larger place this one lies within.",
    )

    class Meta:
        model = Place
        fields = [
            "id",
            "api_url",
            "uuid",
            "version",
            "name",
            "slug",
            "kind",
            "aliases",
            "country",
            "parent",
            "latitude",
            "longitude",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "version", "created_at", "updated_at"]
        list_serializer_class = MembersPerPageListSerializer

    def members_of(self, ids: list[int]) -> dict[int, list[str]]:
        return selectors.aliases_by_owner(PlaceAlias, ids)

    def represent(self, place: Place, aliases: list[str]) -> dict:
        """The place as the API writes it, given its alias names."""
        links = api_links(self.context)
        coordinates = self.fields["latitude"], self.fields["longitude"]
        return {
            "id": place.pk,
            "api_url": links.detail("place", place.pk),
            "uuid": str(place.uuid),
            "version": place.version,
            "name": place.name,
            "slug": place.slug,
            "kind": place.kind,
            "aliases": aliases,
            "country": country_code(place.country),
            "parent": brief_of(links, place.parent, place_brief, "name", "kind"),
            # Decimal strings with their fixed places, as the DecimalFields write them.
            "latitude": None if place.latitude is None else coordinates[0].to_representation(place.latitude),
            "longitude": None if place.longitude is None else coordinates[1].to_representation(place.longitude),
            "created_at": iso_datetime(place.created_at),
            "updated_at": iso_datetime(place.updated_at),
        }
