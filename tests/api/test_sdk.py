"""Clients generated from the committed OpenAPI schema: a Python SDK used on a live server, TypeScript types."""

import datetime
import importlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings

COMMITTED_SCHEMA = Path(settings.BASE_DIR) / "api" / "openapi.yaml"
PACKAGE = "statements_client"

ARTICLE = (
    "President Biden spoke with Prime Minister Netanyahu of Israel on Thursday. "
    '"We will keep working toward a ceasefire," Biden told reporters after the call, '
    "which lasted about 30 minutes."
)
QUOTE = "We will keep working toward a ceasefire,"
CALL_DAY = datetime.date(2024, 3, 14)


def run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a tool and fail the test with its output when it does not succeed."""
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result


README = Path(settings.BASE_DIR) / "README.md"


def readme_sdk_blocks() -> dict[str, list[str]]:
    """The code blocks of the README's SDKs section, by language, as written."""
    section = README.read_text().split("### SDKs", 1)[1].split("\n## ", 1)[0]
    blocks: dict[str, list[str]] = {}
    for language, body in re.findall(r"```(\w+)\n(.*?)```", section, flags=re.DOTALL):
        blocks.setdefault(language, []).append(body)
    return blocks


def readme_command(tool: str) -> list[str]:
    """The README's command running `tool`, split into words."""
    [command] = [line for line in readme_sdk_blocks()["sh"][0].splitlines() if tool in line]
    return shlex.split(command)


def project_copy(directory: Path) -> Path:
    """A directory where the README's commands run as written: the project's schema, generator configuration,
    virtual environment and node tools, linked."""
    project = Path(settings.BASE_DIR)
    for name in ("api", "sdk", ".venv", "node_modules"):
        if (project / name).exists():
            (directory / name).symlink_to(project / name)
    return directory


def run_quietly(command: list[str], cwd: Path) -> str:
    """Run a README command; it must succeed and print no warning."""
    environment = {**os.environ, "npm_config_offline": "true", "NO_COLOR": "1"}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False, env=environment)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{output}"
    assert "warn" not in output.lower(), f"{' '.join(command)} warned:\n{output}"
    return output


