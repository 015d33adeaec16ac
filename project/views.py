"""The front page, and answers for requests no view could answer: server errors, the database out of reach."""

import sys

from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.shortcuts import redirect, render
from django.templatetags.static import static

from project.errors import RETRY_AFTER_SECONDS, error_response
from statements import selectors
from statements.models import Actor, Communication, Source, Statement


def database_unavailable(error: BaseException | None) -> bool:
    """Whether an error means the database cannot be reached (or is too busy), not that a request is wrong."""
    return isinstance(error, OperationalError | InterfaceError)


def server_error(request):
    """Django's handler500: 503 with Retry-After while the database is out of reach, else 500; JSON in the
    API's error shape under /api/, plain text elsewhere. The traceback is logged by django.request."""
    if database_unavailable(sys.exc_info()[1]):
        detail = "The database is not reachable; try again shortly."
        return error_response(request, 503, "service_unavailable", detail, retry_after=RETRY_AFTER_SECONDS)
    return error_response(request, 500, "error", "A server error occurred.")


#: Seconds the front page's counts are kept: counting a large archive is a scan of its tables.
HOME_COUNTS_SECONDS = 300


def home(request):
    """What this is, with links to the API, its documentation, the export and the admin, and the dataset's size."""

    def counts() -> dict[str, str]:
        public = selectors.statements_visible_to(None, Statement.objects.all())
        numbers = {
            "statements": public.count(),
            "actors": Actor.objects.filter(merged_into__isnull=True).count(),
            "communications": Communication.objects.count(),
            "sources": Source.objects.count(),
        }
        return {name: f"{number:,}" for name, number in numbers.items()}

    return render(request, "home.html", {"counts": cache.get_or_set("home-counts", counts, HOME_COUNTS_SECONDS)})


def favicon(request):
    """The project's icon, for browsers that ask /favicon.ico (a temporary redirect: its hashed name changes)."""
    return redirect(static("statements/favicon.svg"))
