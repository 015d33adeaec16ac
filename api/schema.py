"""OpenAPI generation: error responses documented on every operation from one shared component."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from rest_framework.permissions import SAFE_METHODS

from api.csv_output import CSV_MEDIA_TYPE
from api.permissions import ModelPermissionsOrConfiguredAnonymousRead

CSV_DESCRIPTION = (
    "With `format=csv` or `Accept: text/csv`: every record the filters select (not a page), one row each, "
    "streamed; `bom=true` starts it with a byte order mark for spreadsheets that need one."
)

# Errors only a request with a body can cause.
WRITE_ONLY_ERRORS = {"409", "413"}

# Conditional requests on one record (see ServiceModelViewSet): the ETag each response carries, by action,
# and the precondition header each action reads.
ETAG_STATUS_CODES = {"create": [201], "retrieve": [200, 304], "update": [200], "partial_update": [200]}
PRECONDITION_HEADERS = {
    "retrieve": OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description=(
            "ETags of versions of the record the client holds, or `*`. When one is the current version the "
            "response is 304 Not Modified, without a body."
        ),
    ),
    "update": OpenApiParameter(
        "If-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description=(
            "The ETag of the version of the record the change is based on (from its last read or write). "
            "If the record has changed since, nothing is written and the response is 412 Precondition "
            "Failed naming the current version; a value that is not a current ETag, malformed or weak, "
            "never matches. Without If-Match the write applies to whatever version is current."
        ),
    ),
}
PRECONDITION_HEADERS["partial_update"] = PRECONDITION_HEADERS["destroy"] = PRECONDITION_HEADERS["update"]
ETAG_HEADER_DESCRIPTION = (
    "The version of the record this response represents. Send it back in If-Match to change or delete "
    "the record only if nobody else has since, or in If-None-Match to read it only if it has changed. It "
    "changes with every write to the record itself, including its aliases, participants and links."
)


#: Summaries of the standard actions of a resource, by action.
STANDARD_SUMMARIES = {
    "list": "List {many}",
    "create": "Create {one}",
    "retrieve": "Read {one}",
    "update": "Replace {one}",
    "partial_update": "Change some fields of {one}",
    "destroy": "Delete {one}",
}


class AutoSchema(StandardizedErrorsAutoSchema):
    """Adds the API's error responses; conflicts and oversized bodies only where a body is sent.

    Response objects list every field as required: a serializer always writes all its readable
    fields, so a client may rely on each key being present (null where the field allows it).
    """

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        # A facets document holds only the facets asked for (api.serializers.facets).
        keys_optional = type(serializer).__name__.endswith("FacetSetSerializer")
        if direction == "response" and schema.get("properties") and not keys_optional:
            schema["required"] = sorted(schema["properties"])
        return schema

    def get_summary(self):
        summary = super().get_summary()
        if summary:
            return summary
        # The standard actions of a resource, named from its model: "List statements", "Change a statement".
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        action = getattr(self.view, "action", None)
        if model is None or action not in STANDARD_SUMMARIES:
            return None
        one, many = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
        article = "an" if one[0] in "aeiou" else "a"
        return STANDARD_SUMMARIES[action].format(one=f"{article} {one}", many=many)

    def get_auth(self):
        # drf-spectacular marks authentication optional only for AllowAny and IsAuthenticatedOrReadOnly;
        # the token endpoint has no permission at all, and reads may be open (API_ANONYMOUS_READ).
        auths = super().get_auth()
        permissions = self.view.get_permissions()
        anonymous_read = self.method in SAFE_METHODS and any(
            isinstance(permission, ModelPermissionsOrConfiguredAnonymousRead) for permission in permissions
        )
        if (not permissions or anonymous_read) and {} not in auths:
            auths.append({})
        return auths

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        action = self._conditional_record_action()
        if action in PRECONDITION_HEADERS:
            parameters.append(PRECONDITION_HEADERS[action])
        if action in ETAG_STATUS_CODES:
            parameters.append(
                OpenApiParameter(
                    "ETag",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description=ETAG_HEADER_DESCRIPTION,
                    response=ETAG_STATUS_CODES[action],
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in responses.items():
            content = response.get("content", {})
            if CSV_MEDIA_TYPE not in content:
                continue
            if code.startswith("2"):
                # The CSV of a list is every record the filters select, not a page (api.csv_output).
                content[CSV_MEDIA_TYPE] = {"schema": {"type": "string", "description": CSV_DESCRIPTION}}
            else:
                del content[CSV_MEDIA_TYPE]  # Errors are JSON, whatever was asked for.
        if direction == "response" and self._conditional_record_action() == "retrieve":
            not_modified = OpenApiResponse(
                description="Not modified: the If-None-Match header names the current version."
            )
            responses["304"] = self._get_response_for_code(not_modified, "304", direction=direction)
        return responses

    def _conditional_record_action(self) -> str | None:
        """The action when this operation reads or writes one versioned record, else None."""
        action = getattr(self.view, "action", None)
        if hasattr(self.view, "if_match_version") and (action in ETAG_STATUS_CODES or action in PRECONDITION_HEADERS):
            return action
        return None

    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
        if status_code == "414":
            # Lists take many filter values; a request line over 8,190 bytes is refused by the server itself
            # (project/gunicorn_errors.py), in the same error shape.
            return self.method == "GET" and self._is_list_view()
        if status_code == "412" and self._conditional_record_action() not in PRECONDITION_HEADERS:
            return False
        if status_code in WRITE_ONLY_ERRORS and self.method not in {"POST", "PUT", "PATCH", "DELETE"}:
            return False
        if status_code == "413" and self.method == "DELETE":
            return False
        return super()._should_add_error_response(responses, status_code)


def postprocess_parameter_enums(result, generator, **kwargs):
    """Point enum query parameters at the named enum component with the same values; name ordering values.

    drf-spectacular names enums of serializer fields only, so a `kind` filter would otherwise
    give each SDK its own copy of `StatementKindEnum` per operation.
    """
    names_by_values: dict[frozenset, list[str]] = {}
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if component.get("enum"):
            names_by_values.setdefault(frozenset(component["enum"]), []).append(name)
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter["in"] == "query" and schema.get("type") != "array" and parameter["name"] != "page_size":
                    # A single-valued filter given empty (`?updated_since=`) is ignored, as a form would leave it.
                    parameter["allowEmptyValue"] = True
                if parameter["name"] == "ordering" and "enum" in schema:
                    # "-date" is no identifier; without names SDKs call it VALUE_0.
                    schema["x-enum-varnames"] = [_ordering_name(value) for value in schema["enum"]]
                if schema.get("type") != "array" or "enum" not in schema.get("items", {}):
                    continue
                names = names_by_values.get(frozenset(schema["items"]["enum"]), [])
                if len(names) == 1:
                    schema["items"] = {"$ref": f"#/components/schemas/{names[0]}"}
    return result


def postprocess_list_limits(result, generator, **kwargs):
    """Every array a request body or query may carry says its limit (API_MAX_LIST_ITEMS), as the API enforces it."""
    limit = settings.API_MAX_LIST_ITEMS
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            for prop in component.get("properties", {}).values():
                if prop.get("type") == "array" and not prop.get("readOnly"):
                    prop["maxItems"] = min(prop.get("maxItems", limit), limit)
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter.get("schema", {}).get("type") == "array":
                    parameter["schema"]["maxItems"] = limit
    return result


def _ordering_name(value: str) -> str:
    name = value.lstrip("-").upper()
    return f"{name}_DESCENDING" if value.startswith("-") else name


def postprocess_page_examples(result, generator, **kwargs):
    """Examples of page links that are this API's own (DRF's name `api.example.org/accounts/`)."""
    components = result.get("components", {}).get("schemas", {})
    for path, path_item in result.get("paths", {}).items():
        operation = path_item.get("get")
        if not operation:
            continue
        content = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
        name = content.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
        page = components.get(name, {}).get("properties", {})
        if not name.startswith("Paginated") or "next" not in page:
            continue
        if "example" in page["next"]:
            # Numbered pages: DRF gives an example of its own.
            page["next"]["example"] = f"http://127.0.0.1:8000{path}?page=3"
            page["previous"]["example"] = f"http://127.0.0.1:8000{path}?page=1"
    return result
