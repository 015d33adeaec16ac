"""One error format for the whole API, whatever layer raised the error."""

from collections import Counter

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from drf_standardized_errors.handler import ExceptionHandler as StandardizedExceptionHandler
from rest_framework import exceptions, serializers, status

from api.parsers import RequestTooLarge
from project.errors import RETRY_AFTER_SECONDS
from project.views import database_unavailable
from statements.conflicts import RecordInUseError, StaleRecordError


class Conflict(exceptions.APIException):
    """The request conflicts with the data as it stands (a delete others depend on, a duplicate)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with existing data."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    """The record changed since the version the request's If-Match names; nothing was written."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record changed since the version the If-Match header names."
    default_code = "precondition_failed"


class DatabaseUnavailable(exceptions.APIException):
    """The database cannot be reached (or, on SQLite, stayed locked): nothing was done; try again shortly."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is not reachable; try again shortly."
    default_code = "service_unavailable"
    wait = RETRY_AFTER_SECONDS


def _dependents(error: ProtectedError | RestrictedError) -> str:
    objects = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
    counts = Counter(str(obj._meta.verbose_name_plural) for obj in objects)
    return ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))


class ExceptionHandler(StandardizedExceptionHandler):
    """Turns domain errors into API errors: invalid fields 400, refused deletes 409, stale writes 412, the
    database out of reach 503 with Retry-After."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if database_unavailable(exc):
            return DatabaseUnavailable()
        if isinstance(exc, RequestDataTooBig):
            # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE when the REST framework reads it, before
            # the project's parser can; the answer is the same.
            return RequestTooLarge(f"The request body is over the limit of {settings.API_MAX_REQUEST_BYTES} bytes.")
        if isinstance(exc, StaleRecordError):
            return PreconditionFailed(stale_record_detail(exc.instance, exc.current_version))
        if isinstance(exc, RecordInUseError):
            return Conflict(exc.messages[0])
        if isinstance(exc, DjangoValidationError):
            return exceptions.ValidationError(detail=serializers.as_serializer_error(exc))
        if isinstance(exc, ProtectedError | RestrictedError):
            return Conflict(f"This record cannot be deleted while other records depend on it: {_dependents(exc)}.")
        if isinstance(exc, IntegrityError):
            return Conflict("The request conflicts with existing data.")
        return super().convert_known_exceptions(exc)


def stale_record_detail(record, current_version: int | None) -> str:
    """What a client whose If-Match is out of date needs to know: the record's current ETag, if it still exists."""
    name = record._meta.verbose_name
    if current_version is None:
        return f"The {name} no longer exists; nothing was changed."
    return (
        f"The {name} has changed since the version you sent in If-Match: it is now at version {current_version} "
        f'(ETag "{current_version}"). Read it again and reapply your change; nothing was changed.'
    )
