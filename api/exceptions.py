"""One error format for the whole API, whatever layer raised the error."""

from collections import Counter

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from drf_standardized_errors.handler import ExceptionHandler as StandardizedExceptionHandler
from rest_framework import exceptions, serializers, status


class Conflict(exceptions.APIException):
    """The request conflicts with the data as it stands (a delete others depend on, a duplicate)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with existing data."
    default_code = "conflict"


def _dependents(error: ProtectedError | RestrictedError) -> str:
    objects = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
    counts = Counter(str(obj._meta.verbose_name_plural) for obj in objects)
    return ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))


class ExceptionHandler(StandardizedExceptionHandler):
    """Turns domain errors into API errors: field validation into 400, refused deletes into 409."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, DjangoValidationError):
            return exceptions.ValidationError(detail=serializers.as_serializer_error(exc))
        if isinstance(exc, ProtectedError | RestrictedError):
            return Conflict(f"This record cannot be deleted while other records depend on it: {_dependents(exc)}.")
        if isinstance(exc, IntegrityError):
            return Conflict("The request conflicts with existing data.")
        return super().convert_known_exceptions(exc)
