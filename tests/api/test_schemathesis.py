"""Property-based tests of every operation against the committed OpenAPI schema, with Schemathesis.

Schemathesis generates valid and invalid requests from the schema, sends them to the app in
process and runs its default checks: no 5xx, status codes, content types and bodies as
documented, invalid input rejected. The demo data gives the generated ids something to find.
"""

from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.specs.openapi.checks import ignored_auth

COMMITTED_SCHEMA = Path(settings.BASE_DIR) / "api" / "openapi.yaml"

# A schema cannot say that an id must name an existing record, or that a direct quote must match its
# source; a request breaking such a rule is schema-valid, and a 400 naming the field is the right answer.
# Nor can it say which If-Match or If-None-Match names the record's current version: 412 or 304.
# Every other check runs with its default expectations.
EXPECTED_STATUSES = ["2xx", "304", "400", "401", "403", "404", "409", "412"]
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": EXPECTED_STATUSES}}}
)

schema = schemathesis.openapi.from_path(COMMITTED_SCHEMA, config=CONFIG)
schema.app = get_wsgi_application()


@pytest.fixture
def test_transaction_kept_open():
    """Keep the test's database connection across requests sent straight to the WSGI handler.

    After each request Django closes a connection whose autocommit differs from its settings, which
    is the case inside the test's transaction; PostgreSQL would then lose the test's data. Django's
    own test client disconnects the same signal handlers.
    """
    signals = [request_started, request_finished]
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def token(demo_data, superuser, settings, test_transaction_kept_open):
    """A superuser's token, with request throttling off so the run is not cut short by 429s."""
    settings.API_THROTTLE_RATES = {}
    return Token.objects.create(user=superuser).key


#: Repeatable runs, as slow as the app needs. The database fixture is per test, not per example: examples of
#: one operation share it, on purpose.
REPEATABLE = {
    "deadline": None,
    "derandomize": True,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
}


@schema.parametrize()
@hypothesis_settings(max_examples=10, **REPEATABLE)
def test_api_conforms_to_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"})


@pytest.fixture(params=["anonymous", "without permissions"])
def audience_headers(request, demo_data, django_user_model, settings, test_transaction_kept_open):
    """Headers of a reader who may not write: no credentials, or a token of a user without permissions."""
    settings.API_THROTTLE_RATES = {}
    if request.param == "anonymous":
        return {}
    reader = django_user_model.objects.create_user("reader", "reader@example.org", "reader-password")
    return {"Authorization": f"Token {Token.objects.create(user=reader).key}"}


@schema.parametrize()
@hypothesis_settings(max_examples=3, **REPEATABLE)
def test_api_conforms_to_its_schema_for_readers_who_may_not_write(case, audience_headers):
    case.call_and_validate(headers=audience_headers)


@pytest.fixture(params=["curator", "anonymous", "without permissions"])
def any_audience_headers(request, demo_data, superuser, django_user_model, settings, test_transaction_kept_open):
    """Headers of each audience: a curator's token, none, or a token of a user without permissions."""
    settings.API_THROTTLE_RATES = {}
    if request.param == "anonymous":
        return {}
    user = superuser
    if request.param == "without permissions":
        user = django_user_model.objects.create_user("reader", "reader@example.org", "reader-password")
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


def test_api_conforms_to_its_schema_in_sequences_of_calls(any_audience_headers):
    """The stateful phase: calls chained by the links Schemathesis infers (create, then read, change and
    delete what was created), every check on every response."""
    headers = any_audience_headers

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # A call carrying a token reads to the check for ignored credentials as a forged one; that
            # check runs on the anonymous sequences, and per operation above.
            excluded = [ignored_auth] if headers else []
            case.validate_response(response, excluded_checks=excluded, transport_kwargs=kwargs)

    Workflow.run(
        settings=hypothesis_settings(
            max_examples=25 if headers else 10,
            stateful_step_count=6,
            **(REPEATABLE | {"suppress_health_check": list(HealthCheck)}),
        )
    )


# Regressions for what the run above found, kept as plain examples.


@pytest.fixture
def token_client(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.mark.parametrize(
    ("resource", "payload", "field"),
    [
        ("actors", {"kind": "person", "name": "X", "country": {}}, "country"),
        ("actors", {"kind": "person", "name": "X", "aliases": [0]}, "aliases"),
        ("topics", {"slug": "x", "description": 0}, "description"),
        ("sources", {"kind": "news_article", "title": "T", "body": 0}, "body"),
        ("communications", {"kind": "phone_call", "title": "T", "sources": {}}, "sources"),
        (
            "communications",
            {"kind": "phone_call", "title": "T", "duration_is_approximate": "yes"},
            "duration_is_approximate",
        ),
        ("communications", {"kind": "phone_call", "title": "T", "duration_minutes": "30"}, "duration_minutes"),
        ("statements", {"kind": "paraphrase", "text": "x", "speaker": True}, "speaker"),
        # Beyond PostgreSQL's integer column; SQLite would have stored it.
        ("communications", {"kind": "phone_call", "title": "T", "duration_minutes": 2**31}, "duration_minutes"),
    ],
)
def test_values_of_the_wrong_json_type_are_refused_not_coerced(token_client, resource, payload, field):
    response = token_client.post(f"/api/v1/{resource}/", payload, format="json")

    assert response.status_code == 400, response.json()
    assert [error["attr"] for error in response.json()["errors"]] == [field]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_to_an_unknown_address_is_a_json_404_despite_csrf(db, method):
    client = APIClient(enforce_csrf_checks=True)

    response = getattr(client, method)("/api/v1/nothing/", {}, format="json")

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
