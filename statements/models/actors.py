"""Actors (people, organisations, unnamed sources…) and the positions they hold."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from statements.choices import ActorKind
from statements.models.base import (
    AliasBase,
    CountryCodeField,
    StableKeyModel,
    choices_constraint,
    edit_history,
    refuse_reference_cycle,
)

wikidata_id_validator = RegexValidator(
    regex=r"^Q[1-9][0-9]*\Z",
    message='A Wikidata id is "Q" followed by digits, such as Q6279.',
)


class Actor(StableKeyModel):
    """Someone who speaks, is addressed, reports or is mentioned: a person, body or unnamed source."""

    kind = models.CharField(max_length=20, choices=ActorKind.choices, db_index=True, help_text="What sort of actor.")
    name = models.CharField(max_length=300, db_index=True, help_text="The preferred name.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Unique, URL-safe key.")
    description = models.TextField(blank=True, help_text="Who or what this is.")
    country = CountryCodeField(blank=True, db_index=True, help_text="ISO 3166-1 alpha-2 country code.")
    wikidata_id = models.CharField(
        "Wikidata id",
        max_length=20,
        null=True,
        blank=True,
        unique=True,
        validators=[wikidata_id_validator],
        help_text="Wikidata item, such as Q6279. Unique when set.",
    )
    affiliation = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="affiliated_actors",
        help_text="For an unnamed source, the actor it belongs to (a senior official of the White House).",
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_actors",
        help_text="The actor this duplicate was merged into; its references now point there.",
    )

    history = edit_history()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            choices_constraint("kind", ActorKind, "actor_kind_valid"),
            models.CheckConstraint(
                condition=~Q(affiliation=F("id")),
                name="actor_not_affiliated_with_itself",
                violation_error_message="An actor cannot be affiliated with itself.",
            ),
            models.CheckConstraint(
                condition=~Q(wikidata_id=""),
                name="actor_wikidata_id_not_blank",
                violation_error_message="Leave the Wikidata id empty rather than blank.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.wikidata_id == "":
            self.wikidata_id = None
        refuse_reference_cycle(
            self, "affiliation", "An actor cannot be affiliated with itself, directly or through others."
        )


class ActorAlias(AliasBase):
    """Another name an actor is known by, used to find the actor in text."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")

    history = edit_history()

    class Meta(AliasBase.Meta):
        verbose_name_plural = "actor aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "name"],
                name="actor_alias_unique_per_actor",
                violation_error_message="This actor already has that alias.",
            ),
        ]


class Position(StableKeyModel):
    """A title an actor held for an organisation or a country over a span of dates."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="positions", help_text="Who held it.")
    title = models.CharField(max_length=300, help_text='The title, such as "President of the United States".')
    organization = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions_within",
        help_text="The organisation or body the position belongs to.",
    )
    country = CountryCodeField(blank=True, help_text="The country the position belongs to.")
    start_date = models.DateField(null=True, blank=True, help_text="First day held, if known.")
    end_date = models.DateField(null=True, blank=True, help_text="Last day held; empty while it is still held.")

    history = edit_history()

    class Meta:
        ordering = ["actor__name", "-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="position_ends_after_it_starts",
                violation_error_message="A position cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | ~Q(country=""),
                name="position_has_organization_or_country",
                violation_error_message="A position belongs to an organisation or a country: give at least one.",
            ),
            models.CheckConstraint(
                condition=~Q(organization=F("actor")),
                name="position_not_within_its_actor",
                violation_error_message="An actor cannot hold a position within itself.",
            ),
        ]

    def __str__(self):
        return f"{self.actor} – {self.title}" if self.actor_id else self.title

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "A position cannot end before it starts."})
        if self.organization_id is None and not self.country:
            raise ValidationError({"organization": "A position belongs to an organisation or a country: give one."})
        if self.organization_id is not None and self.organization_id == self.actor_id:
            raise ValidationError({"organization": "An actor cannot hold a position within itself."})

    def is_held_on(self, day) -> bool:
        """Whether the position was held on the given day (unknown bounds count as open)."""
        return (self.start_date is None or self.start_date <= day) and (self.end_date is None or day <= self.end_date)


class ActorMerge(models.Model):
    """A merge of a duplicate actor into another, with every reference it moved, so it can be undone."""

    merged = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="merges_away", help_text="The duplicate that was merged."
    )
    into = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="merges_in", help_text="The actor kept.")
    moved = models.JSONField(
        default=dict, help_text="What moved, by relation: the ids of the rows that pointed at the duplicate."
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True, help_text="When the merge was undone, if it was.")
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged=F("into")),
                name="actor_merge_not_into_itself",
                violation_error_message="An actor cannot be merged into itself.",
            ),
        ]

    def __str__(self):
        return f"{self.merged_id} → {self.into_id}"
