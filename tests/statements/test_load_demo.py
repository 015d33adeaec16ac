"""The demo dataset loader and the `load_demo` command."""

import datetime
import io
import shutil

import pytest
import yaml
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from statements import services
from statements.choices import CurationStatus, DatePrecision, StatementKind
from statements.demo.loader import (
    CURATION_FILE_NAME,
    DEMO_DIRECTORY,
    CurationError,
    load_demo_dataset,
    stable_uuid,
)
from statements.models import (
    Actor,
    ActorAlias,
    Communication,
    Participation,
    Place,
    PlaceAlias,
    Position,
    Source,
    Statement,
    Topic,
)

ARTICLE_FILE_NAME = "biden-netanyahu-call.txt"

pytestmark = pytest.mark.django_db


def curated(model, curation_key):
    """The record the curation key stands for, found by its stable UUID."""
    return model.objects.get(uuid=stable_uuid(curation_key))


def database_dump():
    """Every row of every table of the statements app, join tables included, in a comparable form."""
    return {
        model._meta.db_table: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("statements").get_models(include_auto_created=True)
    }


def read_curation():
    return yaml.safe_load((DEMO_DIRECTORY / CURATION_FILE_NAME).read_text(encoding="utf-8"))


@pytest.fixture
def demo_copy(tmp_path):
    """A writable copy of the demo directory, so a test can load an altered curation."""
    shutil.copy(DEMO_DIRECTORY / ARTICLE_FILE_NAME, tmp_path / ARTICLE_FILE_NAME)

    def write(curation):
        (tmp_path / CURATION_FILE_NAME).write_text(yaml.safe_dump(curation, allow_unicode=True), encoding="utf-8")
        return tmp_path

    return write


@pytest.mark.parametrize(
    ("model", "count"),
    [
        (Source, 1),
        (Actor, 10),
        (ActorAlias, 13),
        (Position, 2),
        (Place, 3),
        (PlaceAlias, 1),
        (Topic, 4),
        (Communication, 7),
        (Participation, 10),
        (Statement, 11),
    ],
)
def test_loads_the_curated_number_of_records(demo_data, model, count):
    assert model.objects.count() == count


def test_report_counts_what_the_first_load_created():
    report = load_demo_dataset()

    created = {model: tally.created for model, tally in report.tallies.items()}
    assert created == {Source: 1, Actor: 10, Position: 2, Place: 3, Topic: 4, Communication: 7, Statement: 11}
    assert report.existing == 0
    assert report.unanchored_paraphrases == []


def test_second_load_creates_nothing_and_changes_nothing(demo_data):
    before = database_dump()

    report = load_demo_dataset()

    assert report.created == 0
    assert report.existing == 38
    assert database_dump() == before


def test_curated_records_carry_uuids_derived_from_their_curation_keys(demo_data):
    assert curated(Actor, "actor:biden").slug == "biden"
    assert curated(Place, "place:rafah").slug == "rafah"
    assert curated(Topic, "topic:gaza-war").slug == "gaza-war"
    assert curated(Communication, "communication:call-thu").title == "Biden-Netanyahu phone call"
    assert curated(Statement, "statement:s8").text == "while a framework is in place, gaps remain"


def test_source_is_the_article_with_its_inferred_date(demo_data):
    source = Source.objects.get()

    assert source.body == (DEMO_DIRECTORY / ARTICLE_FILE_NAME).read_text(encoding="utf-8")
    assert source.kind == "news_article"
    assert source.title == "Biden and Netanyahu"
    assert source.date == datetime.date(2024, 2, 15)
    assert source.date_precision == DatePrecision.DAY
    assert source.date_expression == "132 days in Hamas captivity"
    assert source.language == "en"
    assert source.image_credit == "Avi Ohayon/GPO"
    assert source.publisher is None
    assert source.url is None


def test_an_article_already_stored_is_reused_not_duplicated():
    body = (DEMO_DIRECTORY / ARTICLE_FILE_NAME).read_text(encoding="utf-8")
    stored = services.source_create(kind="news_article", title="Imported earlier", body=body)

    report = load_demo_dataset()

    assert report.tallies[Source].existing == 1
    assert Source.objects.get() == stored
    assert set(Statement.objects.values_list("source", flat=True)) == {stored.pk}


def test_every_direct_quote_reproduces_its_span(demo_data):
    quotes = Statement.objects.filter(kind=StatementKind.DIRECT_QUOTE).select_related("source")

    assert quotes.count() == 5
    for quote in quotes:
        assert quote.source.body[quote.span_start : quote.span_end] == quote.text


def test_paraphrases_found_verbatim_are_anchored(demo_data):
    paraphrases = Statement.objects.filter(kind=StatementKind.PARAPHRASE).select_related("source")

    assert paraphrases.count() == 6
    for paraphrase in paraphrases:
        assert paraphrase.source.body[paraphrase.span_start : paraphrase.span_end] == paraphrase.text


