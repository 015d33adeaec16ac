"""How django-axes tells who is trying to log in, and how it refuses a locked-out one."""

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpResponse

from project.errors import error_response


def client_ip(request) -> str:
    """The address a login came from: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front the address
    the outermost of them saw (proxies append to X-Forwarded-For; what a client wrote itself comes first)."""
    if settings.TRUSTED_PROXY_COUNT > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= settings.TRUSTED_PROXY_COUNT:
            return forwarded[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")


def login_username(request, credentials) -> str | None:
    """The account a login is for: from the credentials authenticate() got, whatever form or API sent them."""
    if credentials and credentials.get("username"):
        return credentials["username"]
    data = getattr(request, "data", None) or request.POST
    return data.get("username") if hasattr(data, "get") else None


def lockout_response(request, response=None, credentials=None) -> HttpResponse:
    """429 with Retry-After: in the API's error shape under /api/, plain text on the login pages."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else None
    wait = f"in {max(seconds // 60, 1)} minutes" if seconds else "later"
    detail = f"Too many failed logins from this address or for this account; try again {wait}."
    return error_response(request, 429, "locked_out", detail, retry_after=seconds)
