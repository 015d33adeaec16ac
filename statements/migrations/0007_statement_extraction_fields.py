"""Extraction provenance on statements: confidence, extractor, proposed speaker name and the draft's fingerprint."""

import django.core.validators
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0006_curator_history_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalstatement",
            name="confidence",
            field=models.FloatField(
                blank=True,
                editable=False,
                help_text="How sure the extractor was that it found a statement and its speaker, from 0 to 1.",
                null=True,
                validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)],
            ),
        ),
        migrations.AddField(
            model_name="historicalstatement",
            name="extraction_digest",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Fingerprint of the statement as the extractor wrote it; once it differs, a curator has changed it.",
                max_length=64,
            ),
        ),
        migrations.AddField(
            model_name="historicalstatement",
            name="extractor",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text='The extractor that proposed the statement, as "name version"; blank when a curator recorded it.',
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="historicalstatement",
            name="speaker_proposed_name",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The extractor's name for a speaker no stored actor matched: a new actor for a curator to confirm.",
                max_length=300,
            ),
        ),
        migrations.AddField(
            model_name="statement",
            name="confidence",
            field=models.FloatField(
                blank=True,
                editable=False,
                help_text="How sure the extractor was that it found a statement and its speaker, from 0 to 1.",
                null=True,
                validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)],
            ),
        ),
        migrations.AddField(
            model_name="statement",
            name="extraction_digest",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Fingerprint of the statement as the extractor wrote it; once it differs, a curator has changed it.",
                max_length=64,
            ),
        ),
        migrations.AddField(
            model_name="statement",
            name="extractor",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text='The extractor that proposed the statement, as "name version"; blank when a curator recorded it.',
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="statement",
            name="speaker_proposed_name",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The extractor's name for a speaker no stored actor matched: a new actor for a curator to confirm.",
                max_length=300,
            ),
        ),
        migrations.AddConstraint(
            model_name="statement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("confidence__isnull", True),
                    models.Q(("confidence__gte", 0), ("confidence__lte", 1)),
                    _connector="OR",
                ),
                name="statement_confidence_between_0_and_1",
                violation_error_message="A confidence is a number from 0 to 1.",
            ),
        ),
    ]
