"""API tokens under either scheme; any other scheme refused saying so."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.helpers import API

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("scheme", ["Token", "Bearer", "bearer"])
def test_a_token_works_under_either_scheme(curator, scheme):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {Token.objects.create(user=curator).key}")
    response = client.post(f"{API}/topics/", {"slug": "talks", "name": "Talks"}, format="json")
    assert response.status_code == 201, response.content


def statements_with(authorization: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=authorization)
    return client.get(f"{API}/statements/")


@pytest.mark.parametrize("header", ["Basic YWxpY2U6c2VjcmV0", "Digest x", "Key 123"])
def test_an_unknown_scheme_is_refused_saying_so(db, header):
    response = statements_with(header)
    assert response.status_code == 401
    assert "Unknown authorization scheme" in response.json()["errors"][0]["detail"]


def test_a_token_with_spaces_is_refused_saying_how_to_send_it(db):
    response = statements_with("Bearer abc def")
    assert response.status_code == 401
    assert "one space" in response.json()["errors"][0]["detail"]


def test_a_wrong_token_is_refused(db):
    assert statements_with("Bearer 0123456789abcdef").status_code == 401
