"""Request body parsing: JSON only, with a size limit."""

from django.conf import settings
from rest_framework import exceptions, parsers, status


class RequestTooLarge(exceptions.APIException):
    """The request body is over API_MAX_REQUEST_BYTES."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


class BoundedJSONParser(parsers.JSONParser):
    """JSON parser that refuses bodies over API_MAX_REQUEST_BYTES with 413, declared or not."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_REQUEST_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise RequestTooLarge(f"The request body is over the limit of {limit} bytes.")
        return super().parse(stream, media_type, parser_context)
