"""Every admin page a curator opens fits a 1,400 px window and runs without console errors."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from tests.browser.conftest import overflowing

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", "--review-sample", verbosity=0)


def curated_admins():
    return [model_admin for model, model_admin in admin.site._registry.items() if model._meta.app_label == "statements"]


def test_every_changelist_and_change_page_fits_the_window(curator_page, live_server, demo, visits):
    page = curator_page
    too_wide = {}
    for model_admin in curated_admins():
        opts = model_admin.model._meta
        urls = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
        record = model_admin.model._default_manager.order_by("pk").first()
        if record is not None:
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]))
        for url in urls:
            page.goto(live_server.url + url)
            visits.screenshot(page, url)
            if wide := overflowing(page):
                too_wide[url] = wide
    assert too_wide == {}
    assert visits.errors == []