@pytest.fixture(scope="module")
def sdk(tmp_path_factory):
    """The Python client the README's command generates, imported."""
    directory = project_copy(tmp_path_factory.mktemp("python-sdk"))
    command = readme_command("openapi-python-client")
    assert command[0] == ".venv/bin/openapi-python-client"
    run_quietly(command, directory)
    package_root = directory / command[command.index("--output-path") + 1]
    sys.path.insert(0, str(package_root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(package_root))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def sdk_module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_generated_python_client_against_a_live_server(sdk, live_server, django_user_model):
    api = {
        name: sdk_module(f"api.{name.split('_')[0]}.{name}")
        for name in [
            "auth_token_create",
            "actors_create",
            "sources_create",
            "communications_create",
            "statements_create",
            "statements_list",
            "statements_retrieve",
            "statements_partial_update",
        ]
    }
    models = sdk_module("models")
    django_user_model.objects.create_superuser("sdk-curator", "sdk@example.org", "sdk-password")

    token = api["auth_token_create"].sync(
        client=sdk.Client(base_url=live_server.url),
        body=models.AuthTokenRequest(username="sdk-curator", password="sdk-password"),
    )
    # The client's defaults: `Authorization: Bearer <token>`.
    client = sdk.AuthenticatedClient(base_url=live_server.url, token=token.token)

    biden = api["actors_create"].sync(
        client=client,
        body=models.ActorRequest(kind=models.ActorKindEnum.PERSON, name="Joe Biden", aliases=["Biden"], country="US"),
    )
    netanyahu = api["actors_create"].sync(
        client=client, body=models.ActorRequest(kind=models.ActorKindEnum.PERSON, name="Benjamin Netanyahu")
    )
    source = api["sources_create"].sync(
        client=client,
        body=models.SourceRequest(
            kind=models.SourceKindEnum.NEWS_ARTICLE,
            title="Biden and Netanyahu speak",
            body=ARTICLE,
            date=CALL_DAY,
            date_precision=models.DatePrecisionEnum.DAY,
        ),
    )
    call = api["communications_create"].sync(
        client=client,
        body=models.CommunicationRequest(
            kind=models.CommunicationKindEnum.PHONE_CALL,
            title="Biden–Netanyahu call",
            date=CALL_DAY,
            date_precision=models.DatePrecisionEnum.DAY,
            duration_minutes=30,
            duration_is_approximate=True,
            participants=[
                models.ParticipantRequest(actor=biden.id, role=models.ParticipantRoleEnum.INITIATOR),
                models.ParticipantRequest(actor=netanyahu.id, role=models.ParticipantRoleEnum.RECIPIENT),
            ],
            sources=[source.id],
        ),
    )
    start = ARTICLE.index(QUOTE)
    quote = api["statements_create"].sync(
        client=client,
        body=models.StatementRequest(
            kind=models.StatementKindEnum.DIRECT_QUOTE,
            text=QUOTE,
            speaker=biden.id,
            addressees=[netanyahu.id],
            communication=call.id,
            source=source.id,
            span_start=start,
            span_end=start + len(QUOTE),
            date=CALL_DAY,
            date_precision=models.DatePrecisionEnum.DAY,
        ),
    )
    # Decoys the filters must leave out: the same speaker a year later, another speaker the same day.
    for speaker, day in [(biden, CALL_DAY.replace(year=2025)), (netanyahu, CALL_DAY)]:
        api["statements_create"].sync(
            client=client,
            body=models.StatementRequest(
                kind=models.StatementKindEnum.PARAPHRASE,
                text=f"{speaker.name} said something else.",
                speaker=speaker.id,
                date=day,
                date_precision=models.DatePrecisionEnum.DAY,
            ),
        )

    assert biden.aliases == ["Biden"]
    assert biden.country == "US"
    assert [(p.actor.name, p.role) for p in call.participants] == [
        ("Joe Biden", models.ParticipantRoleEnum.INITIATOR),
        ("Benjamin Netanyahu", models.ParticipantRoleEnum.RECIPIENT),
    ]
    assert quote.speaker.name == "Joe Biden"
    assert quote.source.id == source.id
    assert quote.selectors.text_position.start == start
    assert quote.selectors.text_quote.exact == QUOTE
    assert quote.selectors.text_quote.suffix.startswith('" Biden told reporters')
    assert quote.created_by == "sdk-curator"

    page = api["statements_list"].sync(
        client=client,
        speaker=[biden.id],
        date_after=CALL_DAY - datetime.timedelta(days=1),
        date_before=CALL_DAY,
        ordering=sdk_module("models.statements_list_ordering").StatementsListOrdering.DATE_DESCENDING,
    )
    assert [statement.id for statement in page.results] == [quote.id]
    assert page.next_ is None

    read_back = api["statements_retrieve"].sync(client=client, id=quote.id)
    assert read_back.to_dict() == quote.to_dict()

    verified = api["statements_partial_update"].sync(
        client=client,
        id=quote.id,
        body=models.PatchedStatementRequest(status=models.CurationStatusEnum.VERIFIED),
        if_match=f'"{quote.version}"',
    )
    assert verified.status == models.CurationStatusEnum.VERIFIED
    assert verified.text == QUOTE
    assert verified.version == quote.version + 1

    # A write based on the version read before is refused, and says so.
    stale = api["statements_partial_update"].sync_detailed(
        client=client,
        id=quote.id,
        body=models.PatchedStatementRequest(text="We will keep working toward a ceasefire,"),
        if_match=f'"{quote.version}"',
    )
    assert stale.status_code == HTTPStatus.PRECONDITION_FAILED
    assert isinstance(stale.parsed, models.ErrorResponse)
    assert str(verified.version) in stale.parsed.errors[0].detail

    misquote = api["statements_create"].sync_detailed(
        client=client,
        body=models.StatementRequest(
            kind=models.StatementKindEnum.DIRECT_QUOTE,
            text="We will stop working toward a ceasefire,",
            speaker=biden.id,
            source=source.id,
            span_start=start,
            span_end=start + len(QUOTE),
        ),
    )
    assert misquote.status_code == HTTPStatus.BAD_REQUEST
    assert isinstance(misquote.parsed, models.ErrorResponse)
    assert misquote.parsed.type_ == models.ErrorTypeEnum.VALIDATION_ERROR
    assert [error.attr for error in misquote.parsed.errors] == ["text"]

    # The README's example, as written, but for the server and token of the test.
    [example] = readme_sdk_blocks()["python"]
    example = example.replace("http://127.0.0.1:8000", live_server.url).replace("<token>", token.token)
    example = example.replace('["netanyahu"]', repr([biden.slug]))
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)  # noqa: S102 - the project's own README
    assert QUOTE in namespace["quotes"]

    missing = api["statements_retrieve"].sync_detailed(client=client, id=quote.id + 1000)
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert missing.parsed.errors[0].code == "not_found"

    anonymous = api["statements_create"].sync_detailed(
        client=sdk.Client(base_url=live_server.url),
        body=models.StatementRequest(kind=models.StatementKindEnum.PARAPHRASE, text="Anyone may say this."),
    )
    assert anonymous.status_code == HTTPStatus.UNAUTHORIZED
    assert anonymous.parsed.errors[0].code == "not_authenticated"


