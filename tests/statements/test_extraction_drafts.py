"""Extraction into draft statements: proposals from a source's text, idempotent, never over a curator's work."""

import datetime

import pytest
import yaml
from django.core.exceptions import ValidationError

from statements import services
from statements.choices import CurationStatus, DatePrecision, StatementKind
from statements.demo.loader import CURATION_FILE_NAME, DEMO_DIRECTORY, stable_uuid
from statements.extraction import EXTRACTOR_NAME, EXTRACTOR_VERSION
from statements.models import Actor, Source, Statement
from statements.services import extraction_digest, is_untouched_draft, source_extract_statements
from tests.factories import ActorAliasFactory, ActorFactory, SourceFactory, StatementFactory

pytestmark = pytest.mark.django_db

BODY = (
    "Foreign Minister Maria Lopes told reporters on Monday that the talks would resume next week.\n\n"
    '"We are ready to sign," Lopes said. "Nobody wants another delay," she added.'
)
PARAPHRASE = "the talks would resume next week"
QUOTE = "We are ready to sign"
SECOND_QUOTE = "Nobody wants another delay"

SEED_CURATION = yaml.safe_load((DEMO_DIRECTORY / CURATION_FILE_NAME).read_text(encoding="utf-8"))


@pytest.fixture
def source():
    return SourceFactory(body=BODY, date=datetime.date(2024, 3, 6), date_precision=DatePrecision.DAY)


@pytest.fixture
def lopes():
    return ActorFactory(name="Maria Lopes", kind="person")


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_user("extraction-curator")


def snapshot(source: Source) -> list[dict]:
    return list(source.statements.order_by("pk").values())


def draft(source: Source, text: str) -> Statement:
    return source.statements.get(text=text)


# What a run writes


def test_drafts_carry_the_span_speaker_date_confidence_and_extractor(source, lopes):
    result = source_extract_statements(source=source)

    assert [statement.text for statement in result.statements] == [PARAPHRASE, QUOTE, SECOND_QUOTE]
    assert (len(result.created), len(result.unchanged), result.removed) == (3, 0, 0)
    paraphrase = draft(source, PARAPHRASE)
    assert paraphrase.kind == StatementKind.PARAPHRASE
    assert paraphrase.status == CurationStatus.DRAFT
    assert paraphrase.speaker == lopes
    assert paraphrase.speaker_as_written == "Foreign Minister Maria Lopes"
    assert paraphrase.speaker_proposed_name == ""
    assert BODY[paraphrase.span_start : paraphrase.span_end] == PARAPHRASE
    assert (paraphrase.date, paraphrase.date_precision, paraphrase.date_expression) == (
        datetime.date(2024, 3, 4),
        DatePrecision.DAY,
        "on Monday",
    )
    assert 0 < paraphrase.confidence <= 1
    assert paraphrase.extractor == f"{EXTRACTOR_NAME} {EXTRACTOR_VERSION}"
    assert draft(source, SECOND_QUOTE).speaker_as_written == "she"
    assert all(is_untouched_draft(statement) for statement in source.statements.all())


def test_without_a_day_precise_source_date_relative_dates_keep_only_their_words(source, lopes):
    Source.objects.filter(pk=source.pk).update(date=None, date_precision=DatePrecision.UNKNOWN)

    source_extract_statements(source=source)

    paraphrase = draft(source, PARAPHRASE)
    assert (paraphrase.date, paraphrase.date_precision, paraphrase.date_expression) == (
        None,
        DatePrecision.UNKNOWN,
        "on Monday",
    )


def test_direct_quotes_reproduce_their_span_exactly(source, lopes):
    source_extract_statements(source=source)

    quotes = source.statements.filter(kind=StatementKind.DIRECT_QUOTE)
    assert quotes.count() == 2
    for quote in quotes:
        assert BODY[quote.span_start : quote.span_end] == quote.text


def test_an_unmatched_speaker_is_proposed_by_name_and_no_actor_is_created(source):
    actors_before = Actor.objects.count()

    source_extract_statements(source=source)

    assert Actor.objects.count() == actors_before
    for statement in source.statements.all():
        assert statement.speaker is None
        assert statement.speaker_proposed_name == "Maria Lopes"


ANONYMOUS_BODY = (
    '"The talks are stuck," a senior administration official said. '
    '"Nobody expects a deal this week," the official added.'
)


