"""Abstract bases for shapes that recur across the domain models."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import DateField, Func, Q
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from statements.choices import DatePrecision
from statements.text import normalize_name

#: Fields whose index a historical table leaves out. History is read by record (`id`), by date and by
#: user, which keep theirs; an index on anything else (a foreign key, a slug, a date) costs every write
#: to keep and serves no query. django-simple-history skips names a model lacks, so one list serves all.
UNINDEXED_IN_HISTORY = [
    "uuid",
    "date",
    "updated_at",
    "slug",
    "name",
    "kind",
    "country",
    "wikidata_id",
    "url",
    "content_hash",
    "normalized_name",
    "status",
    # Foreign keys, and the two ends of a to-many link.
    "speaker",
    "position",
    "reported_by",
    "communication",
    "source",
    "in_reply_to",
    "created_by",
    "updated_by",
    "affiliation",
    "merged_into",
    "actor",
    "organization",
    "parent",
    "publisher",
    "duration_according_to",
    "place",
    "regarding",
    "topic",
    "statement",
]


def edit_history(**options) -> HistoricalRecords:
    """The edit history of a curated model (django-simple-history), with only the indexes history reads use."""
    return HistoricalRecords(no_db_index=UNINDEXED_IN_HISTORY, **options)


def choices_constraint(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    """A check constraint that keeps a choice field within its enumeration in the database."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


class CountryCodeField(CountryField):
    """A country given as its ISO 3166-1 alpha-2 code."""

    def clean(self, value, model_instance):
        # django-countries quietly turns alpha-3 and numeric codes ("USA", "840") into alpha-2 ones when
        # the value is read back; the code as it was given is still in the instance's dict, so refuse it there.
        given = model_instance.__dict__.get(self.attname) if model_instance is not None else value
        given = getattr(given, "code", given)
        is_alpha2 = isinstance(given, str) and len(given) == 2 and given.isascii() and given.upper() in self.countries
        if given and not is_alpha2:
            raise ValidationError(
                f"{given!r} is not an ISO 3166-1 alpha-2 country code (two letters, such as US or IL).",
                code="invalid_choice",
            )
        return super().clean(value, model_instance)


def refuse_reference_cycle(instance: models.Model, field: str, message: str) -> None:
    """Refuse a self-reference (`parent`, `regarding`…) that leads back to the instance, directly or through others.

    One query per step along the chain; chains of curated records are short.
    """
    target, seen = getattr(instance, field), set()
    while target is not None:
        if (instance.pk is not None and target.pk == instance.pk) or target.pk in seen:
            raise ValidationError({field: message})
        seen.add(target.pk)
        target = getattr(target, field)


#: Where an undated record sorts: as if from 1 January of the year 1, last when the newest come first.
UNDATED = datetime.date(1, 1, 1)


class DateKey(Func):
    """The sort key of a dated record: its date, or UNDATED when the date is unknown; never null.

    Lists order by it and their indexes are built on it. The undated literal is written into the SQL
    rather than passed as a parameter, so a query's expression is exactly its index's (SQLite only
    uses an index on an expression that reads the same).
    """

    function = "COALESCE"
    output_field = DateField()

    def __init__(self, expression="date", **extra):
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        literal = f"'{UNDATED.isoformat()}'" + ("::date" if connection.vendor == "postgresql" else "")
        return super().as_sql(
            compiler, connection, template=f"%(function)s(%(expressions)s, {literal})", **extra_context
        )


class TimestampedModel(models.Model):
    """Records when a row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, help_text="When the record was created.")
    updated_at = models.DateTimeField(auto_now=True, db_index=True, help_text="When the record last changed.")

    class Meta:
        abstract = True


class StableKeyModel(TimestampedModel):
    """A curated record with a UUID that stays the same across databases, exports and imports.

    `version` counts the record's changes: every update service raises it by one in the same
    statement that checks the version the writer last read, so concurrent edits cannot
    silently overwrite each other (it is the API's ETag).
    """

    uuid = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Stable identifier, the same in every copy of the dataset.",
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Number of changes made to the record; its ETag in the API."
    )

    class Meta:
        abstract = True


def validate_date_fits_precision(value: datetime.date | None, precision: str) -> None:
    """Reject a date whose value says more or less than its precision allows."""
    if precision == DatePrecision.UNKNOWN:
        if value is not None:
            raise ValidationError({"date": "A date of unknown precision must be left empty."})
        return
    if value is None:
        raise ValidationError({"date": f"A date of {precision} precision needs a value."})
    if precision == DatePrecision.WEEK and value.isoweekday() != 1:
        raise ValidationError({"date": "A date of week precision must be the Monday that starts the week."})
    if precision == DatePrecision.MONTH and value.day != 1:
        raise ValidationError({"date": "A date of month precision must be the first day of the month."})
    if precision == DatePrecision.YEAR and (value.month, value.day) != (1, 1):
        raise ValidationError({"date": "A date of year precision must be the first of January."})


class DatedModel(models.Model):
    """A date with its precision and the words of the source it was read from."""

    # No index of its own: each dated model declares the index its lists are read from (by DateKey).
    date = models.DateField(
        null=True,
        blank=True,
        help_text="The day, or the first day of the week, month or year the precision names.",
    )
    date_precision = models.CharField(
        max_length=7,
        choices=DatePrecision.choices,
        default=DatePrecision.UNKNOWN,
        help_text="How much of the date is known. A date given without a precision is a day.",
    )
    date_expression = models.CharField(
        max_length=200,
        blank=True,
        help_text='The source\'s own words for the date ("on Thursday", "earlier this week").',
    )

    class Meta:
        abstract = True
        constraints = [
            choices_constraint("date_precision", DatePrecision, "%(app_label)s_%(class)s_date_precision_valid"),
            models.CheckConstraint(
                condition=(Q(date_precision=DatePrecision.UNKNOWN) & Q(date__isnull=True))
                | (~Q(date_precision=DatePrecision.UNKNOWN) & Q(date__isnull=False)),
                name="%(app_label)s_%(class)s_date_matches_precision",
                violation_error_message="A date is required unless its precision is unknown, and only then empty.",
            ),
        ]

    def clean(self):
        super().clean()
        validate_date_fits_precision(self.date, self.date_precision)


def precision_of_a_date_alone(date, precision_given: str | None, current: str | None) -> str | None:
    """The precision a dated record takes when a date comes without one (an API body, an admin form left at its
    default): a day, where the record has no precision of its own; else None, nothing to change."""
    unknown = (None, DatePrecision.UNKNOWN)
    if date is not None and precision_given in unknown and current in unknown:
        return DatePrecision.DAY
    return None


class AliasBase(models.Model):
    """Another name a record is known by, kept with its folded form for matching."""

    name = models.CharField(max_length=300, help_text="The alias as written.")
    normalized_name = models.CharField(
        max_length=300,
        editable=False,
        db_index=True,
        help_text="Case-, accent- and apostrophe-folded form used for matching.",
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The folded form is derived data: keep it right whatever path saves the row.
        self.normalized_name = normalize_name(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.name = " ".join(self.name.split())
        if not self.name:
            raise ValidationError({"name": "An alias cannot be blank."})
        self.normalized_name = normalize_name(self.name)
