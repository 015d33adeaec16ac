"""Edit history: every write through the services and the admin leaves one record with its user, reason and members."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command

from statements import services
from statements.choices import CurationStatus
from statements.history import change_reason, history_entries, history_of, record_before
from statements.models import (
    Actor,
    ActorAlias,
    Communication,
    Participation,
    Place,
    Position,
    Source,
    Statement,
    Topic,
)
from tests.factories import (
    ActorFactory,
    CommunicationFactory,
    PlaceFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)
from tests.statements.test_admin import admin_url, changeform_data


def revert_form_data(response) -> dict:
    """The POST data that submits a rendered revert form: the change form of an old version, without inlines."""
    data = {}
    for bound_field in response.context["adminform"].form:
        value = bound_field.value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[bound_field.html_name] = [str(item) for item in value]
        else:
            data[bound_field.html_name] = "on" if value is True else str(value)
    return data


pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_user("history-curator")


def records(instance) -> list:
    """The historical records of an object, oldest first."""
    return list(history_of(type(instance), instance.pk).reverse())


def members(record, field: str) -> list[int]:
    """The ids a historical record holds for a to-many field."""
    remote = type(record).instance_type._meta.get_field(field).m2m_reverse_field_name()
    return sorted(getattr(record, field).values_list(f"{remote}_id", flat=True))


# Services

#: Per model: a create service with its arguments (built per test), and a field change for its update service.
SERVICE_WRITES = {
    "actor": (lambda: (services.actor_create, {"kind": "person", "name": "Ana"}), "actor_update", "actor", "name"),
    "position": (
        lambda: (services.position_create, {"actor": ActorFactory(), "title": "Envoy", "country": "US"}),
        "position_update",
        "position",
        "title",
    ),
    "place": (lambda: (services.place_create, {"name": "Haifa"}), "place_update", "place", "name"),
    "topic": (lambda: (services.topic_create, {"slug": "ceasefire"}), "topic_update", "topic", "name"),
    "source": (
        lambda: (services.source_create, {"kind": "readout", "title": "Readout", "body": "Words.", "authors": []}),
        "source_update",
        "source",
        "title",
    ),
    "communication": (
        lambda: (services.communication_create, {"kind": "phone_call", "title": "Call"}),
        "communication_update",
        "communication",
        "title",
    ),
    "statement": (
        lambda: (services.statement_create, {"kind": "paraphrase", "text": "They spoke."}),
        "statement_update",
        "statement",
        "text",
    ),
}


@pytest.mark.parametrize("model_name", SERVICE_WRITES)
def test_a_create_and_an_update_through_a_service_each_leave_one_record_with_the_user(curator, model_name):
    build, update_name, argument, field = SERVICE_WRITES[model_name]
    create, arguments = build()

    record = create(**arguments, user=curator)
    getattr(services, update_name)(**{argument: record, field: "Renamed", "user": curator})

    created, changed = records(record)
    assert (created.history_type, created.history_user) == ("+", curator)
    assert (changed.history_type, changed.history_user) == ("~", curator)
    assert getattr(changed, field) == "Renamed"


def test_a_statement_created_with_to_many_members_is_one_record_holding_them(curator):
    addressee, topic, place = ActorFactory(), TopicFactory(), PlaceFactory()

    statement = services.statement_create(
        kind="paraphrase",
        text="They spoke.",
        addressees=[addressee],
        topics=[topic],
        mentioned_places=[place],
        user=curator,
    )

    [created] = records(statement)
    assert created.history_type == "+"
    assert members(created, "addressees") == [addressee.pk]
    assert members(created, "topics") == [topic.pk]
    assert members(created, "mentioned_places") == [place.pk]
    assert members(created, "mentioned_actors") == []


def test_changing_to_many_members_through_a_service_is_recorded_with_the_new_members(curator):
    first, second = TopicFactory(), TopicFactory()
    statement = services.statement_create(kind="paraphrase", text="They spoke.", topics=[first])
    source = services.source_create(kind="readout", title="Readout", body="Words.")
    communication = services.communication_create(kind="phone_call", title="Call")
    author = ActorFactory()

    services.statement_update(statement=statement, topics=[second], user=curator)
    services.source_update(source=source, authors=[author], user=curator)
    services.communication_update(communication=communication, topics=[first, second], user=curator)

    assert [members(record, "topics") for record in records(statement)] == [[first.pk], [second.pk]]
    assert records(statement)[-1].history_user == curator
    assert members(records(source)[-1], "authors") == [author.pk]
    assert members(records(communication)[-1], "topics") == sorted([first.pk, second.pk])


def test_a_bulk_status_change_leaves_one_record_per_statement_with_the_user_and_its_members(curator):
    topic = TopicFactory()
    chosen = [StatementFactory(status=CurationStatus.DRAFT) for _ in range(3)]
    chosen[0].topics.set([topic])
    untouched = StatementFactory(status=CurationStatus.DRAFT)

    services.statements_set_status(
        statements=Statement.objects.filter(pk__in=[s.pk for s in chosen]), status=CurationStatus.VERIFIED, user=curator
    )

    for statement in chosen:
        latest = records(statement)[-1]
        assert (latest.history_type, latest.history_user, latest.status) == ("~", curator, "verified")
    # The bulk record keeps the members, so its entry lists only the status as changed.
    [entry] = history_entries([records(chosen[0])[-1]], records(chosen[0])[-2])
    assert [change.field for change in entry.changes] == ["status"]
    assert records(untouched)[-1].status == "draft"


def test_replacing_participants_records_each_added_and_removed_participation_with_the_user(curator):
    communication = CommunicationFactory()
    leaving, staying, joining = ActorFactory(), ActorFactory(), ActorFactory()
    services.communication_set_participants(
        communication=communication, participants=[(leaving, "participant"), (staying, "participant")]
    )

    services.communication_set_participants(
        communication=communication, participants=[(staying, "participant"), (joining, "host")], user=curator
    )

    history = Participation.history.filter(communication_id=communication.pk, history_user=curator)
    assert sorted(history.values_list("actor_id", "history_type")) == sorted([(leaving.pk, "-"), (joining.pk, "+")])


def test_replacing_aliases_records_each_added_and_removed_alias_with_the_user(curator):
    actor = services.actor_create(kind="person", name="Benjamin Netanyahu", aliases=["Bibi", "Netanyahu"])

    services.actor_update(actor=actor, aliases=["Netanyahu", "the prime minister"], user=curator)

    by_curator = ActorAlias.history.filter(actor_id=actor.pk, history_user=curator)
    assert sorted(by_curator.values_list("name", "history_type")) == [("Bibi", "-"), ("the prime minister", "+")]


def test_writes_in_a_change_reason_block_carry_the_reason_single_and_bulk():
    with change_reason("import of 2024-02-15"):
        statement = services.statement_create(kind="paraphrase", text="They spoke.")
        communication = services.communication_create(
            kind="phone_call", title="Call", participants=[(ActorFactory(), "participant")]
        )
        services.statements_set_status(statements=Statement.objects.all(), status=CurationStatus.REJECTED)

    assert {record.history_change_reason for record in records(statement)} == {"import of 2024-02-15"}
    assert Participation.history.get(communication_id=communication.pk).history_change_reason == "import of 2024-02-15"
    assert services.topic_create(slug="later").history.get().history_change_reason is None


def test_load_demo_records_its_name_as_the_reason():
    call_command("load_demo", verbosity=0)

    assert Statement.history.exists()
    assert set(Statement.history.values_list("history_change_reason", flat=True)) == {"load_demo"}
    assert set(Actor.history.values_list("history_change_reason", flat=True)) == {"load_demo"}


def test_history_entries_list_field_changes_against_the_record_before(curator):
    place = services.place_create(name="Jerusalem", country="IL")
    services.place_update(place=place, name="Al-Quds", latitude="31.77", longitude="35.21", user=curator)
    Place.objects.get(pk=place.pk).delete()

    newest = history_of(Place, place.pk)
    deleted, changed, created = history_entries(list(newest), None)

    assert (deleted.history_type, deleted.changes) == ("deleted", [])
    assert changed.history_user == curator.username
    assert [(c.field, c.old, c.new) for c in changed.changes] == [
        ("latitude", None, "31.770000"),
        ("longitude", None, "35.210000"),
        ("name", "Jerusalem", "Al-Quds"),
    ]
    assert ("country", None, "IL") in [(c.field, c.old, c.new) for c in created.changes]
    assert record_before(newest[2]) is None


# Restoring deleted statements


def test_a_deleted_statement_is_restored_with_its_fields_members_and_creation_time(curator):
    topic, addressee = TopicFactory(), ActorFactory()
    statement = services.statement_create(
        kind="paraphrase", text="They spoke.", speaker=ActorFactory(), topics=[topic], addressees=[addressee]
    )
    snapshot = Statement.objects.values().get(pk=statement.pk)
    statement.delete()

    restored = services.statement_restore(statement_id=snapshot["id"], user=curator)

    restored_values = Statement.objects.values().get(pk=snapshot["id"])
    for field in ("uuid", "text", "kind", "speaker_id", "status", "created_at", "created_by_id"):
        assert restored_values[field] == snapshot[field], field
    assert list(restored.topics.all()) == [topic]
    assert list(restored.addressees.all()) == [addressee]
    assert restored_values["updated_by_id"] == curator.pk
    latest = records(restored)[-1]
    assert (latest.history_type, latest.history_user) == ("+", curator)
    assert members(latest, "topics") == [topic.pk]


def test_restoring_refuses_an_id_never_deleted_or_in_use_again():
    kept = StatementFactory()
    deleted = StatementFactory()
    deleted_id, deleted_uuid = deleted.pk, deleted.uuid
    deleted.delete()
    # Written without a historical record, as a raw import might: history still says it is deleted.
    StatementFactory.build(id=deleted_id, uuid=deleted_uuid, speaker=kept.speaker).save_without_historical_record()

    with pytest.raises(Statement.DoesNotExist):
        services.statement_restore(statement_id=kept.pk)
    with pytest.raises(ValidationError) as refused:
        services.statement_restore(statement_id=deleted_id)

    assert "id" in refused.value.message_dict


def test_restoring_a_direct_quote_is_validated_against_its_source():
    source = SourceFactory(body='She said "we will talk again" on Monday.')
    quote = services.statement_create(kind="direct_quote", text="we will talk again", source=source)
    quote_id = quote.pk
    quote.delete()
    services.source_update(source=source, body="The text changed since.")

    with pytest.raises(ValidationError) as refused:
        services.statement_restore(statement_id=quote_id)

    assert set(refused.value.message_dict) & {"text", "span_end"}
    assert not Statement.objects.filter(pk=quote_id).exists()


# The admin


def test_a_create_update_and_delete_in_the_admin_are_recorded_with_the_admin_user(admin_client, admin_user):
    added = admin_client.post(admin_url(Topic, "add"), {"slug": "hostages", "name": "Hostages", "description": ""})
    topic = Topic.objects.get(slug="hostages")
    form = changeform_data(admin_client.get(admin_url(Topic, "change", topic.pk)))
    changed = admin_client.post(admin_url(Topic, "change", topic.pk), {**form, "name": "Hostage talks"})
    deleted = admin_client.post(admin_url(Topic, "delete", topic.pk), {"post": "yes"})

    assert [response.status_code for response in (added, changed, deleted)] == [302, 302, 302]
    history = Topic.history.filter(id=topic.pk).order_by("history_date", "history_id")
    assert [(record.history_type, record.history_user) for record in history] == [
        ("+", admin_user),
        ("~", admin_user),
        ("-", admin_user),
    ]


def test_the_bulk_status_action_records_each_statement_with_the_admin_user(admin_client, admin_user):
    chosen = [StatementFactory() for _ in range(2)]

    admin_client.post(
        admin_url(Statement, "changelist"),
        {"action": "mark_rejected", "_selected_action": [statement.pk for statement in chosen]},
    )

    for statement in chosen:
        assert (records(statement)[-1].history_user, records(statement)[-1].status) == (admin_user, "rejected")


HISTORY_MODELS = [Actor, Position, Place, Topic, Source, Communication, Statement]


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda model: model._meta.model_name)
def test_every_curated_model_has_a_history_page_listing_its_changes(admin_client, demo_data, model):
    record = model.objects.order_by("pk").first()
    record.save()  # the snapshot restores rows without history

    response = admin_client.get(admin_url(model, "history", record.pk))

    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count >= 1
    assert admin_url(model, "simple_history", record.pk, records(record)[-1].history_id) in response.content.decode()


def test_reverting_in_the_admin_restores_the_old_values_and_members(admin_client, admin_user):
    old_topic, new_topic = TopicFactory(), TopicFactory()
    statement = services.statement_create(kind="paraphrase", text="First words.", topics=[old_topic])
    services.statement_update(statement=statement, text="Second words.", topics=[new_topic])
    first = records(statement)[0]
    revert_url = admin_url(Statement, "simple_history", statement.pk, first.history_id)

    form = admin_client.get(revert_url)
    reverted = admin_client.post(revert_url, revert_form_data(form))

    assert reverted.status_code == 302
    statement.refresh_from_db()
    assert statement.text == "First words."
    assert list(statement.topics.all()) == [old_topic]
    latest = records(statement)[-1]
    assert latest.history_user == admin_user
    assert latest.history_change_reason.startswith("Reverted to the version of")


def test_a_revert_that_would_break_a_rule_is_refused_with_the_reason(admin_client):
    source = services.source_create(kind="readout", title="Readout", body="Old words.")
    services.source_update(source=source, body='New words: "we will talk again."')
    services.statement_create(kind="direct_quote", text="we will talk again.", source=source)
    revert_url = admin_url(Source, "simple_history", source.pk, records(source)[0].history_id)

    response = admin_client.post(revert_url, revert_form_data(admin_client.get(revert_url)))

    assert response.status_code == 200
    assert "anchored to this text" in response.content.decode()
    source.refresh_from_db()
    assert source.body == 'New words: "we will talk again."'


def test_a_revert_refused_when_saved_is_shown_on_the_form(admin_client, monkeypatch):
    topic = services.topic_create(slug="truce", name="Truce")
    services.topic_update(topic=topic, name="Ceasefire")
    revert_url = admin_url(Topic, "simple_history", topic.pk, records(topic)[0].history_id)
    form = revert_form_data(admin_client.get(revert_url))

    def refuse(**kwargs):
        raise ValidationError({"name": "Refused when written."})

    monkeypatch.setattr("statements.admin.base.record_save", refuse)
    response = admin_client.post(revert_url, form)

    assert response.status_code == 200
    assert "Refused when written." in response.content.decode()
    assert Topic.objects.get(pk=topic.pk).name == "Ceasefire"


def test_deleted_statements_are_listed_and_restored_in_the_admin(admin_client, admin_user):
    topic = TopicFactory()
    statement = services.statement_create(kind="paraphrase", text="Words that were deleted.", topics=[topic])
    statement_id = statement.pk
    admin_client.post(admin_url(Statement, "delete", statement_id), {"post": "yes"})

    changelist = admin_client.get(admin_url(Statement, "changelist"))
    listed = admin_client.get(admin_url(Statement, "deleted"))
    restored = admin_client.post(admin_url(Statement, "restore", statement_id))

    assert admin_url(Statement, "deleted") in changelist.content.decode()
    assert "Words that were deleted." in listed.content.decode()
    assert restored.status_code == 302
    assert restored.url == admin_url(Statement, "change", statement_id)
    assert list(Statement.objects.get(pk=statement_id).topics.all()) == [topic]
    assert records(statement)[-1].history_user == admin_user
    again = admin_client.post(admin_url(Statement, "restore", statement_id), follow=True)
    assert "No deleted statement" in " ".join(str(message) for message in get_messages(again.wsgi_request))


def test_restoring_in_the_admin_explains_a_refusal(admin_client):
    speaker = ActorFactory()
    statement = StatementFactory(speaker=speaker)
    statement_id = statement.pk
    statement.delete()
    speaker.delete()

    response = admin_client.post(admin_url(Statement, "restore", statement_id), follow=True)

    messages = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert f"Statement {statement_id} was not restored" in messages
    assert not Statement.objects.filter(pk=statement_id).exists()


def test_the_history_page_says_what_was_empty_in_words(admin_client):
    white_house = ActorFactory(name="The White House")
    statement = services.statement_create(kind="paraphrase", text="Talks went well.")
    services.statement_update(statement=statement, speaker=white_house)

    content = admin_client.get(admin_url(Statement, "history", statement.pk)).content.decode()

    assert "Deleted actor" not in content
    assert "pk=None" not in content
    assert re.search(r"<strong>Speaker:</strong>\s*—\s*&nbsp;&rarr;&nbsp;&nbsp;The White House", content)
    assert "a command or import" in content
    assert ">None<" not in content.replace(" ", "").replace("\n", "")


def test_drafts_the_extractor_proposes_say_so_in_their_history():
    source = services.source_create(
        kind="news_article", title="A call", body='"We will talk again," Biden said after the call.'
    )
    result = services.source_extract_statements(source=source)
    assert result.created
    for statement in result.created:
        assert records(statement)[-1].history_change_reason.startswith("Proposed by the extractor")