def test_an_unnamed_source_is_one_actor_in_its_article_and_nobody_known_in_another():
    first = SourceFactory(body=ANONYMOUS_BODY)
    source_extract_statements(source=first)
    drafts = list(first.statements.order_by("span_start"))
    assert len(drafts) == 2
    # Within the article both quotes are one proposed speaker, which a curator confirms as an actor.
    assert {statement.speaker_proposed_name for statement in drafts} == {"senior administration official"}
    official = ActorFactory(name="senior administration official", kind="unnamed_source")
    for statement in drafts:
        statement.speaker, statement.speaker_proposed_name = official, ""
        statement.save()

    # The same words in another article are somebody else, for all anyone knows: proposed anew.
    second = SourceFactory(body=ANONYMOUS_BODY.replace("stuck", "moving"))
    source_extract_statements(source=second)
    assert [statement.speaker for statement in second.statements.all()] == [None, None]
    assert {statement.speaker_proposed_name for statement in second.statements.all()} == {
        "senior administration official"
    }

    # Read again, the first article still finds its own official, even once its statements are gone.
    first.statements.all().delete()
    source_extract_statements(source=first)
    assert [statement.speaker for statement in first.statements.all()] == [official, official]


def test_an_ambiguous_speaker_is_left_unresolved(source):
    ActorFactory(name="Maria Lopes", kind="person")
    ActorFactory(name="Maria Lopes", kind="person")

    source_extract_statements(source=source)

    assert not source.statements.filter(speaker__isnull=False).exists()


def test_speakers_are_matched_by_alias(source):
    alias = ActorAliasFactory(name="Maria Lopes")

    source_extract_statements(source=source)

    assert set(source.statements.values_list("speaker", flat=True)) == {alias.actor.pk}


def test_the_history_names_the_user_who_ran_the_extraction(source, lopes, curator):
    source_extract_statements(source=source, user=curator)

    statement = draft(source, QUOTE)
    assert statement.created_by == curator
    assert statement.history.earliest("history_date").history_user == curator


def test_a_refused_write_leaves_every_statement_as_it_was(source, monkeypatch):
    source_extract_statements(source=source)
    before = snapshot(source)
    ActorFactory(name="Maria Lopes", kind="person")  # the next run replaces the three unresolved drafts

    def refuse(instance):
        raise ValidationError({"text": "Refused."})

    monkeypatch.setattr(services.extraction, "validated_save", refuse)

    with pytest.raises(ValidationError):
        source_extract_statements(source=source)

    assert snapshot(source) == before


# Running it again


def test_running_twice_creates_no_duplicates_and_changes_nothing(source, lopes):
    first = source_extract_statements(source=source)
    before = snapshot(source)

    second = source_extract_statements(source=source)

    assert (len(second.created), len(second.unchanged), second.removed) == (0, 3, 0)
    assert [statement.pk for statement in second.statements] == [statement.pk for statement in first.statements]
    assert snapshot(source) == before


@pytest.mark.parametrize(
    "curate",
    [
        pytest.param(
            lambda statement, user: services.statements_set_status(
                statements=Statement.objects.filter(pk=statement.pk), status=CurationStatus.VERIFIED, user=user
            ),
            id="verified",
        ),
        pytest.param(
            lambda statement, user: services.statements_set_status(
                statements=Statement.objects.filter(pk=statement.pk), status=CurationStatus.REJECTED, user=user
            ),
            id="rejected",
        ),
        pytest.param(
            lambda statement, user: services.statement_update(
                statement=statement, user=user, speaker_as_written="Minister Lopes"
            ),
            id="edited-field",
        ),
        pytest.param(
            lambda statement, user: services.statement_update(
                statement=statement, user=user, addressees=[ActorFactory()]
            ),
            id="edited-addressees",
        ),
        pytest.param(
            lambda statement, user: services.record_save(instance=_without_speaker(statement), user=user),
            id="speaker-cleared-in-admin",
        ),
    ],
)
def test_a_statement_a_curator_touched_is_never_changed_or_duplicated(source, lopes, curator, curate):
    source_extract_statements(source=source)
    curate(draft(source, QUOTE), curator)
    curated = snapshot(source)

    result = source_extract_statements(source=source)

    assert snapshot(source) == curated
    assert source.statements.filter(text=QUOTE).count() == 1
    assert draft(source, QUOTE).pk in {statement.pk for statement in result.unchanged}
    assert not is_untouched_draft(draft(source, QUOTE))


def _without_speaker(statement: Statement) -> Statement:
    statement.speaker = None
    return statement


def test_a_draft_whose_span_a_curator_corrected_is_not_proposed_again(source, lopes, curator):
    source_extract_statements(source=source)
    paraphrase = draft(source, PARAPHRASE)
    services.statement_update(
        statement=paraphrase, user=curator, text="the talks would resume", span_end=paraphrase.span_end - 10
    )

    result = source_extract_statements(source=source)

    assert result.created == []
    assert source.statements.filter(kind=StatementKind.PARAPHRASE).count() == 1
    assert source.statements.get(kind=StatementKind.PARAPHRASE).text == "the talks would resume"


