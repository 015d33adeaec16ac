"""A curator's work in Chromium: log in, paste a source, extract, review, correct, reject, merge and undo."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from statements.choices import CurationStatus
from statements.models import Actor, ActorMerge, Source, Statement
from statements.services import record_save
from tests.browser.conftest import WINDOW
from tests.factories import ActorFactory, StatementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

#: A short article as a curator pastes it; the browser sends its line breaks as CRLF.
ARTICLE = (
    "Foreign Minister Maria Lopes told reporters on Monday that the talks would resume next week.\n\n"
    '"We are ready to sign," Lopes said.\n\n'
    '"Nothing has been agreed," said Tomas Berg, the opposition leader.\n\n'
    '"It is a good day for the port," a spokesman added.\n'
)


def choose_in_autocomplete(page, field_id: str, typed: str, choice: str) -> None:
    """Pick a record in a select2 autocomplete box (the admin's autocomplete fields and sidebar filters)."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=choice).first.click()


def test_a_curator_logs_in_through_the_form(page, live_server, curator, visits):
    page.goto(f"{live_server.url}{reverse('admin:index')}")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    visits.screenshot(page, "login")
    page.fill("#id_username", "curator")
    page.fill("#id_password", "curator-password")
    page.click("input[type=submit]")
    expect(page.locator("#review-queue")).to_be_visible()
    visits.screenshot(page, "index")
    assert visits.errors == []


def test_the_statement_list_shows_status_badges_and_filters_by_a_speaker_chosen_by_autocomplete(
    curator_page, live_server, transactional_db, visits
):
    call_command("load_demo", "--review-sample", verbosity=0)
    page = curator_page
    page.goto(f"{live_server.url}{reverse('admin:statements_statement_changelist')}")
    visits.screenshot(page, "statement list")

    for status in ("verified", "draft"):
        badge = page.locator(f"#result_list .statement-status-{status}").first
        expect(badge).to_be_visible()
        box = badge.bounding_box()
        assert box["x"] + box["width"] <= WINDOW["width"], "the status badge is out of sight"
    assert [text.strip() for text in page.locator("#result_list thead th").all_inner_texts()[1:]] == [
        "STATUS",
        "STATEMENT",
        "KIND",
        "SPEAKER",
        "ADDRESSEES",
        "COMMUNICATION",
        "SOURCE",
        "DATE",
    ]

    biden = Actor.objects.get(name="Joe Biden")
    choose_in_autocomplete(page, "filter_speaker", "Biden", "Joe Biden")
    expect(page).to_have_url(re.compile(rf"speaker={biden.pk}"))
    visits.screenshot(page, "filtered by speaker")
    speakers = set(page.locator("#result_list td.field-speaker_link").all_inner_texts())
    assert speakers == {"Joe Biden"}
    assert page.locator("#result_list tbody tr").count() == Statement.objects.filter(speaker=biden).count()
    assert visits.errors == []


def test_the_statement_page_highlights_exactly_the_span(curator_page, live_server, transactional_db, visits):
    call_command("load_demo", verbosity=0)
    statement = Statement.objects.filter(kind="direct_quote").exclude(span_start=None).order_by("pk").first()
    page = curator_page
    page.goto(f"{live_server.url}{reverse('admin:statements_statement_change', args=[statement.pk])}")
    visits.screenshot(page, "statement page")
    marked = page.locator(".field-source_context mark")
    expect(marked).to_have_count(1)
    assert marked.inner_text() == statement.source.body[statement.span_start : statement.span_end]
    assert visits.errors == []


def test_paste_extract_verify_correct_and_reject(curator_page, live_server, curator, visits):
    ActorFactory(name="Maria Lopes", kind="person")
    ActorFactory(name="Tomas Berg", kind="person")
    spokeswoman = ActorFactory(name="Ana Silva", kind="person")
    page = curator_page

    # Paste the article as a new source.
    page.goto(f"{live_server.url}{reverse('admin:statements_source_add')}")
    page.select_option("#id_kind", "news_article")
    page.fill("#id_title", "Talks to resume next week")
    page.fill("#id_body", ARTICLE)
    visits.screenshot(page, "source pasted")
    page.click("input[name=_continue]")
    source = Source.objects.get(title="Talks to resume next week")
    assert "\r" not in source.body
    assert source.body.startswith("Foreign Minister Maria Lopes")

    # Extract, then open the review screen from the message.
    page.click("form.extraction-tool button")
    expect(page.locator(".messagelist")).to_contain_text("4 draft(s) created")
    visits.screenshot(page, "extracted")
    page.click(".messagelist a:has-text('Review the drafts')")
    expect(page.locator("article.draft-review")).to_have_count(4)
    visits.screenshot(page, "review screen")

    drafts = {statement.text: statement for statement in source.statements.all()}
    quote, paraphrase = drafts["We are ready to sign"], drafts["the talks would resume next week"]
    unresolved = drafts["It is a good day for the port"]

    # Verify one.
    page.locator(f"#statement-{quote.pk} .draft-review-verify").click()
    expect(page.locator(".messagelist")).to_contain_text("Statement verified")
    expect(page.locator("article.draft-review")).to_have_count(3)

    # Correct another's speaker through the autocomplete; saving lands back on the review screen.
    page.locator(f"#statement-{unresolved.pk} .draft-review-correct").click()
    visits.screenshot(page, "correcting")
    choose_in_autocomplete(page, "id_speaker", "Silva", "Ana Silva")
    page.click("input[name=_save]")
    expect(page).to_have_url(re.compile(rf"/admin/statements/statement/review/\?source={source.pk}$"))
    visits.screenshot(page, "back on the review screen")
    expect(page.locator(f"#statement-{unresolved.pk}")).to_contain_text("Ana Silva")

    # Reject a third.
    page.locator(f"#statement-{paraphrase.pk} .draft-review-reject").click()
    expect(page.locator(".messagelist")).to_contain_text("Statement rejected")
    expect(page.locator("article.draft-review")).to_have_count(2)
    visits.screenshot(page, "after the decisions")

    statuses = dict(source.statements.values_list("text", "status"))
    assert statuses["We are ready to sign"] == CurationStatus.VERIFIED
    assert statuses["the talks would resume next week"] == CurationStatus.REJECTED
    unresolved.refresh_from_db()
    assert unresolved.speaker == spokeswoman
    assert source.body[quote.span_start : quote.span_end] == quote.text
    # The history has each change, by the curator, with a reason.
    latest = {statement.text: statement.history.latest() for statement in (quote, paraphrase, unresolved)}
    assert {text: (record.history_user, record.history_change_reason) for text, record in latest.items()} == {
        "We are ready to sign": (curator, "Verified on the review screen"),
        "the talks would resume next week": (curator, "Rejected on the review screen"),
        "It is a good day for the port": (curator, "Changed from the review screen: Speaker"),
    }
    assert quote.history.earliest().history_change_reason.startswith("Proposed by the extractor")
    page.goto(f"{live_server.url}{reverse('admin:statements_statement_history', args=[unresolved.pk])}")
    expect(page.locator("#change-history")).to_contain_text("Changed from the review screen: Speaker")
    visits.screenshot(page, "history")
    assert visits.errors == []


def test_a_stale_form_is_refused_with_the_reason(curator_page, live_server, curator, visits):
    statement = StatementFactory(text="We will talk again")
    page = curator_page
    page.goto(f"{live_server.url}{reverse('admin:statements_statement_change', args=[statement.pk])}")

    # Meanwhile, in another session, someone changes the statement.
    other = Statement.objects.get(pk=statement.pk)
    other.speaker_as_written = "the minister"
    record_save(instance=other, user=curator)

    page.fill("#id_speaker_as_written", "the foreign minister")
    page.click("input[name=_save]")
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    expect(page.locator("#content-main")).to_contain_text("was changed by someone else since you opened it")
    visits.screenshot(page, "stale form refused")
    assert Statement.objects.get(pk=statement.pk).speaker_as_written == "the minister"
    assert visits.errors == []


def test_merge_a_group_of_duplicates_and_undo_it_from_the_merge_log(curator_page, live_server, curator, visits):
    keep, duplicate = ActorFactory(name="Joe Biden"), ActorFactory(name="JOE BIDEN")
    spoken = StatementFactory(speaker=duplicate)
    page = curator_page
    page.goto(f"{live_server.url}{reverse('admin:statements_actor_duplicates')}")
    group = page.locator(f"#duplicate-group-{keep.pk}")
    expect(group).to_contain_text("JOE BIDEN")
    visits.screenshot(page, "duplicates")
    group.locator(f"input[name=keep][value='{keep.pk}']").check()
    group.locator("input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text("Merged JOE BIDEN into Joe Biden")
    visits.screenshot(page, "merged")
    spoken.refresh_from_db()
    assert spoken.speaker == keep

    page.click(".messagelist a:has-text('Undo it from the merge log')")
    visits.screenshot(page, "merge log entry")
    page.goto(f"{live_server.url}{reverse('admin:statements_actormerge_changelist')}")
    merge = ActorMerge.objects.get()
    page.check(f"input[name=_selected_action][value='{merge.pk}']")
    page.select_option("select[name=action]", "undo_merges")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text(f"Undid merge {merge.pk}")
    visits.screenshot(page, "merge undone")
    spoken.refresh_from_db()
    assert spoken.speaker == duplicate
    assert Actor.objects.get(pk=duplicate.pk).merged_into is None
    assert visits.errors == []
