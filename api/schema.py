"""OpenAPI generation: error responses documented on every operation from one shared component."""

from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from rest_framework.permissions import SAFE_METHODS

from api.permissions import ModelPermissionsOrConfiguredAnonymousRead

# Errors only a request with a body can cause.
WRITE_ONLY_ERRORS = {"409", "413"}


class AutoSchema(StandardizedErrorsAutoSchema):
    """Adds the API's error responses; conflicts and oversized bodies only where a body is sent.

    Response objects list every field as required: a serializer always writes all its readable
    fields, so a client may rely on each key being present (null where the field allows it).
    """

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and schema.get("properties"):
            schema["required"] = sorted(schema["properties"])
        return schema

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

    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
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


def _ordering_name(value: str) -> str:
    name = value.lstrip("-").upper()
    return f"{name}_DESCENDING" if value.startswith("-") else name