def test_paraphrase_not_in_the_article_is_left_unanchored(demo_copy):
    curation = read_curation()
    s9 = next(entry for entry in curation["statements"] if entry["key"] == "s9")
    s9["text"] = "the Cairo talks were useful"

    report = load_demo_dataset(demo_copy(curation))

    statement = curated(Statement, "statement:s9")
    assert report.unanchored_paraphrases == ["s9"]
    assert (statement.span_start, statement.span_end) == (None, None)
    assert statement.source is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["actors"][0].update(mood="hopeful"), "nowhere to store mood"),
        (lambda c: c["communications"][0]["date"].update(timezone="UTC"), "nowhere to store timezone"),
        (lambda c: c.update(events=[]), "nowhere to store events"),
        (lambda c: c["statements"][1].update(text="The President said nothing."), "'s2' is a direct quote"),
        (lambda c: c["statements"][0].update(speaker="harris"), "actor 'harris' is referred to but not curated"),
        (lambda c: c["communications"][0].update(regarding="wh-readout"), "depends on itself"),
        (lambda c: c["actors"][0].update(wikidata="6279"), "actor 'biden' was rejected"),
    ],
    ids=["actor-field", "date-field", "section", "quote-not-verbatim", "unknown-key", "regarding-cycle", "invalid"],
)
def test_curation_the_models_cannot_store_faithfully_is_refused_and_nothing_is_stored(demo_copy, change, message):
    curation = read_curation()
    change(curation)

    with pytest.raises(CurationError, match=message):
        load_demo_dataset(demo_copy(curation))

    assert Actor.objects.count() == 0
    assert Source.objects.count() == 0


@pytest.mark.parametrize(
    ("actor", "title", "country", "start_date"),
    [
        ("biden", "President of the United States", "US", datetime.date(2021, 1, 20)),
        ("netanyahu", "Prime Minister of Israel", "IL", datetime.date(2022, 12, 29)),
    ],
)
def test_positions(demo_data, actor, title, country, start_date):
    position = Position.objects.get(actor__slug=actor)

    assert position.title == title
    assert position.country == country
    assert position.start_date == start_date
    assert position.end_date is None
    assert position.organization is None


@pytest.mark.parametrize(
    ("slug", "kind", "name", "country", "wikidata_id"),
    [
        ("biden", "person", "Joe Biden", "US", "Q6279"),
        ("netanyahu", "person", "Benjamin Netanyahu", "IL", "Q43723"),
        ("white-house", "government_body", "The White House", "US", None),
        ("pmo-israel", "government_body", "Prime Minister's Office (Israel)", "IL", None),
        ("hamas", "organization", "Hamas", "PS", None),
        ("cnn", "media_outlet", "CNN", "US", None),
        ("senior-admin-official", "unnamed_source", "senior administration official", "US", None),
        ("us-official", "unnamed_source", "US official", "US", None),
        ("israeli-delegation", "group", "Israeli negotiating delegation", "IL", None),
        ("gpo", "government_body", "Government Press Office (Israel)", "IL", None),
    ],
)
def test_actors(demo_data, slug, kind, name, country, wikidata_id):
    actor = Actor.objects.get(slug=slug)

    assert (actor.kind, actor.name, actor.country, actor.wikidata_id) == (kind, name, country, wikidata_id)


def test_aliases_of_the_prime_ministers_office_include_both_apostrophes(demo_data):
    aliases = set(Actor.objects.get(slug="pmo-israel").aliases.values_list("name", flat=True))

    assert aliases == {"Netanyahu\u2019s office", "Netanyahu's office"}


def test_the_senior_administration_official_is_affiliated_with_the_white_house(demo_data):
    official = Actor.objects.get(slug="senior-admin-official")

    assert official.affiliation == Actor.objects.get(slug="white-house")


@pytest.mark.parametrize(
    ("slug", "name", "kind", "country", "parent", "aliases"),
    [
        ("gaza", "Gaza Strip", "region", "", None, {"Gaza"}),
        ("rafah", "Rafah", "city", "", "gaza", set()),
        ("cairo", "Cairo", "city", "EG", None, set()),
    ],
)
def test_places(demo_data, slug, name, kind, country, parent, aliases):
    place = Place.objects.get(slug=slug)

    assert (place.name, place.kind, place.country) == (name, kind, country)
    assert (place.parent.slug if place.parent else None) == parent
    assert set(place.aliases.values_list("name", flat=True)) == aliases


