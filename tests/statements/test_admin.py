"""The curators' workbench: every admin page renders, and curation through the admin follows the domain rules."""

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from statements.choices import CurationStatus, StatementKind
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
