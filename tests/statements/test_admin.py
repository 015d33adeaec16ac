"""The curators' workbench: every admin page renders, and curation through the admin follows the domain rules."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from statements.choices import CurationStatus, DatePrecision, StatementKind
from statements.models import Actor, ActorMerge, Communication, Place, Position, Source, Statement, Topic
from statements.services import statement_create
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

#: Logs the system writes rather than records curators edit; each has its own admin tests (test_merging_admin.py).
SYSTEM_LOGS = {ActorMerge}

STATEMENTS_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "statements" and model not in SYSTEM_LOGS),
    key=lambda model: model._meta.model_name,
)
MODEL_IDS = [model._meta.model_name for model in STATEMENTS_MODELS]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def changeform_data(response) -> dict:
    """The POST data that submits a rendered change form as it stands, inline formsets included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for bound_field in form:
            value = bound_field.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound_field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound_field.html_name] = [str(item) for item in value]
            else:
                data[bound_field.html_name] = str(value)
    return data


def result_pks(response) -> set:
    return {record.pk for record in response.context["cl"].result_list}


def test_every_statements_model_is_registered():
    expected = {"actor", "communication", "place", "position", "source", "statement", "topic"}
    assert expected <= set(MODEL_IDS)


@pytest.mark.parametrize("model", STATEMENTS_MODELS, ids=MODEL_IDS)
@pytest.mark.parametrize("query", ["", "?q=Netanyahu", "?q=a+b&o=1"], ids=["plain", "search", "search-ordered"])
def test_changelist_renders(admin_client, demo_data, model, query):
    response = admin_client.get(admin_url(model, "changelist") + query)
    assert response.status_code == 200


@pytest.mark.parametrize("model", STATEMENTS_MODELS, ids=MODEL_IDS)
def test_changelist_lists_the_demo_records(admin_client, demo_data, model):
    response = admin_client.get(admin_url(model, "changelist"))
    assert response.context["cl"].result_count == model.objects.count() > 0


@pytest.mark.parametrize("model", STATEMENTS_MODELS, ids=MODEL_IDS)
def test_every_list_filter_choice_renders(admin_client, demo_data, model):
    changelist = admin_client.get(admin_url(model, "changelist")).context["cl"]
    query_strings = {choice["query_string"] for spec in changelist.filter_specs for choice in spec.choices(changelist)}
    assert query_strings
    for query_string in query_strings:
        response = admin_client.get(admin_url(model, "changelist") + query_string)
        assert response.status_code == 200, query_string


@pytest.mark.parametrize("model", STATEMENTS_MODELS, ids=MODEL_IDS)
def test_change_page_renders(admin_client, demo_data, model):
    record = model.objects.order_by("pk").first()
    response = admin_client.get(admin_url(model, "change", record.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("model", STATEMENTS_MODELS, ids=MODEL_IDS)
def test_add_page_renders(admin_client, demo_data, model):
    response = admin_client.get(admin_url(model, "add"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", STATEMENTS_MODELS, ids=MODEL_IDS)
def test_saving_a_change_page_unchanged_succeeds(admin_client, demo_data, model):
    record = model.objects.order_by("pk").first()
    url = admin_url(model, "change", record.pk)
    response = admin_client.post(url, changeform_data(admin_client.get(url)))
    assert response.status_code == 302, response.context["adminform"].form.errors


def _grow_statements():
    source = SourceFactory()
    communication = CommunicationFactory()
    for _ in range(5):
        StatementFactory(source=source, communication=communication, speaker=ActorFactory())


def _grow_communications():
    for _ in range(5):
        regarding = CommunicationFactory(place=PlaceFactory())
        ParticipationFactory(communication=CommunicationFactory(regarding=regarding))


def _grow_actors():
    for _ in range(5):
        ActorAliasFactory(actor=ActorFactory(affiliation=ActorFactory()))


def _grow_sources():
    for _ in range(5):
        SourceFactory(publisher=ActorFactory())


def _grow_places():
    for _ in range(5):
        PlaceFactory(parent=PlaceFactory())


def _grow_topics():
    for _ in range(5):
        TopicFactory(parent=TopicFactory())


def _grow_positions():
    for _ in range(5):
        PositionFactory(organization=ActorFactory())


@pytest.mark.parametrize(
    ("model", "grow"),
    [
        (Statement, _grow_statements),
        (Communication, _grow_communications),
        (Actor, _grow_actors),
        (Source, _grow_sources),
        (Position, _grow_positions),
        (Place, _grow_places),
        (Topic, _grow_topics),
    ],
    ids=["statement", "communication", "actor", "source", "position", "place", "topic"],
)
def test_changelist_queries_do_not_grow_with_rows(admin_client, demo_data, model, grow):
    url = admin_url(model, "changelist")
    admin_client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as before:
        admin_client.get(url)
    grow()
    with CaptureQueriesContext(connection) as after:
        response = admin_client.get(url)
    assert response.context["cl"].result_count >= 5
    assert len(after) == len(before), [query["sql"] for query in after.captured_queries]


# Search


@pytest.mark.parametrize(
    ("alias", "term"),
    [
        ("Netanyahu’s office", "Netanyahu's office"),
        ("Netanyahu's office", "Netanyahu’s office"),
        ("Sébastien Lecornu", "sebastien"),
        ("Élysée Palace", "ELYSEE"),
    ],
)
def test_actor_search_folds_aliases(admin_client, alias, term):
    wanted = ActorAliasFactory(name=alias).actor
    ActorAliasFactory(name="Someone else entirely")
    response = admin_client.get(admin_url(Actor, "changelist"), {"q": term})
    assert result_pks(response) == {wanted.pk}


def test_actor_search_finds_the_prime_ministers_office_with_a_straight_apostrophe(admin_client, demo_data):
    response = admin_client.get(admin_url(Actor, "changelist"), {"q": "Netanyahu's office"})
    assert [actor.name for actor in response.context["cl"].result_list] == ["Prime Minister's Office (Israel)"]


@pytest.mark.parametrize("term", ["Biden", "the president"])
def test_speaker_autocomplete_finds_actors_by_name_and_alias(admin_client, term):
    biden = ActorFactory(name="Joe Biden")
    ActorAliasFactory(actor=biden, name="The President")
    ActorFactory(name="Benjamin Netanyahu")
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "statements", "model_name": "statement", "field_name": "speaker", "term": term},
    )
    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(biden.pk)]


@pytest.mark.parametrize(
    ("model_name", "field_name", "term"),
    [
        ("statement", "communication", "phone call"),
        ("statement", "source", "Biden"),
        ("statement", "position", "President"),
        ("statement", "in_reply_to", "Hamas"),
        ("statement", "topics", "hostage"),
        ("statement", "mentioned_places", "Gaza"),
        ("communication", "regarding", "phone call"),
        ("actor", "affiliation", "White House"),
    ],
)
def test_autocomplete_endpoints_return_results(admin_client, demo_data, model_name, field_name, term):
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "statements", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    assert response.json()["results"]


# Bulk curation actions


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("mark_verified", CurationStatus.VERIFIED),
        ("mark_rejected", CurationStatus.REJECTED),
        ("mark_draft", CurationStatus.DRAFT),
    ],
)
def test_bulk_status_actions(admin_client, admin_user, action, status):
    start = CurationStatus.REJECTED if status == CurationStatus.DRAFT else CurationStatus.DRAFT
    chosen = StatementFactory.create_batch(2, status=start)
    untouched = StatementFactory(status=start)
    response = admin_client.post(
        admin_url(Statement, "changelist"),
        {"action": action, "_selected_action": [statement.pk for statement in chosen]},
    )
    assert response.status_code == 302
    assert set(Statement.objects.filter(pk__in=[s.pk for s in chosen]).values_list("status", "updated_by")) == {
        (status, admin_user.pk)
    }
    untouched.refresh_from_db()
    assert untouched.status == start
    label = CurationStatus(status).label.lower()
    assert chosen[0].history.latest().history_change_reason == f"Marked {label} from the statement list"


