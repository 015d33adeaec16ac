"""Topics that communications and statements are about; they form a tree."""

from django.db import models
from django.db.models import F, Q

from statements.models.base import StableKeyModel, edit_history, refuse_reference_cycle


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

    history = edit_history()

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
        refuse_reference_cycle(self, "parent", "A topic cannot be narrower than itself.")
