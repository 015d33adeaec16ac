"""Extraction in the admin: the source action and button, and the review screen's verify and reject buttons."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from statements.admin.extraction import review_url
from statements.choices import CurationStatus
from statements.models import Source, Statement
from statements.services import source_extract_statements
from tests.factories import ActorFactory, SourceFactory

pytestmark = pytest.mark.django_db

BODY = (
    "Foreign Minister Maria Lopes told reporters on Monday that the talks would resume next week.\n\n"
    '"We are ready to sign," Lopes said.'
)
QUOTE = "We are ready to sign"


@pytest.fixture
def source():
    return SourceFactory(body=BODY)


@pytest.fixture
def lopes():
    return ActorFactory(name="Maria Lopes", kind="person")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def staff_client(django_user_model, *codenames) -> Client:
    user = django_user_model.objects.create_user("staff", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="statements", codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def decide(client, statement: Statement, decision: str):
    url = reverse("admin:statements_statement_review_decide", args=[statement.pk])
    return client.post(url, {"decision": decision})


# Running the extractor


def test_the_source_action_extracts_and_reports_counts_with_a_review_link(admin_client, source, lopes):
    changelist = reverse("admin:statements_source_changelist")

    response = admin_client.post(changelist, {"action": "extract_statements", "_selected_action": [source.pk]})

    assert response.status_code == 302
    assert source.statements.filter(status=CurationStatus.DRAFT).count() == 2
    [message] = messages_of(response)
    assert "2 draft(s) created, 0 proposal(s) already recorded, 0 outdated draft(s) removed" in message
    assert escape(review_url(source)) in message


@pytest.mark.parametrize(
    ("codenames", "offered"),
    [
        (["view_source", "change_source", "view_statement"], False),
        (["view_source", "view_statement", "add_statement"], True),
    ],
)
def test_the_action_is_offered_only_to_users_who_may_add_statements(django_user_model, source, codenames, offered):
    client = staff_client(django_user_model, *codenames)

    response = client.get(reverse("admin:statements_source_changelist"))

    assert ('value="extract_statements"' in response.content.decode()) == offered


def test_the_source_page_has_the_extract_button_and_the_review_link(admin_client, source):
    response = admin_client.get(reverse("admin:statements_source_change", args=[source.pk]))

    content = response.content.decode()
    assert reverse("admin:statements_source_extract", args=[source.pk]) in content
    assert escape(review_url(source)) in content


def test_the_extract_button_runs_once_per_post_and_leads_to_the_review(admin_client, source, lopes):
    url = reverse("admin:statements_source_extract", args=[source.pk])

    assert admin_client.get(url).status_code == 405
    first = admin_client.post(url)
    second = admin_client.post(url)

    assert first.url == second.url == review_url(source)
    assert source.statements.count() == 2
    assert "0 draft(s) created, 2 proposal(s) already recorded" in messages_of(second)[-1]


def test_the_extract_button_needs_the_permission_to_add_statements(django_user_model, source):
    client = staff_client(django_user_model, "view_source", "change_source", "view_statement")

    response = client.post(reverse("admin:statements_source_extract", args=[source.pk]))

    assert response.status_code == 403
    assert not Statement.objects.exists()


# The review screen


def test_the_review_screen_shows_each_draft_in_context_with_its_speaker_and_confidence(admin_client, source, lopes):
    source_extract_statements(source=source)
    quote = source.statements.get(text=QUOTE)

    response = admin_client.get(review_url(source))

    assert response.status_code == 200
    content = response.content.decode()
    assert f"<mark>{QUOTE}</mark>" in content
    assert "Foreign Minister Maria Lopes" in content  # the paraphrase's speaker as written, around its mark
    assert reverse("admin:statements_actor_change", args=[lopes.pk]) in content
    assert f"{quote.confidence:.2f}" in content
    assert reverse("admin:statements_statement_review_decide", args=[quote.pk]) in content
    assert reverse("admin:statements_statement_change", args=[quote.pk]) in content
    assert [row["statement"] for row in response.context["drafts"]] == list(source.statements.order_by("span_start"))


def test_an_unresolved_speaker_is_shown_as_a_proposal_and_cannot_be_verified_from_the_screen(admin_client, source):
    source_extract_statements(source=source)

    response = admin_client.get(review_url(source))

    content = response.content.decode()
    assert "proposed: <strong>Maria Lopes</strong>" in content
    assert escape(reverse("admin:statements_actor_add") + "?name=Maria+Lopes") in content
    assert 'value="verified" class="draft-review-verify" disabled' in content


def test_verify_and_reject_take_one_click_each(admin_client, source, lopes):
    source_extract_statements(source=source)
    quote = source.statements.get(text=QUOTE)
    paraphrase = source.statements.exclude(pk=quote.pk).get()

    verified = decide(admin_client, quote, "verified")
    rejected = decide(admin_client, paraphrase, "rejected")

    assert verified.status_code == rejected.status_code == 302
    assert verified.url == review_url(source)
    assert Statement.objects.get(pk=quote.pk).status == CurationStatus.VERIFIED
    assert Statement.objects.get(pk=paraphrase.pk).status == CurationStatus.REJECTED
    assert admin_client.get(review_url(source)).context["drafts"] == []
    # The history says who decided, and where.
    assert (quote.history.latest().history_user.username, quote.history.latest().history_change_reason) == (
        "admin",
        "Verified on the review screen",
    )
    assert paraphrase.history.latest().history_change_reason == "Rejected on the review screen"


def test_verifying_a_draft_without_a_resolved_speaker_is_refused(admin_client, source):
    source_extract_statements(source=source)
    quote = source.statements.get(text=QUOTE)

    response = decide(admin_client, quote, "verified")

    assert Statement.objects.get(pk=quote.pk).status == CurationStatus.DRAFT
    [message] = messages_of(response)
    assert "Not verified" in message
    assert "without a resolved speaker cannot be verified" in message


@pytest.mark.parametrize("decision", ["draft", "", "approved"])
def test_only_verify_and_reject_are_decisions(admin_client, source, lopes, decision):
    source_extract_statements(source=source)
    quote = source.statements.get(text=QUOTE)

    response = decide(admin_client, quote, decision)

    assert response.status_code == 302
    assert Statement.objects.get(pk=quote.pk).status == CurationStatus.DRAFT


def test_decisions_need_the_permission_to_change_statements_and_a_post(django_user_model, source, lopes):
    source_extract_statements(source=source)
    quote = source.statements.get(text=QUOTE)
    client = staff_client(django_user_model, "view_source", "view_statement")

    page = client.get(review_url(source))
    refused = decide(client, quote, "verified")
    url = reverse("admin:statements_statement_review_decide", args=[quote.pk])

    assert page.status_code == 200
    assert 'name="decision"' not in page.content.decode()
    assert refused.status_code == 403
    assert client.get(url).status_code == 405
    assert Statement.objects.get(pk=quote.pk).status == CurationStatus.DRAFT


def test_decisions_need_the_csrf_token(admin_user, source, lopes):
    source_extract_statements(source=source)
    quote = source.statements.get(text=QUOTE)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)

    response = decide(client, quote, "verified")

    assert response.status_code == 403
    assert Statement.objects.get(pk=quote.pk).status == CurationStatus.DRAFT


@pytest.mark.parametrize("query", ["", "?source=", "?source=abc", "?source=99999999999999999999", "?source=999"])
def test_without_a_known_source_the_review_lists_sources_with_drafts(admin_client, source, lopes, query):
    source_extract_statements(source=source)
    SourceFactory()

    response = admin_client.get(reverse("admin:statements_statement_review") + query)

    assert response.status_code == 200
    assert list(response.context["sources"]) == [source]


def test_the_review_of_the_demo_source_counts_its_curated_statements(admin_client, demo_data):
    source = Source.objects.get()

    response = admin_client.get(review_url(source))

    assert response.context["drafts"] == []
    assert response.context["curated"] == {CurationStatus.VERIFIED: source.statements.count()}


def test_correct_then_save_returns_to_the_review_screen(admin_client, source, lopes):
    from tests.statements.test_admin import changeform_data

    source_extract_statements(source=source)
    quote = source.statements.get(text=QUOTE)
    correct = f"{reverse('admin:statements_statement_change', args=[quote.pk])}?review_source={source.pk}"
    assert correct in admin_client.get(review_url(source)).content.decode()

    form = admin_client.get(correct)
    saved = admin_client.post(correct, {**changeform_data(form), "speaker_as_written": "Ms Lopes"})

    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    assert saved["Location"] == review_url(source)
    quote.refresh_from_db()
    assert quote.speaker_as_written == "Ms Lopes"
    latest = quote.history.latest()
    assert latest.history_user.username == "admin"
    assert latest.history_change_reason == "Changed from the review screen: Speaker as written"
    # "Save and continue editing" stays on the statement.
    again = admin_client.post(correct, {**changeform_data(admin_client.get(correct)), "_continue": "1"})
    assert again["Location"] != review_url(source)


def test_the_admin_index_shows_the_drafts_waiting_by_source_and_the_newest_sources(admin_client, source, lopes):
    source_extract_statements(source=source)
    untouched = SourceFactory(title="A source nobody extracted")

    page = admin_client.get(reverse("admin:index"))

    content = page.content.decode()
    assert "2 draft statements" in content
    assert f'href="{escape(review_url(source))}"' in content
    assert "2 drafts" in content
    # The newest sources, the one without drafts first (added last), each saying what it waits for.
    newest = content.index("Newest sources")
    assert content.index("A source nobody extracted", newest) < content.index(str(source.title)[:20], newest)
    assert "nothing to review" in content
    assert reverse("admin:statements_source_change", args=[untouched.pk]) in content


def test_the_admin_index_reads_the_queue_in_a_constant_number_of_queries(admin_client, source, lopes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    source_extract_statements(source=source)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(reverse("admin:index"))
    for number in range(5):
        source_extract_statements(source=SourceFactory(body=f"{BODY}\n\nPart {number}."))
    with CaptureQueriesContext(connection) as many:
        admin_client.get(reverse("admin:index"))
    assert len(many) == len(few)


def test_the_index_hides_the_queue_from_users_who_may_not_see_statements(django_user_model, source, lopes):
    source_extract_statements(source=source)
    client = staff_client(django_user_model, "view_source")
    content = client.get(reverse("admin:index")).content.decode()
    assert "Waiting for review" not in content


def test_the_review_list_of_sources_is_newest_first_and_bounded(admin_client, lopes, monkeypatch):
    import statements.admin.extraction as extraction

    monkeypatch.setattr(extraction, "REVIEW_LIST_SIZE", 2)
    sources = [SourceFactory(body=BODY.replace("Monday", day)) for day in ("Monday", "Tuesday", "Friday")]
    for listed in sources:
        source_extract_statements(source=listed)

    response = admin_client.get(reverse("admin:statements_statement_review"))

    assert list(response.context["sources"]) == [sources[2], sources[1]]
    assert response.context["more_sources"] is True
