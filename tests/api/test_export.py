"""The bulk export endpoint: the command's bytes, streamed as JSON Lines, readable as statements are."""

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
