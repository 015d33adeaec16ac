"""The benchmark's archive is a valid one: every row passes the models' rules, in the promised shapes."""

import pytest
from django.db.models import Count

from benchmarks.dataset import generate
from benchmarks.vocabulary import COMMON_WORD, RARE_WORD, RARE_WORD_STATEMENTS
from statements.choices import StatementKind
from statements.models import Actor, Communication, Participation, Source, Statement, Topic
from statements.selectors import topic_ids_with_descendants

pytestmark = pytest.mark.django_db

STATEMENTS = 600


@pytest.fixture
def archive():
    return generate(STATEMENTS, seed=7, progress=lambda message: None)


def test_every_row_passes_the_models_rules(archive):
    for model in (Topic, Actor, Source, Communication, Participation, Statement):
        for row in model.objects.all():
            row.full_clean()


def test_direct_quotes_reproduce_their_spans(archive):
    quotes = Statement.objects.filter(kind=StatementKind.DIRECT_QUOTE).select_related("source")
    assert quotes.exists()
    for quote in quotes:
        assert quote.source.body[quote.span_start : quote.span_end] == quote.text


def test_the_archive_has_the_shapes_it_promises(archive):
    assert archive["statement"] == Statement.objects.count() == STATEMENTS
    busiest = Statement.objects.values("speaker").annotate(n=Count("id")).order_by("-n").first()
    assert busiest["speaker"] == 1  # Zipf: actor 1 speaks most
    assert Statement.objects.filter(text__contains=RARE_WORD).count() == min(RARE_WORD_STATEMENTS, STATEMENTS)
    common = Statement.objects.filter(text__contains=COMMON_WORD).count() / STATEMENTS
    assert 0.12 < common < 0.26
    first_root = Statement.objects.filter(topics__in=topic_ids_with_descendants([1])).distinct().count()
    assert 0.45 < first_root / STATEMENTS < 0.70
    assert set(Statement.objects.values_list("status", flat=True)) >= {"verified", "draft"}


def test_the_same_seed_gives_the_same_archive(archive):
    first = list(Statement.objects.order_by("id").values_list("uuid", "text", "speaker_id"))
    generate(STATEMENTS, seed=7, replace=True, progress=lambda message: None)
    assert list(Statement.objects.order_by("id").values_list("uuid", "text", "speaker_id")) == first
