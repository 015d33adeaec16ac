"""The API's error document for the answers written outside the REST framework: by Django's error
handler, by the login lockout, by gunicorn itself. The REST framework writes the same shape through
drf-standardized-errors (see api.exceptions)."""

from django.http import HttpResponse, JsonResponse

#: Seconds a client is asked to wait before trying again while the database is out of reach.
RETRY_AFTER_SECONDS = 5


def error_document(status: int, code: str, detail: str) -> dict:
    """{"type", "errors": [{"code", "detail", "attr"}]}, as every 4xx and 5xx of the API has it."""
    kind = "client_error" if status < 500 else "server_error"
    return {"type": kind, "errors": [{"code": code, "detail": detail, "attr": None}]}


def error_response(request, status: int, code: str, detail: str, *, retry_after: int | None = None) -> HttpResponse:
    """The error in the API's shape under /api/, as plain text on the other pages (the admin, the logins)."""
    if request.path.startswith("/api/"):
        response = JsonResponse(error_document(status, code, detail), status=status)
    else:
        response = HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
