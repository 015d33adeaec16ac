"""Every admin page a curator opens fits a 1,400 px window and runs without console errors."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from statements.admin.extraction import review_url
from statements.models import Source, Statement
from statements.worklist import sources_with_drafts
from tests.browser.conftest import overflowing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", "--review-sample", verbosity=0)


def curated_models():
    return [model for model in admin.site._registry if model._meta.app_label == "statements"]


def pages_to_visit() -> list[str]:
    """The index, each model's list, add page and first record's page and history, and the workbench's screens."""
    urls = [reverse("admin:index")]
    for model in curated_models():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{name}_changelist"))
        if model._meta.model_name != "actormerge":  # merges are made by merging, not added
            urls.append(reverse(f"{name}_add"))
        record = model._default_manager.order_by("pk").first()
        if record is not None:
            urls += [reverse(f"{name}_change", args=[record.pk]), reverse(f"{name}_history", args=[record.pk])]
    statement = Statement.objects.order_by("pk").first()
    urls += [
        reverse("admin:statements_statement_review"),
        review_url(sources_with_drafts().first()),
        reverse("admin:statements_actor_duplicates"),
        reverse("admin:statements_statement_deleted"),
        reverse("admin:statements_statement_history", args=[statement.pk]),
        reverse("admin:statements_source_change", args=[Source.objects.order_by("pk").last().pk]),
    ]
    return urls


def test_every_page_fits_the_window_without_console_errors(curator_page, live_server, demo, visits):
    page = curator_page
    too_wide = {}
    for url in pages_to_visit():
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        visits.screenshot(page, url)
        if wide := overflowing(page):
            too_wide[url] = wide
    assert too_wide == {}
    assert visits.errors == []
