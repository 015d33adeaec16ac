"""Bulk export and import: byte-identical round trips, line-numbered rejections that write nothing, history."""

import datetime
import decimal
import io
import json

import pytest

from statements import transfer
from statements.choices import (
    ActorKind,
    CommunicationKind,
    CurationStatus,
    DatePrecision,
    ParticipantRole,
    PlaceKind,
    SourceKind,
    StatementKind,
)
from statements.models import (
    Actor,
    ActorAlias,
    ActorMerge,
    Communication,
    Participation,
    Place,
    PlaceAlias,
    Position,
    Source,
    Statement,
    Topic,
)
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

BODY = (
    "Biden spoke with Netanyahu on Thursday. \u201cWe will keep working toward a ceasefire,\u201d Biden said. "
    "Netanyahu replied: \u201cIsrael will decide for itself.\u201d Caf\u00e9 talks \U0001f54a continue\u2028tomorrow."
)
QUOTE = "We will keep working toward a ceasefire,"
REPLY = "Israel will decide for itself."

DOMAIN_MODELS = [Statement, Participation, Communication, Source, Position, ActorAlias, Actor, PlaceAlias, Place, Topic]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DOMAIN_MODELS}


def export_bytes(**options) -> bytes:
    return "".join(transfer.export_lines(**options)).encode("utf-8")


def wipe_domain() -> None:
    """Delete every statement-domain row, as if importing into an empty database."""
    ActorMerge.objects.all().delete()
    Statement.objects.update(in_reply_to=None)
    Communication.objects.update(regarding=None)
    Actor.objects.update(affiliation=None, merged_into=None)
    Place.objects.update(parent=None)
    Topic.objects.update(parent=None)
    for model in DOMAIN_MODELS:
        model.objects.all().delete()


def import_bytes(content: bytes, **options) -> transfer.ImportReport:
    return transfer.import_lines(io.BytesIO(content), **options)


@pytest.fixture
def every_kind_of_field(db):
    """Records using every field, relation and edge case the format has to carry."""
    return records_of_every_kind()


