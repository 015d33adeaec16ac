"""gunicorn's own error answers (a request line over 8,190 bytes, headers too large, a malformed request)
in the API's error shape, instead of gunicorn's HTML page.

gunicorn answers these before any application code runs and has no hook for their format; it writes
them with `gunicorn.util.write_error`, which `gunicorn.conf.py` replaces with `write_error` below when
the server starts (the workers inherit it).
"""

import json

from gunicorn import util

from project.errors import error_document

#: The error code of each status gunicorn answers itself.
CODES = {400: "bad_request", 403: "forbidden", 414: "request_line_too_long", 431: "request_headers_too_large"}


def write_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """What gunicorn.util.write_error writes, as JSON: {"type", "errors": [{"code", "detail", "attr"}]}."""
    detail = {
        414: "The request line is longer than the 8,190 bytes the server reads; send fewer filter values.",
        431: "The request's headers are larger than the server reads.",
    }.get(status_int, mesg or reason)
    body = json.dumps(error_document(status_int, CODES.get(status_int, "error"), detail)).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("latin1")
    util.write_nonblock(sock, head + body)


def install() -> None:
    util.write_error = write_error