def test_topics_are_named_after_their_slugs(demo_data):
    assert dict(Topic.objects.values_list("slug", "name")) == {
        "hostage-negotiations": "Hostage negotiations",
        "humanitarian-aid": "Humanitarian aid",
        "rafah-operation": "Rafah operation",
        "gaza-war": "Gaza war",
    }


@pytest.mark.parametrize(
    ("key", "regarding"),
    [
        ("call-thu", None),
        ("wh-readout", "call-thu"),
        ("pmo-statement", "call-thu"),
        ("call-sun", None),
        ("cnn-briefing", "call-sun"),
        ("cairo-talks", None),
        ("netanyahu-remarks", None),
    ],
)
def test_regarding_links(demo_data, key, regarding):
    communication = curated(Communication, f"communication:{key}")

    expected = curated(Communication, f"communication:{regarding}") if regarding else None
    assert communication.regarding == expected


@pytest.mark.parametrize(
    ("key", "kind", "participants"),
    [
        ("call-thu", "phone_call", {("biden", "participant"), ("netanyahu", "participant")}),
        ("wh-readout", "readout", {("white-house", "issuer")}),
        ("pmo-statement", "press_statement", {("pmo-israel", "issuer")}),
        ("call-sun", "phone_call", {("biden", "participant"), ("netanyahu", "participant")}),
        ("cnn-briefing", "background_briefing", {("senior-admin-official", "speaker"), ("cnn", "recipient")}),
        ("cairo-talks", "negotiation", {("israeli-delegation", "delegation")}),
        ("netanyahu-remarks", "public_remarks", {("netanyahu", "speaker")}),
    ],
)
def test_participants_and_roles(demo_data, key, kind, participants):
    communication = curated(Communication, f"communication:{key}")

    assert communication.kind == kind
    assert set(communication.participations.values_list("actor__slug", "role")) == participants


@pytest.mark.parametrize(
    ("key", "minutes", "approximate", "according_to"),
    [
        ("call-thu", 40, True, "pmo-israel"),
        ("call-sun", 45, True, None),
        ("wh-readout", None, False, None),
        ("cairo-talks", None, False, None),
    ],
)
def test_durations(demo_data, key, minutes, approximate, according_to):
    communication = curated(Communication, f"communication:{key}")

    assert communication.duration_minutes == minutes
    assert communication.duration_is_approximate is approximate
    according = communication.duration_according_to
    assert (according.slug if according else None) == according_to


@pytest.mark.parametrize(
    ("key", "date", "precision", "expression"),
    [
        ("call-thu", datetime.date(2024, 2, 15), "day", "on Thursday"),
        ("wh-readout", datetime.date(2024, 2, 15), "day", "following the conversation"),
        ("pmo-statement", datetime.date(2024, 2, 15), "day", "earlier on Thursday"),
        ("call-sun", datetime.date(2024, 2, 11), "day", "on Sunday"),
        ("cnn-briefing", None, "unknown", "later"),
        ("cairo-talks", datetime.date(2024, 2, 12), "week", "earlier this week"),
        ("netanyahu-remarks", None, "unknown", ""),
    ],
)
def test_communication_dates(demo_data, key, date, precision, expression):
    communication = curated(Communication, f"communication:{key}")

    assert (communication.date, communication.date_precision, communication.date_expression) == (
        date,
        precision,
        expression,
    )


def test_communications_have_their_place_topics_and_source(demo_data):
    source = Source.objects.get()

    assert curated(Communication, "communication:cairo-talks").place.slug == "cairo"
    assert set(curated(Communication, "communication:call-thu").topics.values_list("slug", flat=True)) == {
        "hostage-negotiations",
        "humanitarian-aid",
        "rafah-operation",
        "gaza-war",
    }
    assert not curated(Communication, "communication:wh-readout").topics.exists()
    for communication in Communication.objects.all():
        assert list(communication.sources.all()) == [source]


@pytest.mark.parametrize(
    ("key", "kind", "speaker", "as_written", "reported_by", "addressees", "communication"),
    [
        ("s1", "paraphrase", "biden", "US President Joe Biden", "white-house", {"netanyahu"}, "call-thu"),
        ("s2", "direct_quote", "white-house", "the White House", None, set(), "wh-readout"),
        ("s3", "direct_quote", "white-house", "the statement", None, set(), "wh-readout"),
        ("s4", "direct_quote", "white-house", "it", None, set(), "wh-readout"),
        ("s5", "paraphrase", "pmo-israel", "Netanyahu\u2019s office", None, set(), "pmo-statement"),
        ("s6", "paraphrase", "pmo-israel", "Netanyahu\u2019s office", None, set(), "pmo-statement"),
        ("s7", "paraphrase", "senior-admin-official", "A senior administration official", "cnn", set(), "cnn-briefing"),
        ("s8", "paraphrase", "senior-admin-official", "The officials", "cnn", set(), "cnn-briefing"),
        ("s9", "paraphrase", "us-official", "A US official", None, set(), None),
        ("s10", "direct_quote", "netanyahu", "Netanyahu", None, set(), "netanyahu-remarks"),
        ("s11", "direct_quote", "netanyahu", "he", None, set(), "netanyahu-remarks"),
    ],
)
def test_statement_speakers_and_context(
    demo_data, key, kind, speaker, as_written, reported_by, addressees, communication
):
    statement = curated(Statement, f"statement:{key}")

    assert statement.kind == kind
    assert statement.speaker.slug == speaker
    assert statement.speaker_as_written == as_written
    assert (statement.reported_by.slug if statement.reported_by else None) == reported_by
    assert set(statement.addressees.values_list("slug", flat=True)) == addressees
    expected_communication = curated(Communication, f"communication:{communication}") if communication else None
    assert statement.communication == expected_communication
    assert statement.status == CurationStatus.VERIFIED
    assert statement.source == Source.objects.get()


