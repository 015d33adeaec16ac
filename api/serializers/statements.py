"""Statement representation, with its source span as W3C Web Annotation selectors."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.links import reader_audience
from api.serializers.briefs import (
    ActorBriefSerializer,
    CommunicationBriefSerializer,
    PlaceBriefSerializer,
    PositionBriefSerializer,
    SourceBriefSerializer,
    StatementBriefSerializer,
    TopicBriefSerializer,
    actor_brief,
    communication_brief,
    place_brief,
    position_brief,
    source_brief,
    statement_brief,
    topic_brief,
)
from api.serializers.fields import (
    CuratorNameField,
    DateAloneIsADayMixin,
    EmbeddedRelatedField,
    StrictInputMixin,
    iso_date,
    iso_datetime,
)
from api.serializers.pages import represent_in_order
from statements import selectors
from statements.models import Actor, Communication, Place, Position, Source, Statement, Topic

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


class StatementListSerializer(serializers.ListSerializer):
    """Statements written from their rows, fetched for the whole page at once (see `represent_statements`)."""

    def to_representation(self, data):
        return represent_statements(data, self.context)


class StatementSerializer(DateAloneIsADayMixin, StrictInputMixin, serializers.ModelSerializer):
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
        help_text="The statement this one answers; null to readers who may not see that one (it is not verified).",
    )
    selectors = serializers.SerializerMethodField(
        help_text="The span as W3C Web Annotation selectors; null when the statement is not anchored."
    )
    created_by = CuratorNameField(what="created it")
    updated_by = CuratorNameField(what="last changed it")

    class Meta:
        model = Statement
        fields = [
            "id",
            "api_url",
            "uuid",
            "version",
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
        list_serializer_class = StatementListSerializer
        read_only_fields = [
            "uuid",
            "version",
            "confidence",
            "extractor",
            "speaker_proposed_name",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(SelectorsSerializer(allow_null=True))
    def get_selectors(self, statement: Statement):
        # The field as a generic serializer would write it, from the whole body; the API's representations
        # come from `statement_representation`, which has the database cut the context out (tests compare the two).
        if statement.span_start is None or statement.span_end is None:
            return None
        body, start, end = statement.source.body, statement.span_start, statement.span_end
        width = selectors.QUOTE_CONTEXT_CHARACTERS
        row = {
            "span_start": start,
            "span_end": end,
            "quote_exact": body[start:end],
            "quote_prefix": body[max(0, start - width) : start],
            "quote_suffix": body[end : end + width],
        }
        return selectors_of(row)

    def to_representation(self, instance):
        return represent_statements([instance], self.context)[0]


def represent_statements(statements, context: dict) -> list[dict]:
    """The representations of statements (instances or rows with an "id"), in their order, in one query.

    Each embedded record is a dict made of the columns it shows; no serializer is built per record
    and no URL is reversed per record.
    """
    audience = reader_audience(context)

    def represent(row: dict, links) -> dict:
        return statement_representation(row, links, audience)

    return represent_in_order(statements, context, selectors.statement_rows, represent)


def statement_representation(row: dict, links, audience: selectors.Audience) -> dict:
    """One statement as the API writes it (the fields of StatementSerializer), from `statement_rows`, as
    `audience` may see it: the statement it answers only if they may see that one, curators' names only
    to signed-in readers."""
    pk = row["id"]
    answers_visible = audience.sees_status(row["in_reply_to__status"])
    return {
        "id": pk,
        "api_url": links.detail("statement", pk),
        "uuid": str(row["uuid"]),
        "version": row["version"],
        "kind": row["kind"],
        "text": row["text"],
        "status": row["status"],
        "confidence": row["confidence"],
        "extractor": row["extractor"],
        "speaker": actor_brief(links, row["speaker_id"], row["speaker__name"], row["speaker__kind"]),
        "speaker_as_written": row["speaker_as_written"],
        "speaker_proposed_name": row["speaker_proposed_name"],
        "position": position_brief(links, row["position_id"], row["position__title"]),
        "addressees": [actor_brief(links, *member) for member in row["addressees"]],
        "reported_by": actor_brief(links, row["reported_by_id"], row["reported_by__name"], row["reported_by__kind"]),
        "communication": communication_brief(
            links,
            row["communication_id"],
            row["communication__kind"],
            row["communication__title"],
            row["communication__date"],
            row["communication__date_precision"],
        ),
        "source": source_brief(links, row["source_id"], row["source__title"], row["source__url"]),
        "span_start": row["span_start"],
        "span_end": row["span_end"],
        "selectors": selectors_of(row),
        "date": iso_date(row["date"]),
        "date_precision": row["date_precision"],
        "date_expression": row["date_expression"],
        "topics": [topic_brief(links, *member) for member in row["topics"]],
        "mentioned_actors": [actor_brief(links, *member) for member in row["mentioned_actors"]],
        "mentioned_places": [place_brief(links, *member) for member in row["mentioned_places"]],
        "in_reply_to": statement_brief(links, row["in_reply_to_id"], row["in_reply_to__kind"], row["in_reply_to__text"])
        if answers_visible
        else None,
        "created_at": iso_datetime(row["created_at"]),
        "updated_at": iso_datetime(row["updated_at"]),
        "created_by": row["created_by__username"] if audience.curators else None,
        "updated_by": row["updated_by__username"] if audience.curators else None,
    }


def selectors_of(row: dict) -> dict | None:
    """The span as Web Annotation selectors, with the context the database cut out of the body."""
    start, end = row["span_start"], row["span_end"]
    if start is None or end is None:
        return None
    return {
        "text_position": {"type": "TextPositionSelector", "start": start, "end": end},
        "text_quote": {
            "type": "TextQuoteSelector",
            "exact": row["quote_exact"],
            "prefix": row["quote_prefix"],
            "suffix": row["quote_suffix"],
        },
    }
