"""`make run` says whether its superuser was created, exists already, or why it could not be."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run(monkeypatch, **environment) -> tuple[str, str]:
    for name in ("DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_EMAIL", "DJANGO_SUPERUSER_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    call_command("ensure_superuser", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_missing_email_is_named_not_hidden(monkeypatch):
    out, err = run(monkeypatch, DJANGO_SUPERUSER_USERNAME="alice", DJANGO_SUPERUSER_PASSWORD="a-long-password-1")
    assert "DJANGO_SUPERUSER_EMAIL" in err
    assert "already exists" not in out
    assert not get_user_model().objects.exists()


def test_created_once_then_reported_as_existing(monkeypatch):
    environment = {
        "DJANGO_SUPERUSER_USERNAME": "alice",
        "DJANGO_SUPERUSER_EMAIL": "alice@example.org",
        "DJANGO_SUPERUSER_PASSWORD": "a-long-password-1",
    }
    assert "Created superuser alice" in run(monkeypatch, **environment)[0]
    assert get_user_model().objects.get(username="alice").is_superuser
    assert "already exists" in run(monkeypatch, **environment)[0]


def test_a_refused_value_is_reported(monkeypatch):
    out, err = run(
        monkeypatch,
        DJANGO_SUPERUSER_USERNAME="alice",
        DJANGO_SUPERUSER_EMAIL="not an address",
        DJANGO_SUPERUSER_PASSWORD="a-long-password-1",
    )
    assert "not created" in err
    assert not get_user_model().objects.exists()
