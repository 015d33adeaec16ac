"""Place representation."""

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from api.serializers.actors import AliasesField
from api.serializers.briefs import PlaceBriefSerializer
from api.serializers.fields import EmbeddedRelatedField, StrictInputMixin
from statements.models import Place


class PlaceSerializer(StrictInputMixin, serializers.ModelSerializer):
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
        read_only_fields = ["uuid", "created_at", "updated_at"]
