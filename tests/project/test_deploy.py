"""The project as the README's Deploy section runs it: settings checked, static files served, probes answered."""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: The production environment the README documents, less the database.
PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "statements.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://statements.example.org",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}


#: Set by the test harness for its own process (tests/browser/conftest.py), never by a deployment.
HARNESS_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def deployed_environment(environment: dict) -> dict:
    """This process's environment, less what only the test harness sets, with `environment` on top."""
    return {name: value for name, value in os.environ.items() if name not in HARNESS_ONLY} | environment


def manage(*arguments: str, environment: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=deployed_environment(environment),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_the_documented_production_environment(tmp_path):
    environment = PRODUCTION | {"SECRET_KEY": secrets.token_urlsafe(50), "DATABASE_URL": f"sqlite:///{tmp_path}/db"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", environment=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("secret_key", ["", "django-insecure-development-only-key"])
def test_production_refuses_a_missing_or_published_secret_key(tmp_path, secret_key):
    environment = PRODUCTION | {"SECRET_KEY": secret_key, "DATABASE_URL": f"sqlite:///{tmp_path}/db"}
    result = manage("check", environment=environment)
    assert result.returncode != 0
    assert "SECRET_KEY must be set to a secret of your own" in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - a local test server
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """gunicorn as the Deploy section starts it, after collectstatic and migrate, with DEBUG=0."""
    folder = tmp_path_factory.mktemp("deploy")
    port = free_port()
    environment = PRODUCTION | {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
        "STATIC_ROOT": str(folder / "static"),
        "ALLOWED_HOSTS": "127.0.0.1",
        # The test speaks plain HTTP to the server itself; behind the proxy these stay on.
        "SECURE_SSL_REDIRECT": "0",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }
    for step in (("collectstatic", "--noinput", "-v0"), ("migrate", "--noinput", "-v0")):
        result = manage(*step, environment=environment)
        assert result.returncode == 0, result.stderr
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "project.wsgi"],
        cwd=ROOT,
        env=deployed_environment(environment),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if fetch(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail(f"gunicorn did not start: {server.stdout.read().decode()}")
    yield base
    server.terminate()
    server.wait(timeout=10)


def assets(page: bytes) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+|/api/v1/docs/\?script=)"', page.decode())


def test_the_admin_is_served_with_its_styles(production_server):
    status, headers, page = fetch(f"{production_server}/admin/login/")
    assert status == 200
    stylesheets = [path for path in assets(page) if path.endswith(".css")]
    assert any(re.search(r"/static/admin/css/base\.[0-9a-f]{12}\.css$", path) for path in stylesheets)
    for path in stylesheets:
        status, headers, _ = fetch(production_server + path)
        assert status == 200, path
        assert headers["Content-Type"].startswith("text/css")
        assert headers.get("Content-Encoding") in {"gzip", "br"}
        assert "immutable" in headers["Cache-Control"]


@pytest.mark.parametrize("page", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_api_documentation_is_served_with_its_scripts_and_nothing_from_elsewhere(production_server, page):
    status, headers, body = fetch(production_server + page)
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert not re.search(rb"""(?:href|src)=["']?(?:https?:)?//""", body), "nothing is loaded from another server"
    assert b"<script>" not in body, "no inline script, which the policy would block"
    scripts = [path for path in assets(body) if path.endswith(".js") or "script=" in path]
    assert scripts
    for path in scripts:
        status, headers, _ = fetch(production_server + path)
        assert status == 200, path
        assert "javascript" in headers["Content-Type"]


def test_probes_and_the_api_answer_in_production(production_server):
    assert fetch(f"{production_server}/healthz")[0] == 200
    assert fetch(f"{production_server}/readyz")[0] == 200
    # As the proxy that ends TLS forwards it.
    status, headers, _ = fetch(f"{production_server}/api/v1/statements/", **{"X-Forwarded-Proto": "https"})
    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])


def test_a_request_whose_client_gives_up_mid_body_is_refused(production_server):
    host, port = production_server.removeprefix("http://").split(":")
    body = b'{"username": "nobody", "password": "x"}'
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            b"POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body) + 100}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert b"Content-Length" in answer


def test_a_request_line_over_the_server_limit_is_414_in_the_error_shape(production_server):
    values = "&".join(f"speaker={number}" for number in range(1, 1200))
    status, headers, body = fetch(f"{production_server}/api/v1/statements/?{values}")
    assert status == 414
    assert headers["Content-Type"] == "application/json"
    error = json.loads(body)
    assert error["type"] == "client_error"
    assert error["errors"][0]["code"] == "request_line_too_long"


def test_every_worker_shares_one_cache_when_cache_url_names_a_redis(tmp_path):
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    environment = {"DATABASE_URL": f"sqlite:///{tmp_path}/db", "CACHE_URL": "redis://127.0.0.1:6379/15"}
    key = f"deploy-test-{secrets.token_hex(8)}"
    keep = f"from django.core.cache import cache; cache.set({key!r}, 'kept', 30)"
    read = f"from django.core.cache import cache; print(cache.get({key!r}))"
    # Two processes, as two gunicorn workers: what one keeps, the other reads.
    kept = manage("shell", "-c", keep, environment=environment)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    answer = manage("shell", "-c", read, environment=environment)
    assert answer.stdout.strip().splitlines()[-1] == "kept", answer.stdout + answer.stderr


def test_a_cache_url_that_is_not_redis_is_refused_at_start(tmp_path):
    environment = {"DATABASE_URL": f"sqlite:///{tmp_path}/db", "CACHE_URL": "memcached://127.0.0.1:11211"}
    result = manage("check", environment=environment)
    assert result.returncode != 0
    assert "CACHE_URL must be a Redis URL" in result.stderr