def test_a_curators_statement_at_the_same_span_stands_for_the_proposal(source, lopes):
    start = BODY.index(QUOTE)
    mine = services.statement_create(
        kind=StatementKind.DIRECT_QUOTE,
        text=QUOTE,
        source=source,
        span_start=start,
        span_end=start + len(QUOTE),
        speaker=lopes,
        status=CurationStatus.VERIFIED,
    )

    result = source_extract_statements(source=source)

    assert mine in result.unchanged
    assert source.statements.filter(text=QUOTE).count() == 1
    assert len(result.created) == 2


def test_untouched_drafts_no_longer_proposed_are_removed_and_curated_ones_kept(source, lopes, curator, monkeypatch):
    source_extract_statements(source=source)
    services.statements_set_status(
        statements=source.statements.filter(text=SECOND_QUOTE), status=CurationStatus.VERIFIED, user=curator
    )
    extract = services.extraction.extract
    # A later extractor version that finds only the paraphrase.
    monkeypatch.setattr(services.extraction, "extract", lambda text, published=None: extract(text, published)[:1])

    result = source_extract_statements(source=source)

    assert (len(result.created), len(result.unchanged), result.removed) == (0, 1, 1)
    assert sorted(source.statements.values_list("text", flat=True)) == sorted([PARAPHRASE, SECOND_QUOTE])
    removed = Statement.history.filter(history_type="-").get()
    assert removed.text == QUOTE


def test_a_draft_a_curator_changes_while_the_run_reads_it_is_not_removed(source, lopes, monkeypatch):
    source_extract_statements(source=source)
    monkeypatch.setattr(services.extraction, "extract", lambda text, published=None: [])
    is_untouched = services.is_untouched_draft

    def changed_by_a_curator_right_after_the_read(statement):
        untouched = is_untouched(statement)
        Statement.objects.filter(pk=statement.pk, text=QUOTE).update(status=CurationStatus.REJECTED, version=2)
        return untouched

    monkeypatch.setattr(services.extraction, "is_untouched_draft", changed_by_a_curator_right_after_the_read)

    with pytest.raises(ValidationError):
        source_extract_statements(source=source)

    # The simulated curator's write was in the run's transaction, so it is undone too; nothing was removed.
    assert source.statements.count() == 3


def test_a_draft_another_statement_replies_to_is_kept(source, lopes, monkeypatch):
    source_extract_statements(source=source)
    StatementFactory(in_reply_to=draft(source, QUOTE))
    monkeypatch.setattr(services.extraction, "extract", lambda text, published=None: [])

    result = source_extract_statements(source=source)

    assert result.removed == 2
    assert source.statements.filter(text=QUOTE).exists()


def test_an_untouched_draft_is_proposed_anew_once_its_speaker_can_be_resolved(source):
    source_extract_statements(source=source)
    old_ids = set(source.statements.values_list("pk", flat=True))
    lopes = ActorFactory(name="Maria Lopes", kind="person")

    result = source_extract_statements(source=source)

    assert (len(result.created), len(result.unchanged), result.removed) == (3, 0, 3)
    assert set(source.statements.values_list("speaker", flat=True)) == {lopes.pk}
    assert old_ids.isdisjoint(source.statements.values_list("pk", flat=True))


def test_the_fingerprint_of_a_saved_draft_matches_the_one_computed_before_saving(source, lopes):
    result = source_extract_statements(source=source)

    for statement in result.created:
        stored = Statement.objects.get(pk=statement.pk)
        assert stored.extraction_digest == extraction_digest(stored) != ""


# The seed article


def curated_actor(key: str) -> Actor:
    return Actor.objects.get(uuid=stable_uuid(f"actor:{key}"))


def test_the_seed_article_yields_the_reference_curation_as_drafts(demo_data):
    source = Source.objects.get()
    Statement.objects.all().delete()

    result = source_extract_statements(source=source)

    assert (len(result.unchanged), result.removed) == (0, 0)
    assert len(result.created) == len(SEED_CURATION["statements"])
    for entry in SEED_CURATION["statements"]:
        # The curator ended one paraphrase with the sentence's full stop; the extractor stops before it.
        statement = source.statements.get(kind=entry["kind"], span_start=source.body.index(entry["text"]))
        assert entry["text"].startswith(statement.text)
        assert statement.status == CurationStatus.DRAFT
        assert statement.speaker == curated_actor(entry["speaker"]), entry["key"]
        assert statement.speaker_proposed_name == ""
        assert 0 < statement.confidence <= 1
    readout_paraphrase = source.statements.get(text=SEED_CURATION["statements"][0]["text"])
    assert list(readout_paraphrase.addressees.all()) == [curated_actor("netanyahu")]
    assert readout_paraphrase.reported_by == curated_actor("white-house")


def test_the_seed_articles_verified_curation_stands_for_every_proposal(demo_data):
    source = Source.objects.get()
    before = snapshot(source)

    result = source_extract_statements(source=source)

    assert (len(result.created), len(result.unchanged), result.removed) == (0, len(before), 0)
    assert snapshot(source) == before
