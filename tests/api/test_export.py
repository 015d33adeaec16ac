"""The bulk export endpoint: the command's bytes, streamed as JSON Lines, readable as statements are."""

import json

import pytest

from statements import transfer

EXPORT_URL = "/api/v1/export/statements.jsonl"


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def test_export_streams_the_same_bytes_as_the_command(demo_data, curator_client):
    response = curator_client.get(EXPORT_URL)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert streamed(response) == "".join(transfer.export_lines()).encode("utf-8")


def test_export_ignores_an_accept_header_asking_for_something_else(demo_data, curator_client):
    response = curator_client.get(EXPORT_URL, HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert streamed(response).startswith(b'{"format":"statements-jsonl"')


@pytest.mark.parametrize(("anonymous_read", "status_code"), [(True, 200), (False, 401)])
def test_export_is_readable_as_statements_are(demo_data, api_client, settings, anonymous_read, status_code):
    settings.API_ANONYMOUS_READ = anonymous_read

    response = api_client.get(EXPORT_URL)

    assert response.status_code == status_code
    if status_code != 200:
        assert response["Content-Type"] == "application/json"
        assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_export_is_read_only(demo_data, curator_client):
    response = curator_client.post(EXPORT_URL, {})

    assert response.status_code == 405


def test_the_export_honours_the_list_filters_and_stands_on_its_own(api_client, demo_data):
    from django.core.management import call_command
    from django.db import connection

    from statements.models import Communication, Statement

    selected = Statement.objects.filter(status="verified", speaker__slug="netanyahu")
    assert selected.exists()
    response = api_client.get("/api/v1/export/statements.jsonl", {"speaker_slug": "netanyahu"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines(keepends=True)
    types = [json.loads(line).get("type") for line in lines[1:]]
    assert types.count("statement") == selected.count()
    assert types.count("communication") == Communication.objects.filter(statements__in=selected).distinct().count()
    assert types.count("communication") < Communication.objects.count()

    # The file imports on its own, into an empty database. (Checks deferred to the commit run first: PostgreSQL
    # truncates no table with pending trigger events.)
    connection.check_constraints()
    call_command("flush", "--noinput", verbosity=0)
    report = transfer.import_lines(lines)
    assert not report.errors
    assert report.created["statement"] == Statement.objects.count() == types.count("statement")


def test_the_export_refuses_unknown_and_invalid_filters(api_client):
    for query, attr in (({"speaker__name": "Biden"}, "speaker__name"), ({"date_after": "15/02/2024"}, "date_after")):
        response = api_client.get("/api/v1/export/statements.jsonl", query)
        assert response.status_code == 400
        assert {error["attr"] for error in response.json()["errors"]} == {attr}