def test_admin_saves_say_in_the_history_what_was_changed(admin_client, admin_user):
    added = admin_client.post(admin_url(Topic, "add"), {"slug": "ports", "name": "Ports"})
    assert added.status_code == 302
    topic = Topic.objects.get(slug="ports")
    assert (topic.history.latest().history_change_reason, topic.history.latest().history_user) == (
        "Added in the admin",
        admin_user,
    )
    form = admin_client.get(admin_url(Topic, "change", topic.pk))
    changed = admin_client.post(admin_url(Topic, "change", topic.pk), {**changeform_data(form), "name": "Sea ports"})
    assert changed.status_code == 302
    assert topic.history.latest().history_change_reason == "Changed in the admin: Name"


def test_bulk_verify_refuses_statements_without_a_speaker_and_changes_nothing(admin_client):
    resolved = StatementFactory(status=CurationStatus.DRAFT)
    unresolved = StatementFactory(speaker=None, speaker_as_written="a senior official")
    response = admin_client.post(
        admin_url(Statement, "changelist"),
        {"action": "mark_verified", "_selected_action": [resolved.pk, unresolved.pk]},
        follow=True,
    )
    assert response.status_code == 200
    errors = [message.message for message in get_messages(response.wsgi_request) if message.level_tag == "error"]
    assert errors
    assert str(unresolved.pk) in errors[0]
    assert set(Statement.objects.values_list("status", flat=True)) == {CurationStatus.DRAFT}


# The statement change page


def test_statement_change_page_highlights_the_span_in_its_source(admin_client):
    source = SourceFactory(body='Before <b>the</b> quote & then: the minister said "we will talk again" and left.')
    statement = statement_create(kind=StatementKind.DIRECT_QUOTE, text="we will talk again", source=source)
    response = admin_client.get(admin_url(Statement, "change", statement.pk))
    content = response.content.decode()
    assert "<mark>we will talk again</mark>" in content
    assert "&lt;b&gt;the&lt;/b&gt; quote &amp; then" in content
    assert "<b>the</b>" not in content


def test_statement_change_page_escapes_markup_inside_the_span(admin_client):
    source = SourceFactory(body="He wrote <script>alert(1)</script> on the wall.")
    statement = statement_create(kind=StatementKind.DIRECT_QUOTE, text="<script>alert(1)</script>", source=source)
    content = admin_client.get(admin_url(Statement, "change", statement.pk)).content.decode()
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark>" in content


def test_demo_statement_change_page_shows_its_quote_highlighted(admin_client, demo_data):
    statement = Statement.objects.filter(kind=StatementKind.DIRECT_QUOTE, span_start__isnull=False).first()
    content = admin_client.get(admin_url(Statement, "change", statement.pk)).content.decode()
    assert f"<mark>{escape(statement.text)}</mark>" in content


def test_source_change_page_highlights_every_anchored_statement(admin_client, demo_data):
    source = Source.objects.get()
    content = admin_client.get(admin_url(Source, "change", source.pk)).content.decode()
    anchored = source.statements.filter(span_start__isnull=False)
    assert content.count('<mark class="statement-status-') == anchored.count() > 0
    for statement in anchored:
        assert admin_url(Statement, "change", statement.pk) in content


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