@pytest.mark.parametrize("entry", read_curation()["statements"], ids=lambda entry: entry["key"])
def test_statement_text_topics_and_mentions_follow_the_curation(demo_data, entry):
    statement = curated(Statement, f"statement:{entry['key']}")

    assert statement.text == entry["text"]
    assert set(statement.topics.values_list("slug", flat=True)) == set(entry.get("topics", []))
    assert set(statement.mentioned_actors.values_list("slug", flat=True)) == set(entry.get("mentions", []))
    assert set(statement.mentioned_places.values_list("slug", flat=True)) == set(entry.get("places", []))


@pytest.mark.parametrize(
    ("key", "date", "precision", "expression"),
    [
        ("s1", datetime.date(2024, 2, 15), "day", "on Thursday"),
        ("s2", datetime.date(2024, 2, 15), "day", "following the conversation"),
        ("s5", datetime.date(2024, 2, 15), "day", "earlier on Thursday"),
        ("s7", None, "unknown", "later"),
        ("s9", None, "unknown", ""),
        ("s10", None, "unknown", ""),
    ],
)
def test_statements_take_the_date_of_their_communication(demo_data, key, date, precision, expression):
    statement = curated(Statement, f"statement:{key}")

    assert (statement.date, statement.date_precision, statement.date_expression) == (date, precision, expression)


def test_a_statement_made_on_a_known_day_names_the_position_its_speaker_held(demo_data):
    assert curated(Statement, "statement:s1").position == Position.objects.get(actor__slug="biden")
    # Netanyahu's remarks are undated, so the capacity he spoke in is left open.
    assert curated(Statement, "statement:s10").position is None
    assert set(Statement.objects.exclude(position=None).values_list("uuid", flat=True)) == {stable_uuid("statement:s1")}


def test_command_prints_a_summary_per_model():
    first, second = io.StringIO(), io.StringIO()

    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)

    assert "38 records created, 0 already present" in first.getvalue()
    for line in [
        "sources: 1 created, 0 existing",
        "actors: 10 created, 0 existing",
        "statements: 11 created, 0 existing",
    ]:
        assert line in first.getvalue()
    assert "0 records created, 38 already present" in second.getvalue()
    assert "communications: 0 created, 7 existing" in second.getvalue()


def test_command_is_silent_at_verbosity_zero():
    output = io.StringIO()

    call_command("load_demo", verbosity=0, stdout=output)

    assert output.getvalue() == ""
    assert Statement.objects.count() == 11


def test_command_reports_a_curation_it_cannot_load(monkeypatch):
    def refuse():
        raise CurationError("actor 'x' is referred to but not curated.")

    monkeypatch.setattr("statements.management.commands.load_demo.load_demo_dataset", refuse)

    with pytest.raises(CommandError, match="not loaded: actor 'x'"):
        call_command("load_demo", verbosity=0)


def test_the_review_sample_leaves_drafts_for_the_review_screen(admin_client):
    call_command("load_demo", "--review-sample", verbosity=0)
    demo_statements = Statement.objects.exclude(status=CurationStatus.DRAFT).count()
    sample = Source.objects.get(title="White House says Gaza aid talks will go on next week")
    drafts = sample.statements.filter(status=CurationStatus.DRAFT)
    assert drafts.count() >= 3
    assert {"Joe Biden", "Benjamin Netanyahu"} <= {draft.speaker.name for draft in drafts if draft.speaker}

    review = admin_client.get(reverse("admin:statements_statement_review"), {"source": sample.pk})
    assert len(review.context["drafts"]) == drafts.count()

    call_command("load_demo", "--review-sample", verbosity=0)
    assert sample.statements.count() == drafts.count()
    assert Source.objects.count() == 2
    assert Statement.objects.exclude(status=CurationStatus.DRAFT).count() == demo_statements
