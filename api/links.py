"""Absolute URLs of API records, built without a `reverse()` per record."""

from django.urls import reverse

from statements.selectors import PUBLIC, Audience


class ApiLinks:
    """The `api_url` of records of each resource: one `reverse()` per resource and request, then concatenation.

    Gives what DRF's HyperlinkedIdentityField gives (`http://host/api/v1/actors/7/`), or the path alone
    when there is no request.
    """

    def __init__(self, request):
        self.request = request
        self.prefixes: dict[str, str] = {}

    def detail(self, basename: str, pk) -> str:
        prefix = self.prefixes.get(basename)
        if prefix is None:
            path = reverse(f"api:{basename}-list")
            prefix = self.request.build_absolute_uri(path) if self.request is not None else path
            self.prefixes[basename] = prefix
        return f"{prefix}{pk}/"


def api_links(context: dict) -> ApiLinks:
    """The links of the request a serializer context is for, made once per request."""
    request = context.get("request")
    if request is None:
        return ApiLinks(None)
    links = getattr(request, "_api_links", None)
    if links is None:
        links = ApiLinks(request)
        request._api_links = links
    return links


def reader_audience(context: dict) -> Audience:
    """What the reader of a serializer context may see (the public, without a request)."""
    user = getattr(context.get("request"), "user", None)
    return Audience.of(user) if user is not None else PUBLIC
