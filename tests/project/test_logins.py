"""Guessing passwords: each login door locks an address or an account out after a few failures, with 429."""

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LOGIN_DOORS = {
    "admin": ("/admin/login/", "form"),
    "browsable API": ("/api-auth/login/", "form"),
    "token": ("/api/v1/auth/token/", "json"),
}


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.org", "right-password-1")


def log_in(door: str, username: str, password: str, address: str = "203.0.113.7"):
    path, encoding = LOGIN_DOORS[door]
    data = {"username": username, "password": password}
    if encoding == "json":
        return APIClient(REMOTE_ADDR=address).post(path, data, format="json")
    # The login pages check a CSRF token; the test client does not unless asked.
    return Client(REMOTE_ADDR=address).post(path, data)


@pytest.mark.parametrize("door", LOGIN_DOORS)
def test_wrong_passwords_lock_the_address_out(settings, alice, door):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(door, "alice", "wrong").status_code in {200, 400}
    locked = log_in(door, "alice", "wrong")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    # Locked out, even the right password is refused, and from another account at the same address.
    assert log_in(door, "alice", "right-password-1").status_code == 429
    assert log_in(door, "bob", "anything").status_code == 429


@pytest.mark.parametrize("door", LOGIN_DOORS)
def test_wrong_passwords_lock_the_account_out_from_any_address(settings, alice, door):
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(door, "alice", "wrong", address=f"198.51.100.{number + 1}")
    assert log_in(door, "alice", "right-password-1", address="192.0.2.99").status_code == 429


def test_the_token_lockout_is_in_the_api_error_shape(settings, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in("token", "alice", "wrong")
    body = response.json()
    assert response.status_code == 429
    assert body["type"] == "client_error"
    assert body["errors"][0]["code"] == "locked_out"


def test_a_curator_lifts_a_lockout(settings, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in("token", "alice", "wrong")
    assert log_in("token", "alice", "right-password-1").status_code == 429
    call_command("axes_reset_username", "alice", verbosity=0)
    reset(ip="203.0.113.7")
    assert not AccessAttempt.objects.exists()
    assert log_in("token", "alice", "right-password-1").status_code == 200


def test_a_right_password_clears_earlier_failures(settings, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in("token", "alice", "wrong")
    assert log_in("token", "alice", "right-password-1").status_code == 200
    assert log_in("token", "alice", "wrong").status_code == 400
    assert log_in("token", "alice", "right-password-1").status_code == 200


def test_the_address_behind_trusted_proxies_is_the_one_they_saw(settings, alice):
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/api/v1/auth/token/",
            {"username": f"user{number}", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"forged, 203.0.113.{number + 1}",
        )
    # Five addresses, five accounts: nobody is locked out, though every request came through one proxy.
    assert log_in("token", "alice", "right-password-1", address="10.0.0.1").status_code == 200
