"""Shared fixtures."""

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_data(db):
    """The demo dataset loaded from the seed article and its reference curation."""
    call_command("load_demo", verbosity=0)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("curator", "curator@example.org", "curator-password")


def _commits(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    return transactional or "transactional_db" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items):
    # Tests that commit (a live server, the browser) end by emptying the database, the migrations'
    # data too (the curator group): run after the tests that read it, as Django's own runner orders them.
    items.sort(key=_commits)
