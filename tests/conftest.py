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
