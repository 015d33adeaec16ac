"""Topics that communications and statements are about; they form a tree."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from statements.models.base import StableKeyModel


class Topic(StableKeyModel):
    """A subject, optionally narrower than a parent topic."""

    slug = models.SlugField(max_length=120, unique=True, help_text="Unique, URL-safe key.")
    name = models.CharField(max_length=200, help_text="Human-readable name.")
    description = models.TextField(blank=True, help_text="What the topic covers.")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The broader topic.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="topic_not_narrower_than_itself",
                violation_error_message="A topic cannot be narrower than itself.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        ancestor, seen = self.parent, set()
        while ancestor is not None:
            if (self.pk is not None and ancestor.pk == self.pk) or ancestor.pk in seen:
                raise ValidationError({"parent": "A topic cannot be narrower than itself."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    def descendant_ids(self) -> set[int]:
        """Ids of this topic and every topic beneath it, one query per level of the tree."""
        found, frontier = {self.pk}, {self.pk}
        while frontier:
            frontier = set(Topic.objects.filter(parent__in=frontier).values_list("pk", flat=True)) - found
            found |= frontier
        return found
