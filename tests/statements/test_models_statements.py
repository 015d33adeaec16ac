"""Integrity rules of statements, and of deleting what others depend on: refused naming the field, nothing saved."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import F, ProtectedError

from statements.choices import CurationStatus, DatePrecision, StatementKind
from statements.models import (
    Actor,
    ActorAlias,
    ActorMerge,
    Participation,
    Place,
    Source,
    Statement,
    Topic,
)
from statements.models.sources import content_hash_of
from statements.services import validated_save
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    CommunicationFactory,
    ParticipationFactory,
    PlaceFactory,
    PositionFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)
from tests.statements.test_models import (
    BODY,
    MONDAY,
    QUOTE,
    anchored_statement,
    assert_rejected,
    build_dated,
    source_with_statement,
    table_snapshot,
)

pytestmark = pytest.mark.django_db


# Statements


@pytest.fixture
def source():
    return SourceFactory(body=BODY)


def direct_quote(source, **fields) -> Statement:
    fields = {"kind": StatementKind.DIRECT_QUOTE, "text": QUOTE, "speaker": ActorFactory(), "source": source} | fields
    return Statement(**fields)


def test_direct_quote_span_reproduces_its_text(source):
    start = BODY.index(QUOTE)
    statement = validated_save(direct_quote(source, span_start=start, span_end=start + len(QUOTE)))
    assert BODY[statement.span_start : statement.span_end] == statement.text


def test_direct_quote_span_must_match_its_text(source):
    start = BODY.index(QUOTE)
    statement = direct_quote(source, span_start=start + 1, span_end=start + 1 + len(QUOTE))
    assert_rejected(statement, "text", "must match its span")


def test_direct_quote_edited_away_from_its_span_is_rejected(source):
    statement = validated_save(direct_quote(source))
    statement.text = "We will talk again soon,"
    assert_rejected(statement, "text", "must match its span")


@pytest.mark.parametrize(
    ("span_start", "span_end", "field", "message"),
    [
        (10, None, "span_end", "both ends"),
        (None, 10, "span_start", "both ends"),
        (10, 10, "span_end", "end after it starts"),
        (10, 5, "span_end", "end after it starts"),
        (10, len(BODY) + 1, "span_end", f"past the source's body ({len(BODY)} characters)"),
        (-1, 5, "span_start", "greater than or equal to 0"),
    ],
)
def test_span_lies_within_the_body_in_order(source, span_start, span_end, field, message):
    statement = StatementFactory.build(source=source, span_start=span_start, span_end=span_end, speaker=None)
    assert_rejected(statement, field, message)


def test_paraphrase_span_may_cover_any_part_of_the_body(source):
    statement = validated_save(StatementFactory.build(source=source, span_start=0, span_end=len(BODY), speaker=None))
    assert statement.is_anchored


def test_span_needs_a_source():
    statement = StatementFactory.build(span_start=0, span_end=5, speaker=None)
    assert_rejected(statement, "source", "give the source")


def test_direct_quote_occurring_once_is_anchored_automatically(source):
    statement = validated_save(direct_quote(source))
    statement.refresh_from_db()
    assert (statement.span_start, statement.span_end) == (BODY.index(QUOTE), BODY.index(QUOTE) + len(QUOTE))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("We will never talk again", "does not occur"),
        ("Netanyahu thanked him.", "occurs more than once"),
        ("we will talk again,", "does not occur"),
    ],
)
def test_direct_quote_that_cannot_be_anchored_is_rejected(source, text, message):
    assert_rejected(direct_quote(source, text=text), "text", message)


def test_direct_quote_without_a_source_needs_no_span():
    statement = validated_save(direct_quote(None))
    assert not statement.is_anchored


@pytest.mark.parametrize("text", ["", "   "])
def test_statement_text_cannot_be_blank(text):
    assert_rejected(StatementFactory.build(text=text, speaker=None), "text", "A statement needs its text.")


def test_verified_statement_needs_a_speaker():
    statement = StatementFactory.build(speaker=None, status=CurationStatus.VERIFIED)
    assert_rejected(statement, "speaker", "needs a resolved speaker")


def test_statement_position_must_be_one_its_speaker_held():
    statement = StatementFactory.build(speaker=ActorFactory(), position=PositionFactory())
    assert_rejected(statement, "position", "one the speaker held")


def test_statement_position_needs_a_speaker():
    statement = StatementFactory.build(speaker=None, position=PositionFactory())
    assert_rejected(statement, "position", "one the speaker held")


@pytest.mark.parametrize(
    ("precision", "date", "message"),
    [
        (DatePrecision.DAY, datetime.date(2021, 1, 19), "did not hold this position"),
        (DatePrecision.DAY, datetime.date(2025, 1, 21), "did not hold this position"),
        (DatePrecision.DAY, datetime.date(2021, 1, 20), None),
        (DatePrecision.DAY, datetime.date(2025, 1, 20), None),
        # A coarser date cannot say the position was not held, so it is not checked.
        (DatePrecision.YEAR, datetime.date(2021, 1, 1), None),
        (DatePrecision.UNKNOWN, None, None),
    ],
)
def test_statement_position_is_held_on_the_statement_date(precision, date, message):
    position = PositionFactory(start_date=datetime.date(2021, 1, 20), end_date=datetime.date(2025, 1, 20))
    statement = StatementFactory.build(speaker=position.actor, position=position, date=date, date_precision=precision)
    if message is None:
        validated_save(statement)
        assert Statement.objects.get(pk=statement.pk).position == position
    else:
        assert_rejected(statement, "position", message)


def test_statement_cannot_reply_to_itself():
    statement = StatementFactory()
    statement.in_reply_to = statement
    assert_rejected(statement, "in_reply_to", "cannot reply to itself")


# Deleting what others depend on


def speaker_with_statement():
    statement = StatementFactory()
    ActorAliasFactory(actor=statement.speaker)
    PositionFactory(actor=statement.speaker)
    return statement.speaker


def topic_with_child():
    return TopicFactory(parent=TopicFactory()).parent


def place_with_child():
    return PlaceFactory(parent=PlaceFactory()).parent


@pytest.mark.parametrize("build", [speaker_with_statement, source_with_statement, topic_with_child, place_with_child])
def test_deleting_what_others_depend_on_is_refused_and_deletes_nothing(build):
    protected = build()
    counts = {model: model.objects.count() for model in apps.get_app_config("statements").get_models()}
    with pytest.raises(ProtectedError):
        protected.delete()
    assert {model: model.objects.count() for model in counts} == counts


# The database holds the same rules when validation is bypassed


def position_within_organization():
    return PositionFactory(organization=ActorFactory(kind="organization"), country="")


def dated(factory):
    return lambda: validated_save(build_dated(factory))


# (constraint name, make a valid row, the changes that break it)
CHECK_CONSTRAINT_CASES = [
    ("actor_kind_valid", ActorFactory, lambda row: {"kind": "alien"}),
    ("actor_not_affiliated_with_itself", ActorFactory, lambda row: {"affiliation": F("id")}),
    ("actor_wikidata_id_not_blank", ActorFactory, lambda row: {"wikidata_id": ""}),
    (
        "position_ends_after_it_starts",
        lambda: PositionFactory(start_date=datetime.date(2021, 1, 20)),
        lambda row: {"end_date": datetime.date(2021, 1, 19)},
    ),
    ("position_has_organization_or_country", position_within_organization, lambda row: {"organization": None}),
    ("position_not_within_its_actor", PositionFactory, lambda row: {"organization": F("actor")}),
    ("place_kind_valid", PlaceFactory, lambda row: {"kind": "planet"}),
    ("place_coordinates_complete_and_in_range", PlaceFactory, lambda row: {"latitude": Decimal("31.77")}),
    ("place_coordinates_complete_and_in_range", PlaceFactory, lambda row: {"longitude": Decimal("35.21")}),
    (
        "place_coordinates_complete_and_in_range",
        PlaceFactory,
        lambda row: {"latitude": Decimal("91"), "longitude": Decimal("35.21")},
    ),
    (
        "place_coordinates_complete_and_in_range",
        PlaceFactory,
        lambda row: {"latitude": Decimal("31.77"), "longitude": Decimal("-181")},
    ),
    ("place_not_within_itself", PlaceFactory, lambda row: {"parent": F("id")}),
    ("topic_not_narrower_than_itself", TopicFactory, lambda row: {"parent": F("id")}),
    (
        "actor_merge_not_into_itself",
        lambda: ActorMerge.objects.create(merged=ActorFactory(), into=ActorFactory()),
        lambda row: {"into": F("merged")},
    ),
    ("source_kind_valid", SourceFactory, lambda row: {"kind": "rumour"}),
    ("source_url_not_blank", SourceFactory, lambda row: {"url": ""}),
    ("source_body_not_blank", SourceFactory, lambda row: {"body": ""}),
    ("communication_kind_valid", CommunicationFactory, lambda row: {"kind": "telepathy"}),
    ("communication_not_regarding_itself", CommunicationFactory, lambda row: {"regarding": F("id")}),
    (
        "communication_duration_source_needs_duration",
        CommunicationFactory,
        lambda row: {"duration_according_to": ActorFactory()},
    ),
    ("participation_role_valid", ParticipationFactory, lambda row: {"role": "spectator"}),
    ("statement_kind_valid", StatementFactory, lambda row: {"kind": "rumour"}),
    ("statement_status_valid", StatementFactory, lambda row: {"status": "pending"}),
    ("statement_text_not_blank", StatementFactory, lambda row: {"text": ""}),
    ("statement_span_complete_and_ordered", anchored_statement, lambda row: {"span_end": None}),
    ("statement_span_complete_and_ordered", anchored_statement, lambda row: {"span_start": None}),
    ("statement_span_complete_and_ordered", anchored_statement, lambda row: {"span_end": 0}),
    ("statement_span_complete_and_ordered", anchored_statement, lambda row: {"span_start": 5, "span_end": 4}),
    ("statement_span_needs_source", StatementFactory, lambda row: {"span_start": 0, "span_end": 5}),
    (
        "statement_verified_has_speaker",
        lambda: StatementFactory(speaker=None),
        lambda row: {"status": CurationStatus.VERIFIED},
    ),
    ("statement_not_reply_to_itself", StatementFactory, lambda row: {"in_reply_to": F("id")}),
    ("statement_confidence_between_0_and_1", StatementFactory, lambda row: {"confidence": 1.5}),
    ("statement_confidence_between_0_and_1", StatementFactory, lambda row: {"confidence": -0.1}),
]
for model_name, factory in [
    ("source", SourceFactory),
    ("communication", CommunicationFactory),
    ("statement", StatementFactory),
]:
    CHECK_CONSTRAINT_CASES += [
        (f"statements_{model_name}_date_precision_valid", dated(factory), lambda row: {"date_precision": "decade"}),
        (f"statements_{model_name}_date_matches_precision", dated(factory), lambda row: {"date": MONDAY}),
        (
            f"statements_{model_name}_date_matches_precision",
            dated(factory),
            lambda row: {"date_precision": DatePrecision.DAY},
        ),
    ]


def check_constraint_names() -> set[str]:
    return {
        constraint.name
        for model in apps.get_app_config("statements").get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint)
    }


def test_every_check_constraint_has_a_database_test():
    assert {name for name, _, _ in CHECK_CONSTRAINT_CASES} == check_constraint_names()


def assert_database_refuses(row: models.Model, changes: dict) -> None:
    model = type(row)
    before = table_snapshot(model)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**changes)
    assert table_snapshot(model) == before


@pytest.mark.parametrize(
    ("name", "make_row", "break_row"),
    CHECK_CONSTRAINT_CASES,
    ids=[f"{name}-{index}" for index, (name, _, _) in enumerate(CHECK_CONSTRAINT_CASES)],
)
def test_database_enforces_check_constraint(name, make_row, break_row):
    row = make_row()
    assert_database_refuses(row, break_row(row))


def actor_with_taken_slug():
    return Actor(kind="person", name="Twin", slug=ActorFactory().slug)


def actor_with_taken_wikidata_id():
    return Actor(kind="person", name="Twin", slug="twin", wikidata_id=ActorFactory(wikidata_id="Q6279").wikidata_id)


def alias_taken_by_its_actor():
    alias = ActorAliasFactory()
    return ActorAlias(actor=alias.actor, name=alias.name, normalized_name=alias.normalized_name)


def source_with_taken_url():
    url = SourceFactory(url="https://example.org/call").url
    return Source(kind="other", title="Copy", body=BODY, content_hash=content_hash_of(BODY), url=url)


def source_with_stored_body():
    body = SourceFactory().body
    return Source(kind="other", title="Copy", body=body, content_hash=content_hash_of(body))


def participation_taken():
    taken = ParticipationFactory()
    return Participation(communication=taken.communication, actor=taken.actor, role=taken.role)


@pytest.mark.parametrize(
    "make_duplicate",
    [
        actor_with_taken_slug,
        actor_with_taken_wikidata_id,
        alias_taken_by_its_actor,
        source_with_taken_url,
        source_with_stored_body,
        participation_taken,
        lambda: Topic(slug=TopicFactory().slug, name="Copy"),
        lambda: Place(slug=PlaceFactory().slug, name="Copy"),
    ],
)
def test_database_enforces_uniqueness(make_duplicate):
    duplicate = make_duplicate()
    model = type(duplicate)
    before = table_snapshot(model)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.bulk_create([duplicate])
    assert table_snapshot(model) == before
