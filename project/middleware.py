"""What every request goes through before the project's views: its id in the logs, the health probes."""

import contextvars
import logging
import re
import time
import uuid

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

from project.errors import RETRY_AFTER_SECONDS

#: The id of the request being answered, for every line logged meanwhile.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

#: An id a proxy or client sent along that is safe to repeat in logs and headers.
FORWARDED_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

access_log = logging.getLogger("project.access")


class RequestIdFilter(logging.Filter):
    """Gives every log record the id of the request it was written for ("-" outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class RequestIdMiddleware:
    """Names each request: the X-Request-ID it came with (from a proxy) when well-formed, else a new one.

    The id is in the response's X-Request-ID header and in every line logged while the request is
    answered, ending with one access line (method, path, status, milliseconds).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        forwarded = request.headers.get("X-Request-ID", "")
        current = forwarded if FORWARDED_ID.fullmatch(forwarded) else uuid.uuid4().hex
        token = request_id.set(current)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = current
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(token)


class HealthCheckMiddleware:
    """`GET /healthz` (the process answers) and `GET /readyz` (the database answers and every migration is
    applied), answered before host checks and HTTPS redirects: probes come by IP address, over HTTP."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.migrated = False

    def __call__(self, request):
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            problem = self.unready()
            if problem:
                response = JsonResponse({"status": "unavailable", "detail": problem}, status=503)
                response["Retry-After"] = str(RETRY_AFTER_SECONDS)
                return response
            return JsonResponse({"status": "ok"})
        return self.get_response(request)

    def unready(self) -> str | None:
        """Why the server cannot answer requests yet, or None."""
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            if not self.migrated:
                executor = MigrationExecutor(connection)
                pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
                if pending:
                    return f"{len(pending)} migrations are not applied; run manage.py migrate."
                # Migrations are not unapplied under a running server; the database is asked again each time.
                self.migrated = True
        except Exception as error:  # noqa: BLE001 - any failure to reach the database means "not ready"
            return f"The database does not answer: {type(error).__name__}."
        return None
