"""Topic representation."""

from rest_framework import serializers

from api.serializers.briefs import TopicBriefSerializer
from api.serializers.fields import EmbeddedRelatedField, StrictInputMixin
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
        fields = ["id", "api_url", "uuid", "slug", "name", "description", "parent", "created_at", "updated_at"]
        read_only_fields = ["uuid", "created_at", "updated_at"]