def records_of_every_kind():
    """The records of `every_kind_of_field` (a function, so that other modules' fixtures make them too)."""
    broad = TopicFactory(slug="fixture-diplomacy", name="Diplomacy", description="Talks between states.")
    narrow = TopicFactory(slug="fixture-ceasefire", name="Ceasefire", parent=broad)
    narrower = TopicFactory(slug="fixture-hostages", name="Hostages \u2013 release", parent=narrow)
    region = PlaceFactory(name="Middle East", slug="fixture-middle-east", kind=PlaceKind.REGION)
    city = PlaceFactory(
        name="Tel Aviv\u2011Yafo",
        slug="fixture-tel-aviv",
        parent=region,
        country="IL",
        latitude=decimal.Decimal("32.085300"),
        longitude=decimal.Decimal("34.781800"),
    )
    PlaceAlias.objects.create(place=city, name="\u05ea\u05dc \u05d0\u05d1\u05d9\u05d1")
    white_house = ActorFactory(
        kind=ActorKind.GOVERNMENT_BODY, name="White House", slug="fixture-white-house", country=""
    )
    biden = ActorFactory(
        name="Joe Biden", slug="fixture-joe-biden", wikidata_id="Q99999999", description="46th president."
    )
    ActorAliasFactory(actor=biden, name="President Biden")
    ActorAliasFactory(actor=biden, name="Biden\u2019s office")
    netanyahu = ActorFactory(name="Benjamin Netanyahu", slug="fixture-netanyahu", country="IL")
    official = ActorFactory(
        kind=ActorKind.UNNAMED_SOURCE, name="A senior official", slug="fixture-official", affiliation=white_house
    )
    duplicate = ActorFactory(name="J. Biden", slug="fixture-j-biden", merged_into=biden)
    ActorFactory(name="Jo Biden", slug="fixture-jo-biden", merged_into=duplicate, affiliation=official)
    president = PositionFactory(
        actor=biden,
        title="President of the United States",
        organization=white_house,
        start_date=datetime.date(2021, 1, 20),
        end_date=datetime.date(2025, 1, 20),
    )
    outlet = ActorFactory(kind=ActorKind.MEDIA_OUTLET, name="The \u201cTimes\u201d", slug="fixture-times")
    source = SourceFactory(
        kind=SourceKind.NEWS_ARTICLE,
        title="Biden and Netanyahu \u2014 a call",
        body=BODY,
        url="https://example.org/call",
        publisher=outlet,
        date=datetime.date(2024, 3, 1),
        date_precision=DatePrecision.MONTH,
        date_expression="in March",
        language="en-GB",
        image_credit="Photo: \u00a9 Someone",
    )
    source.authors.set([netanyahu, outlet])
    SourceFactory(body="A second article without a date.")
    call = CommunicationFactory(
        kind=CommunicationKind.PHONE_CALL,
        title="Call",
        summary="They spoke.\nAt length.",
        date=datetime.date(2024, 3, 14),
        date_precision=DatePrecision.DAY,
        duration_minutes=30,
        duration_is_approximate=True,
        duration_according_to=official,
        place=city,
    )
    ParticipationFactory(communication=call, actor=biden, role=ParticipantRole.INITIATOR)
    ParticipationFactory(communication=call, actor=netanyahu, role=ParticipantRole.RECIPIENT)
    ParticipationFactory(communication=call, actor=netanyahu, role=ParticipantRole.SPEAKER)
    call.topics.set([narrow, narrower])
    call.sources.set([source])
    readout = CommunicationFactory(kind=CommunicationKind.READOUT, title="Readout", regarding=call)
    CommunicationFactory(kind=CommunicationKind.PRESS_STATEMENT, title="On the readout", regarding=readout)
    quote_start = BODY.index(QUOTE)
    quote = StatementFactory(
        kind=StatementKind.DIRECT_QUOTE,
        text=QUOTE,
        speaker=biden,
        speaker_as_written="Biden",
        position=president,
        reported_by=outlet,
        communication=call,
        source=source,
        span_start=quote_start,
        span_end=quote_start + len(QUOTE),
        date=datetime.date(2024, 3, 11),
        date_precision=DatePrecision.WEEK,
        date_expression="this week",
        status=CurationStatus.VERIFIED,
    )
    quote.addressees.set([netanyahu])
    quote.topics.set([narrow])
    quote.mentioned_actors.set([netanyahu, white_house])
    quote.mentioned_places.set([city, region])
    reply_start = BODY.index(REPLY)
    reply = StatementFactory(
        kind=StatementKind.DIRECT_QUOTE,
        text=REPLY,
        speaker=netanyahu,
        source=source,
        span_start=reply_start,
        span_end=reply_start + len(REPLY),
        in_reply_to=quote,
        status=CurationStatus.REJECTED,
    )
    StatementFactory(text="a paraphrase without speaker", speaker=None, in_reply_to=reply)
    StatementFactory(
        text="Unicode \u201ccurly\u201d \u2018quotes\u2019 and \\ backslash",
        speaker=official,
        confidence=0.8125,
        extractor="quotes 1.2",
        speaker_proposed_name="An \u00e9lys\u00e9e adviser",
        extraction_digest="0" * 64,
        status=CurationStatus.DRAFT,
    )


def test_round_trip_gives_the_same_bytes(demo_data, every_kind_of_field):
    exported = export_bytes()
    before = counts()
    wipe_domain()

    report = import_bytes(exported)

    assert report.ok, report.errors
    assert counts() == before
    assert sum(report.created.values()) == sum(
        before[model.__name__] for model in [Statement, Communication, Source, Position, Actor, Place, Topic]
    )
    assert export_bytes() == exported


def lines_of(content: bytes) -> list[str]:
    # Lines end at "\n" only: str.splitlines() would also split at the U+2028 inside a record.
    return [line + "\n" for line in content.decode("utf-8").split("\n")[:-1]]


def record_line(lines: list[str], type_name: str, **matching) -> int:
    """The index of the first line holding a record of the type with the given values."""
    for index, line in enumerate(lines):
        record = json.loads(line)
        if record["type"] == type_name and all(record.get(name) == value for name, value in matching.items()):
            return index
    raise AssertionError(f"no {type_name} line with {matching}")