# TypeScript

TYPES_USAGE = """\
import type { components, operations, paths } from "./schema";

type Statement = components["schemas"]["Statement"];
type StatementRequest = components["schemas"]["StatementRequest"];
type ErrorResponse = components["schemas"]["ErrorResponse"];
type StatementPage = paths["/api/v1/statements/"]["get"]["responses"][200]["content"]["application/json"];
type StatementFilters = operations["statements_list"]["parameters"]["query"];

const filters: StatementFilters = { speaker: [1, 2], date_after: "2024-03-01", kind: ["direct_quote"] };
const request: StatementRequest = { kind: "direct_quote", text: "We will talk again.", speaker: 1, source: null };

export function speakers(page: StatementPage): string[] {
    return page.results.flatMap((statement: Statement) => (statement.speaker ? [statement.speaker.name] : []));
}

export function firstProblem(error: ErrorResponse): string | null {
    return error.errors[0]?.attr ?? null;
}

export { filters, request };
"""


def require_node_tools() -> None:
    """Skip without npm, except in CI, where a missing npm must fail rather than pass unnoticed."""
    if shutil.which("npm"):
        return
    if os.environ.get("CI", "").lower() not in {"", "0", "false"}:
        pytest.fail("npm is not on PATH, and CI is set: the TypeScript check cannot be skipped in CI.")
    pytest.skip("npm is not on PATH; install Node.js to check the TypeScript types.")


def test_typescript_types_generated_from_the_schema_compile(tmp_path):
    require_node_tools()
    project = Path(settings.BASE_DIR)
    assert (project / "node_modules" / ".bin" / "tsc").exists(), "Run `make test` (or `npm ci`) to install node tools."
    directory = project_copy(tmp_path)
    command = readme_command("openapi-typescript")
    run_quietly(command, directory)
    types = directory / command[command.index("-o") + 1]
    (directory / "schema.d.ts").write_text(types.read_text())
    usage = directory / "usage.ts"
    usage.write_text(TYPES_USAGE)
    [example] = readme_sdk_blocks()["ts"]
    (directory / "every_page.ts").write_text(example)
    compiler = ["npx", "--no-install", "tsc", "--noEmit", "--strict", "--target", "es2022", "--lib", "es2022,dom"]
    run_quietly([*compiler, "schema.d.ts", "usage.ts", "every_page.ts", types.name], directory)

    assert 'StatementKindEnum: "direct_quote" | "paraphrase";' in types.read_text()
    assert "country?: string;" in types.read_text()
