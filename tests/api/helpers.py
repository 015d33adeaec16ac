"""Helpers shared by the API tests: URLs, demo records by curation key, response checks."""

import datetime

from statements.demo.loader import stable_uuid

API = "/api/v1"

#: Every resource, by its URL segment.
RESOURCES = ["actors", "positions", "places", "topics", "sources", "communications", "statements"]


def curated(model, curation_key: str):
    """The demo record a curation key (such as "actor:biden") stands for."""
    return model.objects.get(uuid=stable_uuid(curation_key))


def error_attrs(response) -> set:
    """The fields or parameters an error response names, after checking it has the API's error shape."""
    body = response.json()
    assert set(body) == {"type", "errors"}, body
    assert body["errors"], body
    for error in body["errors"]:
        assert set(error) == {"code", "detail", "attr"}, error
    return {error["attr"] for error in body["errors"]}


def ids(response) -> list[int]:
    """Ids of the results of a list response, in order."""
    return [row["id"] for row in response.json()["results"]]


def assert_iso_datetime(value: str) -> None:
    """An ISO 8601 timestamp that carries its time zone."""
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert parsed.tzinfo is not None, value
