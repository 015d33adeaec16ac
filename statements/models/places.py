"""Places that communications happen in and statements mention."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from statements.choices import PlaceKind
from statements.models.base import (
    AliasBase,
    CountryCodeField,
    StableKeyModel,
    choices_constraint,
    edit_history,
    refuse_reference_cycle,
)


class Place(StableKeyModel):
    """A named place: a country, region, city or site, optionally within another place."""

    name = models.CharField(max_length=300, db_index=True, help_text="The preferred name.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Unique, URL-safe key.")
    kind = models.CharField(
        max_length=10, choices=PlaceKind.choices, default=PlaceKind.OTHER, help_text="What sort of place."
    )
    country = CountryCodeField(blank=True, help_text="ISO 3166-1 alpha-2 country code, where one applies.")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The larger place this one lies within.",
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="WGS 84 latitude in degrees.",
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text="WGS 84 longitude in degrees.",
    )

    history = edit_history()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            choices_constraint("kind", PlaceKind, "place_kind_valid"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                # Spelled out: a comparison with NULL is unknown, and a check passes on unknown.
                | Q(latitude__isnull=False, longitude__isnull=False)
                & Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="place_coordinates_complete_and_in_range",
                violation_error_message="Give both latitude (-90 to 90) and longitude (-180 to 180), or neither.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="place_not_within_itself",
                violation_error_message="A place cannot lie within itself.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            field = "longitude" if self.longitude is None else "latitude"
            raise ValidationError({field: "Give both latitude and longitude, or neither."})
        refuse_reference_cycle(self, "parent", "A place cannot lie within itself.")


class PlaceAlias(AliasBase):
    """Another name a place is known by."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="aliases")

    history = edit_history()

    class Meta(AliasBase.Meta):
        verbose_name_plural = "place aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["place", "name"],
                name="place_alias_unique_per_place",
                violation_error_message="This place already has that alias.",
            ),
        ]
