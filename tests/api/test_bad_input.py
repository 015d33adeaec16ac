"""Bad input of every kind: a 4xx in the API's error shape, and nothing in the database changed."""

import base64
import json

import pytest
from django.apps import apps
from django.db.models import Sum

from tests.api.helpers import API
from tests.factories import ActorFactory, SourceFactory, StatementFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"


def cursor(payload) -> str:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def next_after(ordering: str, *values) -> str:
    """A cursor token for the page after a row with these sort-key values."""
    return cursor({"ordering": ordering, "direction": "next", "values": list(values)})


def actor(**changes) -> bytes:
    return json.dumps({"kind": "person", "name": "Someone", **changes}).encode()


#: (name, method, path, body, content type, headers). `{statement}` and `{actor}` name stored records.
CASES = [
    ("malformed JSON", "POST", "/actors/", b'{"kind": "person", "name": ', JSON, {}),
    ("JSON that is not an object", "POST", "/actors/", b'["person"]', JSON, {}),
    ("deeply nested JSON", "POST", "/actors/", b"[" * 20_000 + b"]" * 20_000, JSON, {}),
    ("trailing garbage", "POST", "/actors/", actor() + b"}", JSON, {}),
    ("text/plain body", "POST", "/actors/", actor(), "text/plain", {}),
    ("form-encoded body", "POST", "/actors/", b"kind=person&name=x", "application/x-www-form-urlencoded", {}),
    ("multipart body", "POST", "/actors/", b"--x\r\n\r\n--x--", "multipart/form-data; boundary=x", {}),
    ("body over the limit", "POST", "/actors/", actor(description="x" * (2 * 1024 * 1024 + 10)), JSON, {}),
    ("Content-Length of 10^20", "POST", "/actors/", actor(), JSON, {"CONTENT_LENGTH": str(10**20)}),
    ("NUL byte in a string", "POST", "/actors/", actor(name="a\u0000b"), JSON, {}),
    ("lone surrogate", "POST", "/actors/", b'{"kind": "person", "name": "a\\ud800b"}', JSON, {}),
    ("invalid UTF-8", "POST", "/actors/", b'{"kind": "person", "name": "a\xff"}', JSON, {}),
    (
        "huge number",
        "POST",
        "/communications/",
        b'{"kind": "phone_call", "title": "T", "duration_minutes": 1e400}',
        JSON,
        {},
    ),
    (
        "integer beyond 64 bits",
        "POST",
        "/communications/",
        b'{"kind": "phone_call", "title": "T", "duration_minutes": 99999999999999999999999}',
        JSON,
        {},
    ),
    (
        "negative duration",
        "POST",
        "/communications/",
        b'{"kind": "phone_call", "title": "T", "duration_minutes": -5}',
        JSON,
        {},
    ),
    (
        "id beyond 64 bits",
        "POST",
        "/statements/",
        b'{"kind": "paraphrase", "text": "x", "speaker": 99999999999999999999}',
        JSON,
        {},
    ),
    ("negative id in a list", "POST", "/statements/", b'{"kind": "paraphrase", "text": "x", "topics": [-1]}', JSON, {}),
    ("impossible date", "POST", "/statements/", b'{"kind": "paraphrase", "text": "x", "date": "2024-02-30"}', JSON, {}),
    ("date of year 0", "POST", "/statements/", b'{"kind": "paraphrase", "text": "x", "date": "0000-01-01"}', JSON, {}),
    ("unknown field", "POST", "/actors/", actor(nickname="x"), JSON, {}),
    ("read-only field", "POST", "/actors/", actor(uuid="00000000-0000-0000-0000-000000000001"), JSON, {}),
    ("unknown choice", "POST", "/actors/", actor(kind="alien"), JSON, {}),
    ("list where a string goes", "POST", "/actors/", actor(name=["a"]), JSON, {}),
    ("object where a list goes", "POST", "/actors/", actor(aliases={"a": 1}), JSON, {}),
    ("too many aliases", "POST", "/actors/", actor(aliases=[str(n) for n in range(101)]), JSON, {}),
    (
        "PATCH with a malformed If-Match",
        "PATCH",
        "/actors/{actor}/",
        b'{"name": "New"}',
        JSON,
        {"HTTP_IF_MATCH": "garbage"},
    ),
    ("PATCH with a stale If-Match", "PATCH", "/actors/{actor}/", b'{"name": "New"}', JSON, {"HTTP_IF_MATCH": '"0"'}),
    ("DELETE with a weak If-Match", "DELETE", "/actors/{actor}/", b"", JSON, {"HTTP_IF_MATCH": 'W/"1"'}),
    ("PUT missing required fields", "PUT", "/actors/{actor}/", b"{}", JSON, {}),
    (
        "a quote off its span",
        "PATCH",
        "/statements/{statement}/",
        b'{"kind": "direct_quote", "text": "not in the body"}',
        JSON,
        {},
    ),
    ("forged cursor: not base64", "GET", "/statements/?cursor=%%%", b"", JSON, {}),
    ("forged cursor: not JSON", "GET", f"/statements/?cursor={cursor(b'not json')}", b"", JSON, {}),
    ("forged cursor: wrong shape", "GET", f"/statements/?cursor={cursor({'values': 'x'})}", b"", JSON, {}),
    (
        "forged cursor: a timestamp beyond year 9999",
        "GET",
        f"/statements/?ordering=-updated&cursor={next_after('-updated', '9999-12-31T23:00:00-12:00', 1)}",
        b"",
        JSON,
        {},
    ),
    (
        "forged cursor: a huge id",
        "GET",
        f"/statements/?cursor={next_after('-date', '2024-01-01', 10**30)}",
        b"",
        JSON,
        {},
    ),
    (
        "cursor of another ordering",
        "GET",
        f"/statements/?ordering=created&cursor={next_after('-date', '2024-01-01', 1)}",
        b"",
        JSON,
        {},
    ),
    ("impossible date in a filter", "GET", "/statements/?date_after=2024-13-01", b"", JSON, {}),
    ("timestamp with an absurd offset", "GET", "/statements/?updated_since=2024-01-01T00:00:00%2B99:00", b"", JSON, {}),
    ("id filter that is no number", "GET", "/statements/?speaker=abc", b"", JSON, {}),
    ("id filter beyond 64 bits", "GET", "/statements/?speaker=99999999999999999999", b"", JSON, {}),
    ("unknown ordering", "GET", "/statements/?ordering=text", b"", JSON, {}),
    ("page size of zero", "GET", "/actors/?page_size=0", b"", JSON, {}),
    ("page beyond the last", "GET", "/actors/?page=999999", b"", JSON, {}),
    ("search over its length", "GET", "/statements/?q=" + "x" * 600, b"", JSON, {}),
    ("unknown choice in a filter", "GET", "/statements/?kind=rumour", b"", JSON, {}),
    ("unknown address", "GET", "/nothing/", b"", JSON, {}),
    ("id beyond 64 bits in the path", "GET", "/statements/99999999999999999999/", b"", JSON, {}),
    ("method not allowed", "PATCH", "/export/statements.jsonl", b"{}", JSON, {}),
]

