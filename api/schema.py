"""OpenAPI generation: error responses documented on every operation from one shared component."""

from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema

# Errors only a request with a body can cause.
WRITE_ONLY_ERRORS = {"409", "413"}


class AutoSchema(StandardizedErrorsAutoSchema):
    """Adds the API's error responses; conflicts and oversized bodies only where a body is sent."""

    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
        if status_code in WRITE_ONLY_ERRORS and self.method not in {"POST", "PUT", "PATCH", "DELETE"}:
            return False
        if status_code == "413" and self.method == "DELETE":
            return False
        return super()._should_add_error_response(responses, status_code)
