"""Statements: what an actor said, quoted or paraphrased, anchored to its source."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from statements.anchoring import AnchorError, find_unique_span
from statements.choices import CurationStatus, DatePrecision, StatementKind
from statements.models.base import (
    DatedModel,
    DateKey,
    StableKeyModel,
    choices_constraint,
    edit_history,
    refuse_reference_cycle,
)
from statements.text import normalize_text


class Statement(StableKeyModel, DatedModel):
    """A direct quote or paraphrase of an actor, as one source reports it."""

    kind = models.CharField(max_length=12, choices=StatementKind.choices, help_text="Quoted verbatim or paraphrased.")
    text = models.TextField(help_text="For a direct quote, the exact words of the source without the quote marks.")
    speaker = models.ForeignKey(
        "statements.Actor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        # statement_speaker_date_key starts with the speaker: an index of its own would repeat it.
        db_index=False,
        related_name="statements",
        help_text="Who said it. Required before a statement can be verified.",
    )
    speaker_as_written = models.CharField(
        max_length=300,
        blank=True,
        help_text='The speaker as the source names them here ("a senior administration official").',
    )
    position = models.ForeignKey(
        "statements.Position",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        help_text="The capacity the speaker spoke in.",
    )
    addressees = models.ManyToManyField(
        "statements.Actor",
        blank=True,
        related_name="statements_addressed",
        help_text="Who it was said to.",
    )
    reported_by = models.ForeignKey(
        "statements.Actor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements_reported",
        help_text="Who relayed it: the outlet, the spokesperson's office.",
    )
    communication = models.ForeignKey(
        "statements.Communication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        help_text="The call, readout or briefing it was said in.",
    )
    source = models.ForeignKey(
        "statements.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        # statement_source_span starts with the source.
        db_index=False,
        related_name="statements",
        help_text="The document it is taken from.",
    )
    span_start = models.PositiveIntegerField(
        null=True, blank=True, help_text="Offset of the first character in the source body."
    )
    span_end = models.PositiveIntegerField(
        null=True, blank=True, help_text="Offset just past the last character in the source body."
    )
    topics = models.ManyToManyField("statements.Topic", blank=True, related_name="statements")
    mentioned_actors = models.ManyToManyField(
        "statements.Actor",
        blank=True,
        related_name="statements_mentioning",
        help_text="Actors the statement names.",
    )
    mentioned_places = models.ManyToManyField(
        "statements.Place",
        blank=True,
        related_name="statements_mentioning",
        help_text="Places the statement names.",
    )
    in_reply_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        help_text="The statement this one answers.",
    )
    status = models.CharField(
        max_length=8,
        choices=CurationStatus.choices,
        default=CurationStatus.DRAFT,
        # No index of its own: most statements share a status, so lists walk statement_date_key and filter.
        help_text="Where the statement stands in curation.",
    )
    confidence = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="How sure the extractor was that it found a statement and its speaker, from 0 to 1.",
    )
    extractor = models.CharField(
        max_length=100,
        blank=True,
        editable=False,
        help_text='The extractor that proposed the statement, as "name version"; blank when a curator recorded it.',
    )
    speaker_proposed_name = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        help_text="The extractor's name for a speaker no stored actor matched: a new actor for a curator to confirm.",
    )
    extraction_digest = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Fingerprint of the statement as the extractor wrote it; once it differs, a curator has changed it.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The user who recorded it.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The user who last changed it.",
    )

    history = edit_history(m2m_fields=["addressees", "topics", "mentioned_actors", "mentioned_places"])

    class Meta:
        ordering = ["-date", "-id"]
        # Readers without it see verified statements only (see statements.selectors.statements_visible_to).
        permissions = [("view_unreviewed_statement", "Can view unreviewed (draft and rejected) statements")]
        # Lists are read newest first by DateKey, then id (see api.pagination): these indexes hand a page
        # of the whole archive, of one speaker or of a date range straight from the index, without a sort.
        indexes = [
            models.Index(DateKey(), F("id"), name="statement_date_key"),
            models.Index(F("speaker"), DateKey(), F("id"), name="statement_speaker_date_key"),
            models.Index(fields=["source", "span_start"], name="statement_source_span"),
            models.Index(fields=["-created_at", "-id"], name="statement_created_desc"),
            # The curators' queue (statements.worklist): only drafts, by source.
            models.Index(fields=["source"], condition=Q(status="draft"), name="statement_draft_source"),
        ]
        constraints = [
            *DatedModel.Meta.constraints,
            choices_constraint("kind", StatementKind, "statement_kind_valid"),
            choices_constraint("status", CurationStatus, "statement_status_valid"),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="statement_text_not_blank",
                violation_error_message="A statement needs its text.",
            ),
            models.CheckConstraint(
                condition=Q(span_start__isnull=True, span_end__isnull=True)
                | Q(span_start__isnull=False, span_end__isnull=False, span_end__gt=F("span_start")),
                name="statement_span_complete_and_ordered",
                violation_error_message="Give both ends of the span, the end after the start, or neither.",
            ),
            models.CheckConstraint(
                condition=Q(span_start__isnull=True) | Q(source__isnull=False),
                name="statement_span_needs_source",
                violation_error_message="A span points into a source: give the source.",
            ),
            models.CheckConstraint(
                condition=~Q(status=CurationStatus.VERIFIED) | Q(speaker__isnull=False),
                name="statement_verified_has_speaker",
                violation_error_message="A verified statement needs a resolved speaker.",
            ),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=0, confidence__lte=1),
                name="statement_confidence_between_0_and_1",
                violation_error_message="A confidence is a number from 0 to 1.",
            ),
            models.CheckConstraint(
                condition=~Q(in_reply_to=F("id")),
                name="statement_not_reply_to_itself",
                violation_error_message="A statement cannot reply to itself.",
            ),
        ]

    def __str__(self):
        words = self.text if len(self.text) <= 80 else self.text[:77] + "…"
        return f"{self.speaker or self.speaker_as_written or 'Unknown'}: {words}"

    @property
    def is_anchored(self) -> bool:
        return self.span_start is not None and self.span_end is not None

    def clean(self):
        super().clean()
        # The text is compared with the stored source body, which is normalised the same way.
        self.text = normalize_text(self.text)
        self.text = self.text.strip() if self.kind != StatementKind.DIRECT_QUOTE else self.text
        if not self.text.strip():
            raise ValidationError({"text": "A statement needs its text."})
        self._clean_span()
        if self.status == CurationStatus.VERIFIED and self.speaker_id is None:
            raise ValidationError({"speaker": "A verified statement needs a resolved speaker."})
        if self.position_id is not None:
            self._clean_position()
        refuse_reference_cycle(self, "in_reply_to", "A statement cannot reply to itself, directly or through others.")

    def _clean_span(self):
        has_start, has_end = self.span_start is not None, self.span_end is not None
        if has_start != has_end:
            raise ValidationError(
                {"span_end" if has_start else "span_start": "Give both ends of the span, or neither."}
            )
        if self.source_id is None:
            if has_start:
                raise ValidationError({"source": "A span points into a source: give the source."})
            return
        body = self.source.body
        if not has_start:
            if self.kind == StatementKind.DIRECT_QUOTE:
                # A direct quote from a source is always anchored; find it when it occurs exactly once.
                try:
                    span = find_unique_span(body, self.text)
                except AnchorError as error:
                    raise ValidationError(
                        {"text": f"{error} A direct quote must reproduce its source exactly."}
                    ) from None
                self.span_start, self.span_end = span.start, span.end
            return
        if self.span_end <= self.span_start:
            raise ValidationError({"span_end": "The span must end after it starts."})
        if self.span_end > len(body):
            raise ValidationError({"span_end": f"The span ends past the source's body ({len(body)} characters)."})
        if self.kind == StatementKind.DIRECT_QUOTE and body[self.span_start : self.span_end] != self.text:
            found = body[self.span_start : self.span_end]
            raise ValidationError({"text": f"A direct quote must match its span; the source reads {found!r}."})

    def _clean_position(self):
        if self.speaker_id is None or self.position.actor_id != self.speaker_id:
            raise ValidationError({"position": "The position must be one the speaker held."})
        if (
            self.date is not None
            and self.date_precision == DatePrecision.DAY
            and not self.position.is_held_on(self.date)
        ):
            raise ValidationError({"position": "The speaker did not hold this position on the statement's date."})
