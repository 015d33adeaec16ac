"""The admin refuses stale forms and deletes of records in use, with a message, and saves or deletes nothing."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.messages import get_messages

from statements import services
from statements.choices import ParticipantRole
from statements.models import Actor, Communication, Place, Source, Statement, Topic
from tests.factories import (
    ActorFactory,
    CommunicationFactory,
    ParticipationFactory,
    PlaceFactory,
    SourceFactory,
    StatementFactory,
    TopicFactory,
)
from tests.statements.test_admin import admin_url, changeform_data
from tests.statements.test_admin_writing import inline_formset

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_stale_change_form_is_refused_with_a_message_and_saves_nothing(admin_client):
    statement = StatementFactory(text="Original.")
    url = admin_url(Statement, "change", statement.pk)
    opened = changeform_data(admin_client.get(url))
    assert opened["loaded_version"] == "1"
    services.statement_update(statement=Statement.objects.get(pk=statement.pk), text="Someone else's change.")

    opened["text"] = "My change."
    response = admin_client.post(url, opened)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert "This statement was changed by someone else since you opened it" in str(errors)
    assert response.context["adminform"].form["text"].value() == "My change."
    statement.refresh_from_db()
    assert (statement.text, statement.version) == ("Someone else's change.", 2)


def test_a_fresh_change_form_saves_and_raises_the_version_once(admin_client):
    statement = StatementFactory(text="Original.")
    url = admin_url(Statement, "change", statement.pk)
    data = changeform_data(admin_client.get(url))
    data["text"] = "Changed."
    assert admin_client.post(url, data).status_code == 302
    statement.refresh_from_db()
    assert (statement.text, statement.version) == ("Changed.", 2)


def test_adding_an_alias_inline_is_a_change_of_the_actor(admin_client):
    actor = ActorFactory()
    url = admin_url(Actor, "change", actor.pk)
    data = changeform_data(admin_client.get(url))
    data["aliases-TOTAL_FORMS"] = "1"
    data["aliases-0-name"] = "Another name"
    assert admin_client.post(url, data).status_code == 302
    actor.refresh_from_db()
    assert actor.version == 2
    assert list(actor.aliases.values_list("name", flat=True)) == ["Another name"]


def test_a_participants_change_on_a_stale_form_is_refused(admin_client):
    communication = CommunicationFactory()
    ParticipationFactory(communication=communication, role=ParticipantRole.PARTICIPANT)
    url = admin_url(Communication, "change", communication.pk)
    opened = changeform_data(admin_client.get(url))
    services.communication_update(communication=Communication.objects.get(pk=communication.pk), title="Renamed")

    opened["participations-0-DELETE"] = "on"
    response = admin_client.post(url, opened)
    assert response.status_code == 200
    assert "changed by someone else" in str(response.context["adminform"].form.non_field_errors())
    assert communication.participations.count() == 1
    communication.refresh_from_db()
    assert (communication.title, communication.version) == ("Renamed", 2)


def test_a_stale_inline_row_of_another_record_is_refused(admin_client):
    communication = CommunicationFactory()
    statement = StatementFactory(communication=communication, text="Original.")
    url = admin_url(Communication, "change", communication.pk)
    opened = changeform_data(admin_client.get(url))
    services.statement_update(statement=Statement.objects.get(pk=statement.pk), text="Someone else's change.")

    response = admin_client.post(url, opened)  # the row as it was opened differs from the statement now
    assert response.status_code == 200
    assert "changed by someone else" in str(inline_formset(response, "statements").non_form_errors()) + str(
        response.context["adminform"].form.non_field_errors()
    )
    statement.refresh_from_db()
    assert (statement.text, statement.version) == ("Someone else's change.", 2)


def in_use_cases():
    """(model, record) for each way a record can be in use through links alone, or as a speaker."""

    def actor_speaker():
        actor = ActorFactory()
        StatementFactory(speaker=actor)
        return Actor, actor

    def actor_addressee_only():
        actor = ActorFactory()
        StatementFactory().addressees.add(actor)
        return Actor, actor

    def actor_participant():
        return Actor, ParticipationFactory().actor

    def source_linked_from_communication():
        source = SourceFactory()
        CommunicationFactory().sources.add(source)
        return Source, source

    def topic_links_only():
        topic = TopicFactory()
        StatementFactory().topics.add(topic)
        return Topic, topic

    def place_mentioned_only():
        place = PlaceFactory()
        StatementFactory().mentioned_places.add(place)
        return Place, place

    return {case.__name__: case for case in locals().values() if callable(case)}


IN_USE_CASES = in_use_cases()
PROTECTED_BY_A_KEY = {"actor_speaker", "actor_participant"}


@pytest.mark.parametrize("case", IN_USE_CASES.values(), ids=IN_USE_CASES.keys())
def test_deleting_a_record_in_use_is_refused_with_a_message(admin_client, case):
    model, record = case()
    links_before = Statement.topics.through.objects.count() + Statement.mentioned_places.through.objects.count()
    response = admin_client.post(admin_url(model, "delete", record.pk), {"post": "yes"})
    if case.__name__ in PROTECTED_BY_A_KEY:
        # Django's own confirmation page refuses, listing the records in the way.
        assert response.status_code == 200
        assert response.context["protected"]
    else:
        # Links Django would remove silently: refused by the delete service, back on the record's page.
        assert response.status_code == 302
        assert response["Location"] == admin_url(model, "change", record.pk)
        name = model._meta.verbose_name.capitalize()
        expected = f"{name} '{record}' cannot be deleted while other records depend on it"
        assert any(message.startswith(expected) for message in messages_of(response))
    assert model.objects.filter(pk=record.pk).exists()
    assert Statement.topics.through.objects.count() + Statement.mentioned_places.through.objects.count() == (
        links_before
    )
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


def test_the_delete_action_refuses_all_when_one_record_is_in_use(admin_client):
    unused, used = TopicFactory(), TopicFactory(name="Gaza war")
    StatementFactory().topics.add(used)
    changelist = admin_url(Topic, "changelist")
    response = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [unused.pk, used.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert any("Topic 'Gaza war' cannot be deleted" in message for message in messages_of(response))
    assert Topic.objects.filter(pk__in=[unused.pk, used.pk]).count() == 2
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


def test_records_nobody_uses_are_deleted_by_the_view_and_the_action(admin_client):
    single, first, second = TopicFactory.create_batch(3)
    assert admin_client.post(admin_url(Topic, "delete", single.pk), {"post": "yes"}).status_code == 302
    changelist = admin_url(Topic, "changelist")
    admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"}
    )
    assert not Topic.objects.exists()
    assert LogEntry.objects.filter(action_flag=DELETION).count() == 3
