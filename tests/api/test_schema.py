"""The OpenAPI schema as a product: committed, valid, and shaped for SDK generators."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS

from statements.choices import (
    ActorKind,
    CommunicationKind,
    CurationStatus,
    DatePrecision,
    ParticipantRole,
    PlaceKind,
    SourceKind,
    StatementKind,
)

COMMITTED_SCHEMA = Path(settings.BASE_DIR) / "api" / "openapi.yaml"
REGENERATE = "Regenerate it with `make schema` and commit api/openapi.yaml."
HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}

#: Every enum component, by the name SDKs give the type. A new one is a change to the contract: add it here.
ENUM_COMPONENTS = {
    "ActorKindEnum": ActorKind.values,
    "CommunicationKindEnum": CommunicationKind.values,
    "CurationStatusEnum": CurationStatus.values,
    "DatePrecisionEnum": DatePrecision.values,
    "ErrorTypeEnum": ["validation_error", "client_error", "server_error"],
    "HistoryTypeEnum": ["created", "changed", "deleted"],
    "ParticipantRoleEnum": ParticipantRole.values,
    "PlaceKindEnum": PlaceKind.values,
    "SourceKindEnum": SourceKind.values,
    "StatementKindEnum": StatementKind.values,
    "TextPositionSelectorTypeEnum": ["TextPositionSelector"],
    "TextQuoteSelectorTypeEnum": ["TextQuoteSelector"],
}


def generate_schema(path: Path) -> None:
    """Write the schema as `make schema` does, failing on any warning or validation error."""
    # Warnings are counted process-wide; start from zero so only this generation's count.
    GENERATOR_STATS.reset()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path), verbosity=0)


@pytest.fixture(scope="module")
def generated_schema_text(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    generate_schema(path)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def schema(generated_schema_text) -> dict:
    return yaml.safe_load(generated_schema_text)


def operations(schema: dict):
    """(path, method, operation) for every operation in the schema."""
    for path, path_item in schema["paths"].items():
        for method, operation in path_item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def operation_by_id(schema: dict, operation_id: str) -> dict:
    return next(operation for _, _, operation in operations(schema) if operation["operationId"] == operation_id)


def parameter(operation: dict, name: str) -> dict:
    return next(parameter for parameter in operation["parameters"] if parameter["name"] == name)


def component_name(reference: dict) -> str:
    """The component a schema refers to, directly or as drf-spectacular wraps it to add a description."""
    if "allOf" in reference and len(reference["allOf"]) == 1:
        reference = reference["allOf"][0]
    return reference["$ref"].removeprefix("#/components/schemas/")


def test_committed_schema_is_up_to_date(generated_schema_text):
    assert COMMITTED_SCHEMA.exists(), f"api/openapi.yaml is missing. {REGENERATE}"
    committed = COMMITTED_SCHEMA.read_text(encoding="utf-8")
    assert committed == generated_schema_text, f"api/openapi.yaml differs from the API. {REGENERATE}"


def test_schema_generates_without_warnings_and_validates(tmp_path):
    generate_schema(tmp_path / "openapi.yaml")

    assert not GENERATOR_STATS


def test_operation_ids_are_unique_and_readable(schema):
    operation_ids = [operation["operationId"] for _, _, operation in operations(schema)]

    assert len(operation_ids) == len(set(operation_ids))
    unreadable = [name for name in operation_ids if not re.fullmatch(r"[a-z]+(_[a-z]+)+", name)]
    assert unreadable == []
    expected = {
        "actors_list",
        "actors_create",
        "actors_statements_list",
        "statements_list",
        "statements_retrieve",
        "statements_create",
        "statements_update",
        "statements_partial_update",
        "statements_destroy",
        "auth_token_create",
    }
    assert expected <= set(operation_ids)


def test_countries_are_plain_strings(schema):
    """An SDK takes "US" as it is; an enum of 250 codes made the Python client want `CountryEnum.US`."""
    components = schema["components"]["schemas"]
    for name in ("Actor", "ActorRequest", "Place", "PlaceRequest", "PositionRequest"):
        assert components[name]["properties"]["country"]["type"] == "string", name
        assert components[name]["properties"]["country"]["maxLength"] == 2, name


def test_enum_components_have_stable_names(schema):
    components = schema["components"]["schemas"]
    enums = {name: component["enum"] for name, component in components.items() if "enum" in component}

    assert set(enums) == set(ENUM_COMPONENTS)
    for name, values in ENUM_COMPONENTS.items():
        if values is not None:
            assert enums[name] == values, name


@pytest.mark.parametrize(
    ("operation_id", "parameter_name", "enum_component"),
    [
        ("statements_list", "kind", "StatementKindEnum"),
        ("statements_list", "status", "CurationStatusEnum"),
        ("statements_list", "speaker_kind", "ActorKindEnum"),
        ("actors_statements_list", "communication_kind", "CommunicationKindEnum"),
        ("communications_list", "participant_role", "ParticipantRoleEnum"),
        ("actors_list", "kind", "ActorKindEnum"),
    ],
)
def test_enum_filters_use_the_named_enum(schema, operation_id, parameter_name, enum_component):
    parameter_schema = parameter(operation_by_id(schema, operation_id), parameter_name)["schema"]

    assert parameter_schema["type"] == "array"
    assert component_name(parameter_schema["items"]) == enum_component


def test_request_and_response_components_are_split(schema):
    components = schema["components"]["schemas"]
    create = operation_by_id(schema, "statements_create")
    partial_update = operation_by_id(schema, "statements_partial_update")

    assert component_name(create["requestBody"]["content"]["application/json"]["schema"]) == "StatementRequest"
    assert (
        component_name(partial_update["requestBody"]["content"]["application/json"]["schema"])
        == "PatchedStatementRequest"
    )
    assert component_name(create["responses"]["201"]["content"]["application/json"]["schema"]) == "Statement"
    # Read-only fields live in the response component only; nothing is required in a patch.
    assert {"id", "api_url", "selectors", "created_at"} <= set(components["Statement"]["properties"])
    assert not {"id", "api_url", "selectors", "created_at"} & set(components["StatementRequest"]["properties"])
    assert "required" not in components["PatchedStatementRequest"]
    # Relations are written as ids and read as embedded summaries.
    assert components["StatementRequest"]["properties"]["speaker"]["type"] == "integer"
    assert "ActorBrief" in str(components["Statement"]["properties"]["speaker"])


def test_response_components_require_every_field(schema):
    """A response always has every key, so SDKs need not treat any as possibly absent; but a facets document,
    which holds the facets asked for."""
    components = schema["components"]["schemas"]
    partial = [
        name
        for name, component in components.items()
        if "properties" in component
        and not name.endswith("Request")
        and not name.endswith("FacetSet")
        and set(component.get("required", [])) != set(component["properties"])
    ]

    assert partial == []


@pytest.mark.parametrize(
    ("operation_id", "parameter_name", "expected_schema"),
    [
        ("statements_list", "speaker", {"type": "array", "items": {"type": "integer"}}),
        ("statements_list", "addressee", {"type": "array", "items": {"type": "integer"}}),
        ("statements_list", "topic", {"type": "array", "items": {"type": "integer"}}),
        ("statements_list", "date_after", {"type": "string", "format": "date"}),
        ("statements_list", "date_before", {"type": "string", "format": "date"}),
        ("statements_list", "updated_since", {"type": "string", "format": "date-time"}),
        ("communications_list", "participant", {"type": "array", "items": {"type": "integer"}}),
        ("positions_list", "held_on", {"type": "string", "format": "date"}),
        ("actors_list", "updated_since", {"type": "string", "format": "date-time"}),
    ],
)
def test_filter_parameters_are_typed(schema, operation_id, parameter_name, expected_schema):
    found = parameter(operation_by_id(schema, operation_id), parameter_name)

    assert found["in"] == "query"
    assert {key: found["schema"][key] for key in expected_schema} == expected_schema


@pytest.mark.parametrize(
    ("operation_id", "parameter_name"),
    [("statements_list", "page_size"), ("actors_list", "page_size"), ("actors_list", "page")],
)
def test_paging_parameters_are_bounded_integers(schema, operation_id, parameter_name):
    parameter_schema = parameter(operation_by_id(schema, operation_id), parameter_name)["schema"]

    assert parameter_schema["type"] == "integer"
    assert parameter_schema["minimum"] == 1


def test_bodies_are_json_only(schema):
    other_types = set()
    for _, _, operation in operations(schema):
        other_types |= set(operation.get("requestBody", {}).get("content", {})) - {"application/json"}
        for code, response in operation["responses"].items():
            # The bulk export streams JSON Lines: one JSON document per line, not one JSON body.
            is_export = (operation["operationId"], code) == ("export_statements", "200")
            allowed = {"application/x-ndjson"} if is_export else set()
            # Lists and facets are also CSV, documented as text.
            csv = response.get("content", {}).get("text/csv")
            if code == "200" and csv is not None and csv["schema"]["type"] == "string":
                allowed.add("text/csv")
            other_types |= set(response.get("content", {})) - {"application/json"} - allowed

    assert other_types == set()


def test_schema_and_documentation_are_not_in_the_schema(schema):
    assert not [path for path in schema["paths"] if re.search(r"/(schema|docs|redoc)/", path)]
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_every_operation_documents_its_errors_with_the_shared_component(schema):
    problems = []
    for path, method, operation in operations(schema):
        errors = {code: response for code, response in operation["responses"].items() if code[0] in "45"}
        # The bulk export has a fixed address, no id and no pages: there is nothing it could not find.
        wanted = {"400", "401"} if operation["operationId"] == "export_statements" else {"400", "401", "404"}
        if method in {"post", "put", "patch"}:
            wanted |= {"409", "413", "415"}
        if method == "delete":
            wanted |= {"409"}
        if missing := wanted - set(errors):
            problems.append(f"{method.upper()} {path} documents no {sorted(missing)}")
        for code, response in errors.items():
            if component_name(response["content"]["application/json"]["schema"]) != "ErrorResponse":
                problems.append(f"{method.upper()} {path} {code} is not an ErrorResponse")

    assert problems == []


def test_error_response_component(schema):
    components = schema["components"]["schemas"]
    error_response, error = components["ErrorResponse"], components["Error"]

    assert set(error_response["required"]) == {"type", "errors"}
    assert component_name(error_response["properties"]["type"]) == "ErrorTypeEnum"
    assert component_name(error_response["properties"]["errors"]["items"]) == "Error"
    assert set(error["required"]) == {"code", "detail", "attr"}
    assert error["properties"]["attr"]["nullable"] is True


def test_served_schema_is_the_committed_one(db, client):
    committed = yaml.safe_load(COMMITTED_SCHEMA.read_text(encoding="utf-8"))

    as_yaml = client.get("/api/v1/schema/")
    as_json = client.get("/api/v1/schema/", {"format": "json"})

    assert as_yaml.status_code == 200
    assert yaml.safe_load(as_yaml.content) == committed
    assert as_json.status_code == 200
    assert as_json.json() == committed


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_documentation_renders_from_local_static_files(db, client, url):
    response = client.get(url)
    html = response.content.decode()
    # Swagger UI's start-up script, which names the schema, is a file of its own (no inline script).
    script = client.get(f"{url}?script=").content.decode() if url.endswith("docs/") else html

    assert response.status_code == 200
    assert "/api/v1/schema/" in script
    assert "drf_spectacular_sidecar" in html
    assert "fonts.googleapis" not in html
    for cdn in ("cdn.jsdelivr", "unpkg", "cdnjs"):
        assert cdn not in html


@pytest.mark.parametrize(
    ("operation_id", "anonymous_allowed"),
    [("statements_list", True), ("actors_retrieve", True), ("auth_token_create", True), ("statements_create", False)],
)
def test_security_says_where_a_token_is_optional(schema, operation_id, anonymous_allowed):
    security = operation_by_id(schema, operation_id)["security"]

    assert {"tokenAuth": []} in security or operation_id == "auth_token_create"
    assert ({} in security) is anonymous_allowed


def test_single_valued_filters_admit_an_empty_value_and_page_size_does_not(schema):
    statements_list = operation_by_id(schema, "statements_list")

    assert parameter(statements_list, "updated_since")["allowEmptyValue"] is True
    assert parameter(statements_list, "ordering")["allowEmptyValue"] is True
    assert "allowEmptyValue" not in parameter(statements_list, "page_size")
    assert "allowEmptyValue" not in parameter(statements_list, "speaker")


def test_integer_limits_do_not_depend_on_the_database(schema):
    """SQLite reports 64-bit limits and PostgreSQL 32-bit ones; the schema gives the portable, stricter one."""
    properties = schema["components"]["schemas"]["StatementRequest"]["properties"]

    assert properties["span_end"]["maximum"] == 2**31 - 1
    assert "format" not in properties["span_end"]


def test_the_api_root_lists_the_schema_docs_export_facets_and_token_beside_the_resources(db, client):
    root = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert {"statements", "communications", "actors"} <= set(root)
    for name, path in {
        "schema": "/api/v1/schema/",
        "docs": "/api/v1/docs/",
        "redoc": "/api/v1/redoc/",
        "export": "/api/v1/export/statements.jsonl",
        "token": "/api/v1/auth/token/",
        "statement_facets": "/api/v1/statements/facets/",
        "communication_facets": "/api/v1/communications/facets/",
    }.items():
        assert root[name] == f"http://testserver{path}"
