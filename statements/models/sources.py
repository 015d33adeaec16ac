"""Source documents that statements are drawn from."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from statements.choices import SourceKind
from statements.models.base import DatedModel, StableKeyModel, choices_constraint, edit_history
from statements.text import normalize_text

language_tag_validator = RegexValidator(
    regex=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z",
    message='Use a BCP 47 language tag such as "en" or "pt-BR".',
)


def content_hash_of(body: str) -> str:
    """SHA-256 of the body text as UTF-8: the identity of a document's words."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class Source(StableKeyModel, DatedModel):
    """A document — article, readout, transcript, post — whose words statements are anchored to."""

    kind = models.CharField(max_length=20, choices=SourceKind.choices, help_text="What sort of document.")
    title = models.CharField(max_length=500, help_text="Headline or title.")
    url = models.URLField(
        "URL", max_length=2000, null=True, blank=True, unique=True, help_text="Where it was published. Unique when set."
    )
    publisher = models.ForeignKey(
        "statements.Actor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_sources",
        help_text="The outlet or body that published it.",
    )
    authors = models.ManyToManyField(
        "statements.Actor",
        blank=True,
        related_name="authored_sources",
        help_text="Who wrote it.",
    )
    language = models.CharField(
        max_length=35, default="en", validators=[language_tag_validator], help_text="BCP 47 language tag."
    )
    image_credit = models.CharField(max_length=300, blank=True, help_text="Credit line of the lead image, if any.")
    body = models.TextField(help_text="The full text; statement spans are character offsets into it.")
    content_hash = models.CharField(
        max_length=64,
        unique=True,
        editable=False,
        help_text="SHA-256 of the body, so the same text is not stored twice.",
    )

    history = edit_history(m2m_fields=["authors"])

    class Meta:
        ordering = ["-date", "title", "id"]
        indexes = [
            models.Index(fields=["-date", "title", "id"], name="source_listed"),
            # The newest sources, as the admin's index lists them (statements.worklist).
            models.Index(fields=["-created_at", "-id"], name="source_created_desc"),
        ]
        constraints = [
            *DatedModel.Meta.constraints,
            choices_constraint("kind", SourceKind, "source_kind_valid"),
            models.CheckConstraint(
                condition=~Q(body=""),
                name="source_body_not_blank",
                violation_error_message="A source needs its text.",
            ),
            models.CheckConstraint(
                condition=~Q(url=""),
                name="source_url_not_blank",
                violation_error_message="Leave the URL empty rather than blank.",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.url == "":
            self.url = None
        if not self.body or not self.body.strip():
            raise ValidationError({"body": "A source needs its text."})
        self.derive_from_body()
        stored_hash = self.pk and Source.objects.filter(pk=self.pk).values_list("content_hash", flat=True).first()
        if stored_hash is not None and stored_hash != self.content_hash:
            # Spans are offsets into the stored words: changing them would silently move every anchored quote.
            anchored = self.statements.filter(span_start__isnull=False).count()
            if anchored:
                raise ValidationError(
                    {"body": f"{anchored} statement(s) are anchored to this text, so it cannot be changed."}
                )
        duplicate = Source.objects.filter(content_hash=self.content_hash).exclude(pk=self.pk).first()
        if duplicate is not None:
            raise ValidationError(
                {"body": f"The same text is already stored as source {duplicate.pk} ({duplicate.title})."}
            )

    def derive_from_body(self) -> None:
        """The body as it is stored (see `normalize_text`), and its hash: before hashing, anchoring or saving."""
        self.body = normalize_text(self.body)
        self.content_hash = content_hash_of(self.body)

    def save(self, *args, **kwargs):
        # Derived from the body: kept right whatever path saves the row.
        self.derive_from_body()
        super().save(*args, **kwargs)