#: Answers that need no error body: a 304 has none by definition; none of the cases expects one.
STATUSES_WITHOUT_BODY: set[int] = set()

#: Searches whose words are all query syntax: answered (an empty or full list), never a server error.
FULL_TEXT_METACHARACTERS = ["&|!():*", "'\"\\", "a & | b", "!!!", "<->", "foo:*", "(((", "-", '"', "' OR 1=1 --"]


def domain_state() -> list:
    """Row counts and version sums of every table the statements app owns, history included."""
    state = []
    for model in apps.get_app_config("statements").get_models():
        queryset = model._default_manager.all()
        versions = queryset.aggregate(total=Sum("version"))["total"] if hasattr(model, "version") else None
        state.append((model._meta.label, queryset.count(), versions))
    return state


@pytest.fixture
def stored():
    source = SourceFactory(body="He said we will talk again, and left.")
    return {
        "actor": ActorFactory().pk,
        "statement": StatementFactory(
            kind="direct_quote", text="we will talk again", source=source, span_start=8, span_end=26
        ).pk,
    }


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type", "headers"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_is_a_4xx_in_the_error_shape_and_changes_nothing(
    curator_client, stored, method, path, body, content_type, headers
):
    curator_client.raise_request_exception = False
    before = domain_state()
    response = curator_client.generic(method, API + path.format(**stored), body, content_type=content_type, **headers)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    payload = response.json()
    assert payload["type"] in {"validation_error", "client_error"}
    assert payload["errors"]
    assert all({"code", "detail", "attr"} <= set(error) for error in payload["errors"])
    assert domain_state() == before


@pytest.mark.parametrize("query", FULL_TEXT_METACHARACTERS)
@pytest.mark.parametrize("resource", ["statements", "communications", "sources", "actors"])
def test_search_syntax_never_breaks_a_search(api_client, stored, resource, query):
    response = api_client.get(f"{API}/{resource}/", {"q": query})
    assert response.status_code in {200, 400}, response.content[:300]
    if response.status_code == 400:
        assert response.json()["errors"][0]["attr"] == "q"
