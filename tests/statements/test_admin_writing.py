"""Writing through the admin (forms, inlines, refusals), links between records, and how lists and pages read."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from statements.choices import CurationStatus, DatePrecision, StatementKind
from statements.models import Actor, Communication, Place, Position, Source, Statement, Topic
from tests.factories import (
    ActorFactory,
    CommunicationFactory,
    PositionFactory,
    SourceFactory,
    StatementFactory,
)
from tests.statements.test_admin import admin_url, changeform_data, result_pks

pytestmark = pytest.mark.django_db


# Writing through the admin


def _statement_add_data(**overrides):
    data = {
        "kind": StatementKind.DIRECT_QUOTE,
        "text": "",
        "status": CurationStatus.DRAFT,
        "speaker_as_written": "",
        "date_precision": DatePrecision.UNKNOWN,
        "date_expression": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_direct_quote_whose_span_does_not_reproduce_it_is_rejected(admin_client):
    source = SourceFactory(body='The minister said "we will talk again" and left.')
    response = admin_client.post(
        admin_url(Statement, "add"),
        _statement_add_data(text="we will talk again", source=source.pk, span_start=0, span_end=12),
    )
    assert response.status_code == 200
    assert "text" in response.context["adminform"].form.errors
    assert not Statement.objects.exists()


def test_direct_quote_is_anchored_and_stamped_with_its_curator(admin_client, admin_user, django_user_model):
    source = SourceFactory(body='The minister said "we will talk again" and left.')
    speaker = ActorFactory()
    response = admin_client.post(
        admin_url(Statement, "add"),
        _statement_add_data(text="we will talk again", source=source.pk, speaker=speaker.pk),
    )
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert (statement.span_start, statement.span_end) == (19, 37)
    assert statement.created_by == statement.updated_by == admin_user

    editor = django_user_model.objects.create_superuser("editor", "editor@example.org", "editor-password")
    admin_client.force_login(editor)
    url = admin_url(Statement, "change", statement.pk)
    data = changeform_data(admin_client.get(url))
    data["status"] = CurationStatus.VERIFIED
    assert admin_client.post(url, data).status_code == 302
    statement.refresh_from_db()
    assert (statement.status, statement.created_by, statement.updated_by) == (
        CurationStatus.VERIFIED,
        admin_user,
        editor,
    )


def test_verifying_a_statement_without_a_speaker_is_a_form_error(admin_client):
    statement = StatementFactory(speaker=None, speaker_as_written="an official")
    url = admin_url(Statement, "change", statement.pk)
    data = changeform_data(admin_client.get(url))
    data["status"] = CurationStatus.VERIFIED
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "speaker" in response.context["adminform"].form.errors
    statement.refresh_from_db()
    assert statement.status == CurationStatus.DRAFT


def inline_formset(response, prefix):
    return next(
        inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == prefix
    )


def test_deleting_a_position_statements_refer_to_is_refused_on_the_form(admin_client):
    position = PositionFactory(title="Foreign Minister")
    StatementFactory(speaker=position.actor, position=position)
    url = admin_url(Actor, "change", position.actor.pk)
    data = changeform_data(admin_client.get(url))
    data["positions-0-DELETE"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "protected" in str(inline_formset(response, "positions").non_form_errors())
    assert Position.objects.filter(pk=position.pk).exists()


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError("UNIQUE constraint failed: statements_actor.slug"),
        ValidationError({"slug": "Taken a moment ago.", "uuid": "Not shown on the form."}),
    ],
    ids=["integrity-error", "validation-error"],
)
def test_a_write_refused_after_the_form_validated_is_shown_on_the_form(admin_client, monkeypatch, error):
    actor = ActorFactory(name="Before")

    def refuse(*, instance, user=None, expected_version=None):
        instance.save()  # the write happens, then is refused: it must be rolled back
        raise error

    monkeypatch.setattr("statements.admin.base.record_save", refuse)
    url = admin_url(Actor, "change", actor.pk)
    data = changeform_data(admin_client.get(url))
    data["name"] = "After"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert response.context["adminform"].form["name"].value() == "After"
    actor.refresh_from_db()
    assert actor.name == "Before"


def test_inline_statement_breaking_a_rule_on_an_undisplayed_field_is_a_row_error(admin_client):
    position = PositionFactory(title="Foreign Minister")
    communication = CommunicationFactory()
    statement = StatementFactory(speaker=position.actor, position=position, communication=communication)
    url = admin_url(Communication, "change", communication.pk)
    data = changeform_data(admin_client.get(url))
    data["statements-0-speaker"] = str(ActorFactory().pk)  # the position stays: it is not on the inline
    response = admin_client.post(url, data)
    assert response.status_code == 200
    formset = inline_formset(response, "statements")
    assert "The position must be one the speaker held." in str(formset.forms[0].non_field_errors())
    statement.refresh_from_db()
    assert statement.speaker == position.actor


def test_duplicate_source_text_is_a_form_error(admin_client, demo_data):
    existing = Source.objects.get()
    response = admin_client.post(
        admin_url(Source, "add"),
        {
            "kind": existing.kind,
            "title": "A copy",
            "language": "en",
            "body": existing.body,
            "date_precision": DatePrecision.UNKNOWN,
            "statements-TOTAL_FORMS": "0",
            "statements-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "body" in response.context["adminform"].form.errors
    assert Source.objects.count() == 1


# Links between records


def test_statement_changelist_links_speaker_communication_and_source(admin_client, demo_data):
    statement = Statement.objects.exclude(communication=None).filter(source__isnull=False).first()
    content = admin_client.get(admin_url(Statement, "changelist")).content.decode()
    for related in (statement.speaker, statement.communication, statement.source):
        assert f'href="{admin_url(type(related), "change", related.pk)}"' in content


def test_source_list_counts_the_communications_each_reports(admin_client, demo_data):
    source = Source.objects.filter(communications__isnull=False).first()
    content = admin_client.get(admin_url(Source, "changelist")).content.decode()
    assert "statements.Communication.None" not in content
    assert f"{admin_url(Communication, 'changelist')}?sources={source.pk}" in content


def test_actor_page_links_to_their_statements_and_communications(admin_client, demo_data):
    netanyahu = Actor.objects.get(name="Benjamin Netanyahu")
    content = admin_client.get(admin_url(Actor, "change", netanyahu.pk)).content.decode()
    assert f"{admin_url(Statement, 'changelist')}?speaker={netanyahu.pk}" in content
    assert f"{admin_url(Communication, 'changelist')}?participants={netanyahu.pk}" in content


@pytest.mark.parametrize(
    ("model", "parameter", "expected"),
    [
        (Statement, "speaker", lambda actor: Statement.objects.filter(speaker=actor)),
        (Statement, "mentioned_actors", lambda actor: Statement.objects.filter(mentioned_actors=actor)),
        (Statement, "addressees", lambda actor: Statement.objects.filter(addressees=actor)),
        (Communication, "participants", lambda actor: Communication.objects.filter(participants=actor).distinct()),
    ],
)
def test_record_link_filters_select_the_linked_records(admin_client, demo_data, model, parameter, expected):
    netanyahu = Actor.objects.get(name="Benjamin Netanyahu")
    response = admin_client.get(admin_url(model, "changelist"), {parameter: netanyahu.pk})
    wanted = set(expected(netanyahu).values_list("pk", flat=True))
    assert wanted
    assert result_pks(response) == wanted
    assert "Benjamin Netanyahu" in response.content.decode()


def test_communication_page_links_what_it_regards_and_its_follow_ups(admin_client, demo_data):
    call = Communication.objects.get(title="Biden-Netanyahu phone call")
    readout = call.follow_ups.get(kind="readout")
    call_page = admin_client.get(admin_url(Communication, "change", call.pk)).content.decode()
    assert admin_url(Communication, "change", readout.pk) in call_page
    readout_list = admin_client.get(admin_url(Communication, "changelist"), {"is_follow_up": "yes"}).content.decode()
    assert f'href="{admin_url(Communication, "change", call.pk)}"' in readout_list


@pytest.mark.parametrize("value", ["999999", "not-a-number"])
def test_a_link_to_a_missing_record_lists_nothing(admin_client, demo_data, value):
    response = admin_client.get(admin_url(Statement, "changelist"), {"speaker": value})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert f"actor {value} (not found)" in response.content.decode()


@pytest.mark.parametrize(
    ("precision", "shown"),
    [
        (DatePrecision.DAY, "12 Feb 2024"),
        (DatePrecision.WEEK, "week of 12 Feb 2024"),
        (DatePrecision.MONTH, "February 2024"),
        (DatePrecision.YEAR, "2024"),
    ],
)
def test_dates_show_their_precision_in_lists(admin_client, precision, shown):
    CommunicationFactory(title="Talks", date=datetime.date(2024, 2, 12), date_precision=precision)
    content = admin_client.get(admin_url(Communication, "changelist")).content.decode()
    assert f'<td class="field-dated">{shown}</td>' in content


def test_timestamps_read_as_day_month_year_and_24_hour_time(admin_client, db):
    source = SourceFactory()
    Source.objects.filter(pk=source.pk).update(created_at=datetime.datetime(2026, 12, 1, 20, 47, tzinfo=datetime.UTC))
    content = admin_client.get(admin_url(Source, "change", source.pk)).content.decode()
    assert "1 Dec 2026, 20:47" in content


def test_a_date_typed_alone_on_an_add_form_is_a_day(admin_client, db):
    add = admin_client.get(admin_url(Source, "add"))
    assert "A date given without a precision is a day." in add.content.decode()
    response = admin_client.post(
        admin_url(Source, "add"),
        {
            "kind": "news_article",
            "title": "Dated alone",
            "language": "en",
            "body": "Some text.",
            "date": "2024-02-15",
            "date_precision": DatePrecision.UNKNOWN,
            "statements-TOTAL_FORMS": "0",
            "statements-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    source = Source.objects.get(title="Dated alone")
    assert (source.date, source.date_precision) == (datetime.date(2024, 2, 15), DatePrecision.DAY)


def test_statement_search_looks_in_the_words_and_speaker_and_in_titles_on_request(admin_client):
    titled = StatementFactory(text="Aid is flowing again", source=SourceFactory(title="Rafah crossing reopens"))
    worded = StatementFactory(text="The situation in Rafah is grave")
    spoken = StatementFactory(text="We will see", speaker=ActorFactory(name="Rafah Mayor"))

    def found(**query):
        response = admin_client.get(admin_url(Statement, "changelist"), {"q": "Rafah", **query})
        assert response.status_code == 200
        return set(response.context["cl"].result_list)

    assert found() == {worded, spoken}
    assert found(search_in="source") == {titled}
    assert found(search_in="communication") == set()
    page = admin_client.get(admin_url(Statement, "changelist")).content.decode()
    assert "search in" in page
    assert "source titles" in page


def test_view_on_site_is_offered_only_where_a_record_has_a_public_page(admin_client, demo_data):
    # No record has a public page yet: no change page offers one (it led back to the admin).
    for model in (Actor, Communication, Place, Position, Source, Statement, Topic):
        record = model.objects.order_by("pk").first()
        page = admin_client.get(admin_url(model, "change", record.pk)).content.decode()
        assert "View on site" not in page, model
    index = admin_client.get(reverse("admin:index"))
    assert index.context["site_url"] == "/"
    assert admin_client.get("/").status_code == 200


def test_long_lists_are_counted_only_so_far(admin_client, monkeypatch):
    from statements.admin.base import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    StatementFactory.create_batch(5)

    response = admin_client.get(admin_url(Statement, "changelist"))

    assert response.context["cl"].result_count == 3
    assert response.context["cl"].paginator.capped
    content = response.content.decode()
    assert "More than 3 statements" in content
    assert "Select all of the more than 3 statements" in content
    searched = admin_client.get(admin_url(Statement, "changelist"), {"q": "talk"}).content.decode()
    assert "More than 3 results" in searched
    # Below the cap, counts are exact.
    monkeypatch.setattr(CappedCountPaginator, "cap", 10)
    exact = admin_client.get(admin_url(Statement, "changelist"))
    assert exact.context["cl"].result_count == 5
    assert not exact.context["cl"].paginator.capped
    assert "More than" not in exact.content.decode()


def test_the_statement_list_is_ordered_newest_first_by_the_indexed_key(admin_client):
    undated = StatementFactory(date=None)
    older = StatementFactory(date=datetime.date(2024, 1, 2), date_precision=DatePrecision.DAY)
    newer = StatementFactory(date=datetime.date(2024, 3, 4), date_precision=DatePrecision.DAY)

    listed = list(admin_client.get(admin_url(Statement, "changelist")).context["cl"].result_list)

    assert listed == [newer, older, undated]
