"""Request body parsing: JSON only, with a size limit."""

import io

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
        body = stream.read()
        if declared and declared.isdigit() and len(body) < int(declared):
            # The client gave up (or lied) before sending the whole body: acting on a part of it would
            # commit a request its client thinks failed, and its retry would do it twice.
            raise exceptions.ParseError(
                f"The request body ended after {len(body)} of the {declared} bytes its Content-Length announced."
            )
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            # Python's JSON reader recurses once per level; thousands of nested brackets exhaust the stack.
            raise exceptions.ParseError("JSON parse error - the document is nested too deeply.") from None
