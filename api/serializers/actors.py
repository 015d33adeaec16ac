"""Actor representation."""

from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.links import api_links
from api.serializers.briefs import ActorBriefSerializer, actor_brief, brief_of
from api.serializers.fields import EmbeddedRelatedField, StrictInputMixin, country_code, iso_datetime
from api.serializers.pages import MembersPerPageListSerializer, MembersPerPageMixin
from statements import selectors
from statements.models import Actor, ActorAlias


@extend_schema_field({"type": "array", "items": {"type": "string", "maxLength": 300}})
class AliasesField(serializers.ListField):
    """Aliases read from the prefetched alias rows and written as a list of names."""

    child = serializers.CharField(max_length=300)

    def get_attribute(self, instance):
        return [alias.name for alias in instance.aliases.all()]


class ActorSerializer(MembersPerPageMixin, StrictInputMixin, serializers.ModelSerializer):
    """A person, organisation, body, outlet, group or unnamed source."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:actor-detail")
    aliases = AliasesField(required=False, help_text="Other names the actor is known by.")
    country = CountryField(required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2 country code.")
    slug = serializers.SlugField(max_length=120, required=False, help_text="Unique key; made from the name if omitted.")
    affiliation = EmbeddedRelatedField(
        ActorBriefSerializer,
        queryset=Actor.objects.all(),
        required=False,
        allow_null=True,
        help_text="For an unnamed source, the actor it belongs to.",
    )
    merged_into = EmbeddedRelatedField(
        ActorBriefSerializer,
        read_only=True,
        allow_null=True,
        help_text="Null, or the actor this duplicate was merged into: every reference to it now points there, "
        "and its address keeps answering so that links to it still work.",
    )

    class Meta:
        model = Actor
        fields = [
            "id",
            "api_url",
            "uuid",
            "version",
            "kind",
            "name",
            "slug",
            "aliases",
            "description",
            "country",
            "wikidata_id",
            "affiliation",
            "merged_into",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "version", "created_at", "updated_at"]
        list_serializer_class = MembersPerPageListSerializer

    def members_of(self, ids: list[int]) -> dict[int, list[str]]:
        return selectors.aliases_by_owner(ActorAlias, ids)

    def represent(self, actor: Actor, aliases: list[str]) -> dict:
        """The actor as the API writes it, given its alias names."""
        links = api_links(self.context)
        return {
            "id": actor.pk,
            "api_url": links.detail("actor", actor.pk),
            "uuid": str(actor.uuid),
            "version": actor.version,
            "kind": actor.kind,
            "name": actor.name,
            "slug": actor.slug,
            "aliases": aliases,
            "description": actor.description,
            "country": country_code(actor.country),
            "wikidata_id": actor.wikidata_id,
            "affiliation": brief_of(links, actor.affiliation, actor_brief, "name", "kind"),
            "merged_into": brief_of(links, actor.merged_into, actor_brief, "name", "kind"),
            "created_at": iso_datetime(actor.created_at),
            "updated_at": iso_datetime(actor.updated_at),
        }
