"""Communication representation, with participants and their roles."""

from rest_framework import serializers

from api.serializers.briefs import (
    ActorBriefSerializer,
    CommunicationBriefSerializer,
    PlaceBriefSerializer,
    SourceBriefSerializer,
    TopicBriefSerializer,
)
from api.serializers.fields import EmbeddedRelatedField, StrictInputMixin
from statements.choices import ParticipantRole
from statements.models import Actor, Communication, Participation, Place, Source, Topic


class ParticipantSerializer(StrictInputMixin, serializers.ModelSerializer):
    """One actor's part in a communication."""

    actor = EmbeddedRelatedField(ActorBriefSerializer, queryset=Actor.objects.all())
    role = serializers.ChoiceField(choices=ParticipantRole.choices, default=ParticipantRole.PARTICIPANT)

    class Meta:
        model = Participation
        fields = ["actor", "role"]


class CommunicationSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A call, readout, statement, briefing or negotiation, with who took part and in what role."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:communication-detail")
    participants = ParticipantSerializer(
        source="participations", many=True, required=False, help_text="Who took part, and in what role."
    )
    duration_according_to = EmbeddedRelatedField(
        ActorBriefSerializer,
        queryset=Actor.objects.all(),
        required=False,
        allow_null=True,
        help_text="Whose account the duration comes from.",
    )
    place = EmbeddedRelatedField(
        PlaceBriefSerializer, queryset=Place.objects.all(), required=False, allow_null=True, help_text="Where."
    )
    regarding = EmbeddedRelatedField(
        CommunicationBriefSerializer,
        queryset=Communication.objects.all(),
        required=False,
        allow_null=True,
        help_text="The communication this one is about (a readout regarding a call).",
    )
    topics = EmbeddedRelatedField(TopicBriefSerializer, queryset=Topic.objects.all(), many=True, required=False)
    sources = EmbeddedRelatedField(
        SourceBriefSerializer,
        queryset=Source.objects.all(),
        many=True,
        required=False,
        help_text="Documents reporting it.",
    )

    class Meta:
        model = Communication
        fields = [
            "id",
            "api_url",
            "uuid",
            "kind",
            "title",
            "summary",
            "date",
            "date_precision",
            "date_expression",
            "duration_minutes",
            "duration_is_approximate",
            "duration_according_to",
            "place",
            "regarding",
            "participants",
            "topics",
            "sources",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "created_at", "updated_at"]

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "participations" in values:
            values["participants"] = [
                # A partial update (PATCH) skips field defaults, so a row without a role has none yet.
                (row["actor"], row.get("role", ParticipantRole.PARTICIPANT))
                for row in values.pop("participations")
            ]
        return values
