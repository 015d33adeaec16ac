"""Communications — calls, readouts, briefings, talks — and who took part in them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from statements.choices import CommunicationKind, ParticipantRole
from statements.models.base import (
    DatedModel,
    DateKey,
    StableKeyModel,
    choices_constraint,
    edit_history,
    refuse_reference_cycle,
)


class Communication(StableKeyModel, DatedModel):
    """An act of communication between actors, as reported by one or more sources."""

    kind = models.CharField(max_length=20, choices=CommunicationKind.choices, help_text="What sort of communication.")
    title = models.CharField(max_length=300, help_text="A short descriptive title.")
    summary = models.TextField(blank=True, help_text="What it was about, in the curator's words.")
    duration_minutes = models.PositiveIntegerField(null=True, blank=True, help_text="How long it lasted, in minutes.")
    duration_is_approximate = models.BooleanField(
        default=False, help_text='Whether the duration is approximate ("about 40 minutes").'
    )
    duration_according_to = models.ForeignKey(
        "statements.Actor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="durations_reported",
        help_text="Whose account the duration comes from.",
    )
    place = models.ForeignKey(
        "statements.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communications",
        help_text="Where it took place.",
    )
    topics = models.ManyToManyField("statements.Topic", blank=True, related_name="communications")
    sources = models.ManyToManyField(
        "statements.Source",
        blank=True,
        related_name="communications",
        help_text="Documents that report it.",
    )
    regarding = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text="The communication this one is about (a readout regarding a call).",
    )
    participants = models.ManyToManyField(
        "statements.Actor", through="Participation", related_name="communications", blank=True
    )

    history = edit_history(m2m_fields=["topics", "sources"])

    class Meta:
        ordering = ["-date", "title", "id"]
        # Newest first by DateKey, then id, as lists read them (see api.pagination), also within one kind.
        indexes = [
            models.Index(DateKey(), F("id"), name="communication_date_key"),
            models.Index(F("kind"), DateKey(), F("id"), name="communication_kind_date_key"),
        ]
        constraints = [
            *DatedModel.Meta.constraints,
            choices_constraint("kind", CommunicationKind, "communication_kind_valid"),
            models.CheckConstraint(
                condition=~Q(regarding=F("id")),
                name="communication_not_regarding_itself",
                violation_error_message="A communication cannot be regarding itself.",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=False) | Q(duration_according_to__isnull=True),
                name="communication_duration_source_needs_duration",
                violation_error_message="Say whose account the duration is only when a duration is given.",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.duration_minutes is None and self.duration_according_to_id is not None:
            raise ValidationError({"duration_according_to": "Give a duration before saying whose account it is."})
        refuse_reference_cycle(
            self, "regarding", "A communication cannot be regarding itself, directly or through others."
        )


class Participation(models.Model):
    """One actor's part in a communication, in a given role."""

    communication = models.ForeignKey(Communication, on_delete=models.CASCADE, related_name="participations")
    actor = models.ForeignKey("statements.Actor", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(
        max_length=12,
        choices=ParticipantRole.choices,
        default=ParticipantRole.PARTICIPANT,
        help_text="The actor's part.",
    )

    history = edit_history()

    class Meta:
        ordering = ["communication", "id"]
        constraints = [
            choices_constraint("role", ParticipantRole, "participation_role_valid"),
            models.UniqueConstraint(
                fields=["communication", "actor", "role"],
                name="participation_unique_per_role",
                violation_error_message="This actor already takes part in this communication in that role.",
            ),
        ]
        indexes = [models.Index(fields=["actor", "communication"], name="participation_actor_comm")]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()})"
