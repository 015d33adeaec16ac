"""Integrity rules of the domain models: each is refused with an error naming the field, and nothing is saved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction

from statements.choices import DatePrecision, ParticipantRole
from statements.models import (
    Actor,
    ActorAlias,
    Communication,
    Participation,
    Place,
    Position,
    Source,
)
from statements.models.sources import content_hash_of
from statements.selectors import topic_ids_with_descendants
from statements.services import validated_save
from statements.text import normalize_name
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

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2024, 3, 4)
BODY = 'Biden spoke with Netanyahu. "We will talk again," he said. Netanyahu thanked him. Netanyahu thanked him.'
QUOTE = "We will talk again,"


def table_snapshot(model: type[models.Model]) -> list[dict]:
    return list(model.objects.order_by("pk").values())


def assert_rejected(instance: models.Model, field: str, message: str) -> None:
    """Saving `instance` through validation fails on `field` with `message`, and its table is unchanged."""
    model = type(instance)
    before = table_snapshot(model)
    with pytest.raises(ValidationError) as excinfo:
        validated_save(instance)
    errors = excinfo.value.message_dict
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors[field]
    assert table_snapshot(model) == before


def anchored_statement():
    return StatementFactory(source=SourceFactory(body=BODY), span_start=0, span_end=5)


def source_with_statement():
    return anchored_statement().source


# Actors


def test_actor_kind_must_be_a_known_kind():
    assert_rejected(Actor(kind="alien", name="Zorg", slug="zorg"), "kind", "not a valid choice")


def test_actor_slug_is_unique():
    ActorFactory(slug="joe-biden")
    assert_rejected(Actor(kind="person", name="Joe Biden", slug="joe-biden"), "slug", "already exists")


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Netanyahu’s office", "netanyahu's office"),
        ("Netanyahu's office", "netanyahu's office"),
        ("Benjamín  Netanyahú", "benjamin netanyahu"),
        ("PRIME MINISTER", "prime minister"),
    ],
)
def test_actor_alias_keeps_a_folded_form_for_search(written, folded):
    alias = validated_save(ActorAlias(actor=ActorFactory(), name=written))
    alias.refresh_from_db()
    assert alias.normalized_name == folded
    assert ActorAlias.objects.filter(normalized_name=normalize_name(folded)).get() == alias


def test_actor_alias_folded_form_follows_a_save_that_skips_validation():
    alias = ActorAliasFactory(name="Netanyahu’s Office")
    ActorAlias.objects.filter(pk=alias.pk).update(normalized_name="stale")
    alias.refresh_from_db()
    alias.name = "Bibi’s office"
    alias.save()
    assert ActorAlias.objects.get(pk=alias.pk).normalized_name == "bibi's office"


def test_actor_alias_cannot_be_blank():
    assert_rejected(ActorAlias(actor=ActorFactory(), name="   "), "name", "cannot be blank")


def test_actor_alias_is_unique_per_actor():
    alias = ActorAliasFactory(name="Bibi")
    assert_rejected(ActorAlias(actor=alias.actor, name="Bibi"), NON_FIELD_ERRORS, "already has that alias")


@pytest.mark.parametrize("country", ["XX", "USA", "840", "U1"])
def test_actor_country_must_be_an_iso_alpha2_code(country):
    assert_rejected(Actor(kind="person", name="Someone", slug="someone", country=country), "country", "alpha-2")


@pytest.mark.parametrize(("given", "stored"), [("IL", "IL"), ("us", "US"), ("", "")])
def test_actor_country_accepts_alpha2_codes_and_none(given, stored):
    actor = validated_save(Actor(kind="person", name="Someone", slug="someone", country=given))
    actor.refresh_from_db()
    assert actor.country == stored


@pytest.mark.parametrize("wikidata_id", ["Q0", "q42", "Q12a", "P31", "Q", " Q42"])
def test_actor_wikidata_id_must_be_q_and_digits(wikidata_id):
    actor = Actor(kind="person", name="Someone", slug="someone", wikidata_id=wikidata_id)
    assert_rejected(actor, "wikidata_id", "Wikidata id")


def test_actor_wikidata_id_accepts_an_item():
    actor = validated_save(Actor(kind="person", name="Benjamin Netanyahu", slug="netanyahu", wikidata_id="Q6279"))
    assert Actor.objects.get(pk=actor.pk).wikidata_id == "Q6279"


def test_actor_wikidata_id_is_unique_when_set():
    ActorFactory(wikidata_id="Q6279")
    assert_rejected(Actor(kind="person", name="Bibi", slug="bibi", wikidata_id="Q6279"), "wikidata_id", "exists")


@pytest.mark.parametrize("missing", [None, ""])
def test_many_actors_may_lack_a_wikidata_id(missing):
    for slug in ("first", "second", "third"):
        validated_save(Actor(kind="person", name=slug, slug=slug, wikidata_id=missing))
    assert Actor.objects.filter(wikidata_id__isnull=True).count() == 3


def test_actor_cannot_be_affiliated_with_itself():
    actor = ActorFactory()
    actor.affiliation = actor
    assert_rejected(actor, "affiliation", "cannot be affiliated with itself")


# Positions


def test_position_cannot_end_before_it_starts():
    position = PositionFactory.build(
        actor=ActorFactory(), start_date=datetime.date(2021, 1, 20), end_date=datetime.date(2021, 1, 19)
    )
    assert_rejected(position, "end_date", "cannot end before it starts")


def test_position_needs_an_organization_or_a_country():
    position = PositionFactory.build(actor=ActorFactory(), country="")
    assert_rejected(position, "organization", "organisation or a country")


@pytest.mark.parametrize(("with_organization", "country"), [(True, ""), (False, "IL"), (True, "IL")])
def test_position_with_an_organization_or_a_country_is_valid(with_organization, country):
    organization = ActorFactory(kind="organization") if with_organization else None
    validated_save(PositionFactory.build(actor=ActorFactory(), organization=organization, country=country))
    assert Position.objects.count() == 1


def test_position_organization_cannot_be_its_actor():
    actor = ActorFactory(kind="organization")
    assert_rejected(PositionFactory.build(actor=actor, organization=actor), "organization", "within itself")


def test_position_country_must_be_an_iso_alpha2_code():
    assert_rejected(PositionFactory.build(actor=ActorFactory(), country="USA"), "country", "alpha-2")


@pytest.mark.parametrize(
    ("start", "end", "day", "held"),
    [
        (None, None, MONDAY, True),
        (MONDAY, None, MONDAY, True),
        (MONDAY, None, MONDAY - datetime.timedelta(days=1), False),
        (None, MONDAY, MONDAY, True),
        (None, MONDAY, MONDAY + datetime.timedelta(days=1), False),
    ],
)
def test_position_is_held_between_its_dates_inclusive(start, end, day, held):
    assert PositionFactory.build(start_date=start, end_date=end).is_held_on(day) is held


# Places and topics


@pytest.mark.parametrize(
    ("latitude", "longitude", "field", "message"),
    [
        (Decimal("31.77"), None, "longitude", "both latitude and longitude"),
        (None, Decimal("35.21"), "latitude", "both latitude and longitude"),
        (Decimal("90.5"), Decimal("35.21"), "latitude", "less than or equal to 90"),
        (Decimal("-90.5"), Decimal("35.21"), "latitude", "greater than or equal to -90"),
        (Decimal("31.77"), Decimal("180.5"), "longitude", "less than or equal to 180"),
        (Decimal("31.77"), Decimal("-180.5"), "longitude", "greater than or equal to -180"),
    ],
)
def test_place_coordinates_come_in_pairs_within_range(latitude, longitude, field, message):
    place = Place(name="Jerusalem", slug="jerusalem", latitude=latitude, longitude=longitude)
    assert_rejected(place, field, message)


@pytest.mark.parametrize(("latitude", "longitude"), [(None, None), (Decimal("-90"), Decimal("180"))])
def test_place_with_both_coordinates_or_neither_is_valid(latitude, longitude):
    validated_save(Place(name="Somewhere", slug="somewhere", latitude=latitude, longitude=longitude))
    assert Place.objects.count() == 1


@pytest.mark.parametrize(
    ("factory", "message"), [(PlaceFactory, "cannot lie within itself"), (TopicFactory, "narrower")]
)
def test_tree_parent_cannot_be_itself(factory, message):
    node = factory()
    node.parent = node
    assert_rejected(node, "parent", message)


@pytest.mark.parametrize(
    ("factory", "message"), [(PlaceFactory, "cannot lie within itself"), (TopicFactory, "narrower")]
)
def test_tree_parent_cannot_close_a_cycle(factory, message):
    top = factory()
    middle = factory(parent=top)
    bottom = factory(parent=middle)
    top.parent = bottom
    assert_rejected(top, "parent", message)


def test_topic_descendant_ids_cover_the_whole_subtree():
    root = TopicFactory()
    child, other_child = TopicFactory(parent=root), TopicFactory(parent=root)
    grandchild = TopicFactory(parent=child)
    unrelated = TopicFactory()
    assert topic_ids_with_descendants([root.pk]) == {root.pk, child.pk, other_child.pk, grandchild.pk}
    assert topic_ids_with_descendants([child.pk]) == {child.pk, grandchild.pk}
    assert topic_ids_with_descendants([unrelated.pk]) == {unrelated.pk}


def test_actor_affiliation_cannot_loop_through_others():
    official = ActorFactory(kind="unnamed_source")
    office = ActorFactory(kind="government_body", affiliation=official)
    official.affiliation = office
    assert_rejected(official, "affiliation", "directly or through others")


def test_statement_cannot_reply_to_itself_through_others():
    first = StatementFactory()
    second = StatementFactory(in_reply_to=first)
    first.in_reply_to = second
    assert_rejected(first, "in_reply_to", "directly or through others")


# Sources


def test_source_url_is_unique_when_present():
    SourceFactory(url="https://example.org/call")
    source = SourceFactory.build(url="https://example.org/call")
    assert_rejected(source, "url", "already exists")


@pytest.mark.parametrize("missing", [None, ""])
def test_sources_without_a_url_may_coexist(missing):
    first = validated_save(SourceFactory.build(url=missing))
    second = validated_save(SourceFactory.build(url=missing))
    assert Source.objects.filter(pk__in=[first.pk, second.pk], url__isnull=True).count() == 2


def test_source_content_hash_is_set_from_the_body():
    source = validated_save(SourceFactory.build(body=BODY))
    source.refresh_from_db()
    assert source.content_hash == content_hash_of(BODY)
    assert len(source.content_hash) == 64


def test_source_content_hash_follows_a_save_that_skips_validation():
    source = SourceFactory()
    source.body = BODY
    source.save()
    assert Source.objects.get(pk=source.pk).content_hash == content_hash_of(BODY)


def test_source_with_the_same_body_twice_is_rejected():
    existing = SourceFactory(body=BODY, title="The call")
    assert_rejected(SourceFactory.build(body=BODY), "body", f"already stored as source {existing.pk}")


def test_source_body_with_anchored_statements_cannot_change():
    source = source_with_statement()
    source.body = "Biden " + BODY
    assert_rejected(source, "body", "1 statement(s) are anchored to this text")


def test_source_body_without_anchored_statements_may_change():
    source = StatementFactory(source=SourceFactory(body=BODY)).source
    source.body = "Corrected: " + BODY
    validated_save(source)
    assert Source.objects.get(pk=source.pk).content_hash == content_hash_of("Corrected: " + BODY)


def test_source_with_anchored_statements_keeps_other_edits():
    source = source_with_statement()
    source.title = "Corrected title"
    validated_save(source)
    assert Source.objects.get(pk=source.pk).title == "Corrected title"


@pytest.mark.parametrize("body", ["", "   \n\t"])
def test_source_body_cannot_be_blank(body):
    assert_rejected(SourceFactory.build(body=body), "body", "A source needs its text.")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("english", "BCP 47 language tag"),
        ("EN", "BCP 47 language tag"),
        ("en_US", "BCP 47 language tag"),
        ("e", "BCP 47 language tag"),
        ("en-", "BCP 47 language tag"),
        ("", "cannot be blank"),
    ],
)
def test_source_language_must_be_a_language_tag(language, message):
    assert_rejected(SourceFactory.build(language=language), "language", message)


@pytest.mark.parametrize("language", ["en", "he", "pt-BR", "zh-Hant-TW"])
def test_source_language_accepts_language_tags(language):
    validated_save(SourceFactory.build(language=language))
    assert Source.objects.get().language == language


# Dates and their precision, shared by sources, communications and statements

DATE_CASES = [
    (DatePrecision.UNKNOWN, None, None),
    (DatePrecision.UNKNOWN, MONDAY, "must be left empty"),
    (DatePrecision.DAY, MONDAY + datetime.timedelta(days=2), None),
    (DatePrecision.DAY, None, "needs a value"),
    (DatePrecision.WEEK, MONDAY, None),
    (DatePrecision.WEEK, MONDAY + datetime.timedelta(days=1), "Monday"),
    (DatePrecision.WEEK, None, "needs a value"),
    (DatePrecision.MONTH, datetime.date(2024, 3, 1), None),
    (DatePrecision.MONTH, datetime.date(2024, 3, 15), "first day of the month"),
    (DatePrecision.MONTH, None, "needs a value"),
    (DatePrecision.YEAR, datetime.date(2024, 1, 1), None),
    (DatePrecision.YEAR, datetime.date(2024, 3, 1), "first of January"),
    (DatePrecision.YEAR, None, "needs a value"),
]
DATED_FACTORIES = [SourceFactory, CommunicationFactory, StatementFactory]


def build_dated(factory, **fields) -> models.Model:
    # A built statement would carry an unsaved speaker; the date rules do not need one.
    return factory.build(speaker=None, **fields) if factory is StatementFactory else factory.build(**fields)


@pytest.mark.parametrize(("precision", "date", "message"), DATE_CASES)
@pytest.mark.parametrize("factory", DATED_FACTORIES)
def test_date_fits_its_precision(factory, precision, date, message):
    record = build_dated(factory, date=date, date_precision=precision)
    if message is None:
        validated_save(record)
        assert type(record).objects.filter(pk=record.pk, date=date, date_precision=precision).exists()
    else:
        assert_rejected(record, "date", message)


@pytest.mark.parametrize("factory", DATED_FACTORIES)
def test_date_precision_must_be_a_known_precision(factory):
    assert_rejected(build_dated(factory, date=MONDAY, date_precision="decade"), "date_precision", "valid choice")


# Communications


def test_communication_cannot_be_regarding_itself():
    call = CommunicationFactory()
    call.regarding = call
    assert_rejected(call, "regarding", "cannot be regarding itself")


def test_communication_cannot_be_regarding_itself_through_others():
    call = CommunicationFactory()
    readout = CommunicationFactory(regarding=call)
    briefing = CommunicationFactory(regarding=readout)
    call.regarding = briefing
    assert_rejected(call, "regarding", "directly or through others")


def test_communication_duration_source_needs_a_duration():
    call = CommunicationFactory.build(duration_minutes=None, duration_according_to=ActorFactory())
    assert_rejected(call, "duration_according_to", "Give a duration")


def test_communication_duration_with_its_source_is_valid():
    call = validated_save(CommunicationFactory.build(duration_minutes=40, duration_according_to=ActorFactory()))
    assert Communication.objects.get(pk=call.pk).duration_minutes == 40


def test_participation_role_must_be_a_known_role():
    participation = ParticipationFactory.build(communication=CommunicationFactory(), actor=ActorFactory())
    participation.role = "spectator"
    assert_rejected(participation, "role", "not a valid choice")


def test_database_refuses_the_same_participant_twice_in_one_role():
    participation = ParticipationFactory(role=ParticipantRole.INITIATOR)
    duplicate = Participation(
        communication=participation.communication, actor=participation.actor, role=ParticipantRole.INITIATOR
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert Participation.objects.count() == 1


def test_same_participant_may_take_part_in_two_roles():
    participation = ParticipationFactory(role=ParticipantRole.INITIATOR)
    validated_save(
        Participation(communication=participation.communication, actor=participation.actor, role=ParticipantRole.HOST)
    )
    assert Participation.objects.count() == 2
