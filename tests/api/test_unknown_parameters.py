"""A list refuses query parameters it does not read, naming them and what it reads instead."""

import pytest

from tests.api.helpers import API, error_attrs
from tests.factories import ActorFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/statements/", "/communications/", "/actors/", "/sources/", "/topics/", "/places/", "/positions/"]
)
def test_an_unknown_parameter_is_refused_naming_it_and_the_parameters_taken(api_client, path):
    response = api_client.get(f"{API}{path}", {"speaker__name": "Netanyahu"})
    assert response.status_code == 400
    assert error_attrs(response) == {"speaker__name"}
    detail = response.json()["errors"][0]["detail"]
    assert "This list takes:" in detail
    assert "page_size" in detail


def test_a_nested_list_refuses_unknown_parameters_too(api_client):
    speaker = ActorFactory()
    response = api_client.get(f"{API}/actors/{speaker.pk}/statements/", {"spaeker": 1})
    assert response.status_code == 400
    assert error_attrs(response) == {"spaeker"}


def test_every_parameter_a_list_documents_is_taken(api_client):
    StatementFactory()
    query = {
        "q": "talk",
        "kind": "paraphrase",
        "date_after": "2020-01-01",
        "date_before": "2030-01-01",
        "ordering": "-date",
        "page_size": 5,
        "format": "json",
    }
    assert api_client.get(f"{API}/statements/", query).status_code == 200
    assert api_client.get(f"{API}/actors/", {"page": 1, "ordering": "name", "q": "x"}).status_code == 200


def test_a_record_address_ignores_list_parameters(api_client):
    statement = StatementFactory()
    assert api_client.get(f"{API}/statements/{statement.pk}/", {"speaker__name": "x"}).status_code == 200
