"""The benchmark's ceiling: the API's queries answered by plain Django views, `.values()` rows written by orjson.

No REST framework, no serializers, no filter sets, no permissions or throttles: parameters are
read by hand and rows go out as the database gives them. The SQL is the API's own (the same
selectors and the same page of ids first), so the gap between the two is what the API's layers cost.
Only what the benchmark asks is understood.
"""

import base64
import datetime
import json

import orjson
from django.db.models import F, Q
from django.http import Http404, HttpResponse
from django.urls import path

from statements import selectors
from statements.models import Actor, ActorAlias, Communication, Participation, Source, Statement
from statements.models.base import DateKey
from statements.search import full_text_search

PAGE_SIZE = 50


def _json(data) -> HttpResponse:
    return HttpResponse(orjson.dumps(data, default=str), content_type="application/json")


def _page_of_ids(queryset, request) -> list[int]:
    """Ids of the first page after the cursor, newest first (or by rank when searching), as the API pages."""
    if "q" in request.GET:
        queryset = full_text_search(queryset, request.GET["q"], rank_window=10_000)
        return list(queryset.order_by("-search_rank", "-id").values_list("id", flat=True)[:PAGE_SIZE])
    queryset = queryset.alias(date_key=DateKey())
    if "cursor" in request.GET:
        raw = request.GET["cursor"]
        values = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))["values"]
        day, pk = datetime.date.fromisoformat(values[0]), values[1]
        queryset = queryset.filter(Q(date_key__lte=day) & (Q(date_key__lt=day) | Q(date_key=day, id__lt=pk)))
    return list(queryset.order_by("-date_key", "-id").values_list("id", flat=True)[: PAGE_SIZE + 1])[:PAGE_SIZE]


def _statements(ids: list[int]) -> list[dict]:
    rows = selectors.statement_rows(ids)
    return [rows[pk] for pk in ids]


#: What the benchmark's anonymous client may read: verified statements (see selectors.statements_visible_to).
PUBLIC_STATEMENTS = selectors.statements_visible_to(None, Statement.objects.all())


def statement_list(request):
    statements = PUBLIC_STATEMENTS.all()
    if "speaker" in request.GET:
        statements = statements.filter(speaker_id=int(request.GET["speaker"]))
    if "topic" in request.GET:
        topics = selectors.topic_ids_with_descendants([int(request.GET["topic"])])
        statements = selectors.about_topics(statements, topics)
    bounds = {
        f"date_key__{lookup}": request.GET[name]
        for name, lookup in (("date_after", "gte"), ("date_before", "lte"))
        if name in request.GET
    }
    if bounds:
        statements = statements.alias(date_key=DateKey()).filter(date__isnull=False, **bounds)
    return _json({"results": _statements(_page_of_ids(statements, request))})


def statement_detail(request, pk: int):
    statements = _statements([pk]) if PUBLIC_STATEMENTS.filter(pk=pk).exists() else []
    if not statements:
        raise Http404
    return _json(statements[0])


def _communications(ids: list[int]) -> list[dict]:
    rows = selectors.communication_rows(ids)
    return [rows[pk] for pk in ids]


def communication_list(request):
    communications = Communication.objects.all()
    for actor in request.GET.getlist("participant"):
        communications = communications.filter(
            pk__in=Participation.objects.filter(actor_id=int(actor)).values("communication_id")
        )
    return _json({"results": _communications(_page_of_ids(communications, request))})


def communication_detail(request, pk: int):
    return _json(_communications([pk])[0])


def _actors(queryset) -> list[dict]:
    rows = list(
        queryset.values(
            *(field.attname for field in Actor._meta.concrete_fields),
            "affiliation__name",
            "affiliation__kind",
            "merged_into__name",
            "merged_into__kind",
        )
    )
    aliases = {}
    for actor_id, name in ActorAlias.objects.filter(actor_id__in=[row["id"] for row in rows]).values_list(
        "actor_id", "name"
    ):
        aliases.setdefault(actor_id, []).append(name)
    return [row | {"aliases": aliases.get(row["id"], [])} for row in rows]


def actor_list(request):
    actors = selectors.actor_search(Actor.objects.filter(merged_into__isnull=True), request.GET.get("q", ""))
    return _json({"count": actors.count(), "results": _actors(actors.order_by("name", "id")[:PAGE_SIZE])})


def actor_detail(request, pk: int):
    return _json(_actors(Actor.objects.filter(pk=pk))[0])


def _sources(queryset, *, body: bool) -> list[dict]:
    columns = [field.attname for field in Source._meta.concrete_fields if body or field.name != "body"]
    rows = list(queryset.values(*columns, publisher_name=F("publisher__name"), publisher_kind=F("publisher__kind")))
    authors = {}
    for source_id, *author in Source.authors.through.objects.filter(
        source_id__in=[row["id"] for row in rows]
    ).values_list("source_id", "actor_id", "actor__name", "actor__kind"):
        authors.setdefault(source_id, []).append(author)
    return [row | {"authors": authors.get(row["id"], [])} for row in rows]


def source_list(request):
    sources = Source.objects.all()
    return _json({"count": sources.count(), "results": _sources(sources[:PAGE_SIZE], body=False)})


def source_detail(request, pk: int):
    return _json(_sources(Source.objects.filter(pk=pk), body=True)[0])


urlpatterns = [
    path("statements/", statement_list),
    path("statements/<int:pk>/", statement_detail),
    path("communications/", communication_list),
    path("communications/<int:pk>/", communication_detail),
    path("actors/", actor_list),
    path("actors/<int:pk>/", actor_detail),
    path("sources/", source_list),
    path("sources/<int:pk>/", source_detail),
]
