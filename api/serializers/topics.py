"""Topic representation."""

from rest_framework import serializers

from api.links import api_links
from api.serializers.briefs import TopicBriefSerializer, brief_of, topic_brief
from api.serializers.fields import EmbeddedRelatedField, StrictInputMixin, iso_datetime
from statements.models import Topic


class TopicSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A subject, optionally narrower than a parent topic."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:topic-detail")
    parent = EmbeddedRelatedField(
        TopicBriefSerializer,
        queryset=Topic.objects.all(),
        required=False,
        allow_null=True,
        help_text="The broader topic.",
    )

    class Meta:
        model = Topic
        fields = [
            "id",
            "api_url",
            "uuid",
            "version",
            "slug",
            "name",
            "description",
            "parent",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "version", "created_at", "updated_at"]

    def to_representation(self, topic: Topic) -> dict:
        links = api_links(self.context)
        return {
            "id": topic.pk,
            "api_url": links.detail("topic", topic.pk),
            "uuid": str(topic.uuid),
            "version": topic.version,
            "slug": topic.slug,
            "name": topic.name,
            "description": topic.description,
            "parent": brief_of(links, topic.parent, topic_brief, "slug", "name"),
            "created_at": iso_datetime(topic.created_at),
            "updated_at": iso_datetime(topic.updated_at),
        }
