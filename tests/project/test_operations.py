"""What an operator relies on: probes, a 503 while the database is away, request ids, tracebacks in the log."""

import logging
import re

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from rest_framework.test import APIClient

from project.middleware import RequestIdFilter
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client():
    """An anonymous client that gets the server's answer to an error, as a real client would."""
    client = APIClient()
    client.raise_request_exception = False
    return client


def test_healthz_answers_without_the_database(client, monkeypatch):
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", unreachable)
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def unreachable(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


def test_readyz_is_ok_when_the_database_answers_and_is_migrated(client):
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_is_unavailable_while_the_database_is_away(client, monkeypatch):
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "database" in response.json()["detail"]


def test_readyz_is_unavailable_while_migrations_are_pending(monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("statements", "9999_next")])
    # A new process: a server that found every migration applied once does not ask again.
    response = Client().get("/readyz", headers={"host": "10.1.2.3"})
    assert response.status_code == 503
    assert "migrate" in response.json()["detail"]


def test_probes_answer_whatever_host_they_are_sent_to(client):
    # Orchestrators probe a container by its address, which ALLOWED_HOSTS does not list.
    assert client.get("/healthz", headers={"host": "10.1.2.3:8000"}).status_code == 200


def test_the_api_answers_503_with_retry_after_while_the_database_is_away(api_client, monkeypatch):
    monkeypatch.setattr("statements.selectors.statements_visible_to", lambda *args: unreachable())
    response = api_client.get("/api/v1/statements/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["errors"][0]["code"] == "service_unavailable"


def test_pages_answer_503_with_retry_after_while_the_database_is_away(admin_client, monkeypatch):
    admin_client.raise_request_exception = False
    monkeypatch.setattr("django.contrib.admin.sites.AdminSite.each_context", lambda *args, **kwargs: unreachable())
    response = admin_client.get("/admin/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_a_server_error_is_logged_with_its_traceback(api_client, monkeypatch, caplog):
    def broken(*args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("statements.selectors.statements_visible_to", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = api_client.get("/api/v1/statements/")
    assert response.status_code == 500
    assert response.json()["type"] == "server_error"
    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.exc_info
    assert record.exc_info[0] is ZeroDivisionError


class Remembered(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(RequestIdFilter())

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def access_log():
    handler = Remembered()
    logger = logging.getLogger("project.access")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


def test_every_response_and_its_log_line_carry_the_request_id(client, access_log):
    response = client.get("/api/v1/")
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    [line] = access_log
    assert (line.request_id, line.status, line.path) == (request_id, 200, "/api/v1/")
    assert client.get("/api/v1/")["X-Request-ID"] != request_id


def test_a_request_id_from_the_proxy_is_kept_when_well_formed(client, access_log):
    assert client.get("/healthz", headers={"x-request-id": "edge-4f2a.17"})["X-Request-ID"] == "edge-4f2a.17"
    forged = client.get("/healthz", headers={"x-request-id": "a\r\nSet-Cookie: x"})["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)


def test_every_page_carries_a_content_security_policy(admin_client):
    policy = admin_client.get("/admin/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_the_front_page_says_what_this_is_and_links_everything(client):
    cache.clear()  # The counts are kept a few minutes.
    StatementFactory()
    StatementFactory(speaker=None)  # a draft: not counted for the public
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Who said what" in html
    for link in ("/api/v1/", "/api/v1/docs/", "/api/v1/schema/", "/api/v1/export/statements.jsonl", "/admin/"):
        assert f'href="{link}"' in html
    assert "<dt>1</dt><dd>verified statements</dd>" in html


@pytest.mark.django_db
def test_postgresql_queries_run_without_parallel_workers_or_jit_unless_configured():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_api_answers_while_the_shared_cache_is_away(api_client, settings, caplog):
    from django.core.cache import caches

    # A Redis server nobody listens on: throttles and kept answers cannot reach it.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    try:
        StatementFactory()
        assert api_client.get("/api/v1/statements/").status_code == 200
        response = api_client.get("/api/v1/statements/facets/", {"facet": ["speaker", "kind"]})
        assert response.status_code == 200
        assert response.json()["facets"]["speaker"]["results"][0]["count"] == 1
        assert "the cache did not answer" in caplog.text
    finally:
        caches["default"].close()
