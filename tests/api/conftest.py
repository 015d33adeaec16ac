"""Fixtures for the API tests: clients with and without rights, demo records by curation key."""

import pytest
from django.contrib.auth.models import Permission
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command, color
from django.db import connection, transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from statements.models import (
    Actor,
    ActorAlias,
    Communication,
    Participation,
    Place,
    PlaceAlias,
    Position,
    Source,
    Statement,
    Topic,
)

#: The statements models a curator may add, change, delete and view.
CURATED_MODELS = ["actor", "position", "place", "topic", "source", "communication", "statement"]


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counters live in the cache; without clearing it, one test's requests count against the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The default hasher is slow by design; tests create users with passwords all the time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


#: Models of the demo dataset in an order where every row's references come before it.
DEMO_MODELS = [Source, Actor, ActorAlias, Position, Place, PlaceAlias, Topic, Communication, Participation, Statement]


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The rows one real `load_demo` creates, captured once: loading through the services for every test is slow."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        # Each model's default ordering may not follow the references; the primary key does.
        snapshot = serializers.serialize(
            "python", [row for model in DEMO_MODELS for row in model.objects.order_by("pk")]
        )
        transaction.set_rollback(True)
    return snapshot


@pytest.fixture
def demo_data(db, demo_snapshot):
    """The demo dataset (overrides the shared fixture): the same rows, uuids and keys, restored from the snapshot."""
    for record in serializers.deserialize("python", demo_snapshot):
        record.save()
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(color.no_style(), DEMO_MODELS):
            cursor.execute(statement)


@pytest.fixture
def api_client():
    """An anonymous client."""
    return APIClient()


@pytest.fixture
def curator(db, django_user_model):
    """A user holding add, change, delete and view on every statements model, and seeing unreviewed statements."""
    user = django_user_model.objects.create_user("curator", "curator@example.org", "curator-password")
    codenames = [f"{action}_{model}" for model in CURATED_MODELS for action in ("add", "change", "delete", "view")]
    codenames.append("view_unreviewed_statement")
    permissions = Permission.objects.filter(content_type__app_label="statements", codename__in=codenames)
    assert permissions.count() == len(codenames)
    user.user_permissions.set(permissions)
    return user


@pytest.fixture
def curator_token(curator):
    return Token.objects.create(user=curator)


@pytest.fixture
def curator_client(curator_token):
    """A client authenticated as the curator with a token, as scripts and SDKs are."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {curator_token.key}")
    return client


@pytest.fixture
def reader(db, django_user_model):
    """An authenticated user without any model permission."""
    return django_user_model.objects.create_user("reader", "reader@example.org", "reader-password")


@pytest.fixture
def reader_client(reader):
    client = APIClient()
    client.force_authenticate(reader)
    return client
