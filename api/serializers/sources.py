"""Source representation."""

from rest_framework import serializers

from api.links import api_links
from api.serializers.briefs import ActorBriefSerializer, actor_brief, brief_of
from api.serializers.fields import DateAloneIsADayMixin, EmbeddedRelatedField, StrictInputMixin, iso_date, iso_datetime
from api.serializers.pages import MembersPerPageListSerializer, MembersPerPageMixin
from statements import selectors
from statements.models import Actor, Source


class SourceSerializer(MembersPerPageMixin, DateAloneIsADayMixin, StrictInputMixin, serializers.ModelSerializer):
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
            "version",
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
        read_only_fields = ["uuid", "version", "content_hash", "created_at", "updated_at"]
        list_serializer_class = MembersPerPageListSerializer

    def members_of(self, ids: list[int]) -> dict[int, list[tuple]]:
        return selectors.source_authors(ids)

    def represent(self, source: Source, authors: list[tuple]) -> dict:
        """The source as the API writes it, given its authors as (id, name, kind)."""
        links = api_links(self.context)
        representation = {
            "id": source.pk,
            "api_url": links.detail("source", source.pk),
            "uuid": str(source.uuid),
            "version": source.version,
            "kind": source.kind,
            "title": source.title,
            "url": source.url,
            "publisher": brief_of(links, source.publisher, actor_brief, "name", "kind"),
            "authors": [actor_brief(links, *author) for author in authors],
            "date": iso_date(source.date),
            "date_precision": source.date_precision,
            "date_expression": source.date_expression,
            "language": source.language,
            "image_credit": source.image_credit,
            "body": None,
            "content_hash": source.content_hash,
            "created_at": iso_datetime(source.created_at),
            "updated_at": iso_datetime(source.updated_at),
        }
        if "body" in self.Meta.fields:
            representation["body"] = source.body
        else:
            del representation["body"]
        return representation


class SourceSummarySerializer(SourceSerializer):
    """A source without its body, for lists: bodies can be long."""

    class Meta(SourceSerializer.Meta):
        fields = [name for name in SourceSerializer.Meta.fields if name != "body"]
