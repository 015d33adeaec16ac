"""Communication representation, with participants and their roles."""

from rest_framework import serializers

from api.serializers.briefs import (
    ActorBriefSerializer,
    CommunicationBriefSerializer,
    PlaceBriefSerializer,
    SourceBriefSerializer,
    TopicBriefSerializer,
    actor_brief,
    communication_brief,
    place_brief,
    source_brief,
    topic_brief,
)
from api.serializers.fields import DateAloneIsADayMixin, EmbeddedRelatedField, StrictInputMixin, iso_date, iso_datetime
from api.serializers.pages import represent_in_order
from statements import selectors
from statements.choices import ParticipantRole
from statements.models import Actor, Communication, Participation, Place, Source, Topic


class ParticipantSerializer(StrictInputMixin, serializers.ModelSerializer):
    """One actor's part in a communication."""

    actor = EmbeddedRelatedField(ActorBriefSerializer, queryset=Actor.objects.all())
    role = serializers.ChoiceField(choices=ParticipantRole.choices, default=ParticipantRole.PARTICIPANT)

    class Meta:
        model = Participation
        fields = ["actor", "role"]


class CommunicationListSerializer(serializers.ListSerializer):
    """Communications written from their rows, fetched for the whole page at once."""

    def to_representation(self, data):
        return represent_communications(data, self.context)


class CommunicationSerializer(DateAloneIsADayMixin, StrictInputMixin, serializers.ModelSerializer):
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
            "version",
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
        list_serializer_class = CommunicationListSerializer
        read_only_fields = ["uuid", "version", "created_at", "updated_at"]

    def to_representation(self, instance):
        return represent_communications([instance], self.context)[0]

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "participations" in values:
            values["participants"] = [
                # A partial update (PATCH) skips field defaults, so a row without a role has none yet.
                (row["actor"], row.get("role", ParticipantRole.PARTICIPANT))
                for row in values.pop("participations")
            ]
        return values


def represent_communications(communications, context: dict) -> list[dict]:
    """The representations of communications (instances or rows with an "id"), in their order, in one query."""
    return represent_in_order(communications, context, selectors.communication_rows, communication_representation)


def communication_representation(row: dict, links) -> dict:
    """One communication as the API writes it (the fields of CommunicationSerializer), from `communication_rows`."""
    pk = row["id"]
    return {
        "id": pk,
        "api_url": links.detail("communication", pk),
        "uuid": str(row["uuid"]),
        "version": row["version"],
        "kind": row["kind"],
        "title": row["title"],
        "summary": row["summary"],
        "date": iso_date(row["date"]),
        "date_precision": row["date_precision"],
        "date_expression": row["date_expression"],
        "duration_minutes": row["duration_minutes"],
        "duration_is_approximate": row["duration_is_approximate"],
        "duration_according_to": actor_brief(
            links,
            row["duration_according_to_id"],
            row["duration_according_to__name"],
            row["duration_according_to__kind"],
        ),
        "place": place_brief(links, row["place_id"], row["place__name"], row["place__kind"]),
        "regarding": communication_brief(
            links,
            row["regarding_id"],
            row["regarding__kind"],
            row["regarding__title"],
            row["regarding__date"],
            row["regarding__date_precision"],
        ),
        "participants": [
            {"actor": actor_brief(links, actor_id, name, kind), "role": role}
            for actor_id, name, kind, role in row["participations"]
        ],
        "topics": [topic_brief(links, *topic) for topic in row["topics"]],
        "sources": [source_brief(links, *source) for source in row["sources"]],
        "created_at": iso_datetime(row["created_at"]),
        "updated_at": iso_datetime(row["updated_at"]),
    }
