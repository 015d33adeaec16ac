"""Merges of duplicate actors: the request to merge one actor into another, and the merge record."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.briefs import ActorBriefSerializer
from api.serializers.fields import CuratorNameField, StrictInputMixin
from statements.merging import merge_moved_counts
from statements.models import Actor, ActorMerge


class ActorMergeRequestSerializer(StrictInputMixin, serializers.Serializer):
    """Which actor to merge the addressed actor into."""

    into = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(),
        help_text="Id of the actor to keep: every reference to the addressed actor moves to it.",
    )


class ActorMergeSerializer(serializers.ModelSerializer):
    """A merge of a duplicate actor into another: who, when, how many references moved, whether it was undone."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:actor-merge-detail")
    merged = ActorBriefSerializer(read_only=True, help_text="The duplicate; its address now answers with merged_into.")
    into = ActorBriefSerializer(read_only=True, help_text="The actor kept.")
    moved = serializers.SerializerMethodField(
        help_text='How many rows moved per relation ("statement.speaker": 3); ".dropped" counts links the kept '
        "actor already had, so only the duplicate's was removed."
    )
    merged_by = CuratorNameField(what="merged the actors")
    undone_by = CuratorNameField(what="undid the merge")

    class Meta:
        model = ActorMerge
        fields = ["id", "api_url", "merged", "into", "moved", "merged_at", "merged_by", "undone_at", "undone_by"]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}})
    def get_moved(self, merge: ActorMerge) -> dict[str, int]:
        return merge_moved_counts(merge)
