"""Statement representation, with its source span as W3C Web Annotation selectors."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.briefs import (
    ActorBriefSerializer,
    CommunicationBriefSerializer,
    PlaceBriefSerializer,
    PositionBriefSerializer,
    SourceBriefSerializer,
    StatementBriefSerializer,
    TopicBriefSerializer,
)
from api.serializers.fields import EmbeddedRelatedField, StrictInputMixin
from statements.models import Actor, Communication, Place, Position, Source, Statement, Topic
from statements.selectors import QUOTE_CONTEXT_CHARACTERS

TEXT_POSITION_SELECTOR = [("TextPositionSelector", "TextPositionSelector")]
TEXT_QUOTE_SELECTOR = [("TextQuoteSelector", "TextQuoteSelector")]


class TextPositionSelectorSerializer(serializers.Serializer):
    """W3C Web Annotation TextPositionSelector: character offsets into the source body."""

    type = serializers.ChoiceField(choices=TEXT_POSITION_SELECTOR)
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=0)


class TextQuoteSelectorSerializer(serializers.Serializer):
    """W3C Web Annotation TextQuoteSelector: the exact words with some context either side."""

    type = serializers.ChoiceField(choices=TEXT_QUOTE_SELECTOR)
    exact = serializers.CharField()
    prefix = serializers.CharField(allow_blank=True)
    suffix = serializers.CharField(allow_blank=True)


class SelectorsSerializer(serializers.Serializer):
    """Two ways to find the statement in its source, as a Web Annotation target would give them."""

    text_position = TextPositionSelectorSerializer()
    text_quote = TextQuoteSelectorSerializer()


class StatementSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A direct quote or paraphrase: who said it, to whom, where it was reported, and where it stands in the text."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:statement-detail")
    speaker = EmbeddedRelatedField(
        ActorBriefSerializer,
        queryset=Actor.objects.all(),
        required=False,
        allow_null=True,
        help_text="Who said it; required before the statement can be verified.",
    )
    position = EmbeddedRelatedField(
        PositionBriefSerializer,
        queryset=Position.objects.all(),
        required=False,
        allow_null=True,
        help_text="The capacity the speaker spoke in.",
    )
    addressees = EmbeddedRelatedField(
        ActorBriefSerializer, queryset=Actor.objects.all(), many=True, required=False, help_text="Who it was said to."
    )
    reported_by = EmbeddedRelatedField(
        ActorBriefSerializer,
        queryset=Actor.objects.all(),
        required=False,
        allow_null=True,
        help_text="Who relayed it: the outlet, the spokesperson's office.",
    )
    communication = EmbeddedRelatedField(
        CommunicationBriefSerializer,
        queryset=Communication.objects.all(),
        required=False,
        allow_null=True,
        help_text="The call, readout or briefing it was said in.",
    )
    source = EmbeddedRelatedField(
        SourceBriefSerializer,
        queryset=Source.objects.all(),
        required=False,
        allow_null=True,
        help_text="The document it is taken from.",
    )
    topics = EmbeddedRelatedField(TopicBriefSerializer, queryset=Topic.objects.all(), many=True, required=False)
    mentioned_actors = EmbeddedRelatedField(
        ActorBriefSerializer, queryset=Actor.objects.all(), many=True, required=False
    )
    mentioned_places = EmbeddedRelatedField(
        PlaceBriefSerializer, queryset=Place.objects.all(), many=True, required=False
    )
    in_reply_to = EmbeddedRelatedField(
        StatementBriefSerializer,
        queryset=Statement.objects.all(),
        required=False,
        allow_null=True,
        help_text="The statement this one answers.",
    )
    selectors = serializers.SerializerMethodField(
        help_text="The span as W3C Web Annotation selectors; null when the statement is not anchored."
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "api_url",
            "uuid",
            "kind",
            "text",
            "status",
            "confidence",
            "extractor",
            "speaker",
            "speaker_as_written",
            "speaker_proposed_name",
            "position",
            "addressees",
            "reported_by",
            "communication",
            "source",
            "span_start",
            "span_end",
            "selectors",
            "date",
            "date_precision",
            "date_expression",
            "topics",
            "mentioned_actors",
            "mentioned_places",
            "in_reply_to",
            "created_at",
            "updated_at",
            "created_by",
            "updated_by",
        ]
        read_only_fields = [
            "uuid",
            "confidence",
            "extractor",
            "speaker_proposed_name",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(SelectorsSerializer(allow_null=True))
    def get_selectors(self, statement: Statement):
        if statement.span_start is None or statement.span_end is None:
            return None
        start, end = statement.span_start, statement.span_end
        if hasattr(statement, "quote_exact"):
            exact, prefix, suffix = statement.quote_exact, statement.quote_prefix, statement.quote_suffix
        else:
            body = statement.source.body
            width = QUOTE_CONTEXT_CHARACTERS
            exact, prefix, suffix = body[start:end], body[max(0, start - width) : start], body[end : end + width]
        return {
            "text_position": {"type": "TextPositionSelector", "start": start, "end": end},
            "text_quote": {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix},
        }
