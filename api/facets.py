"""Facets over HTTP: `facets/` beside the statement and communication lists, taking every filter they take.

`facet` names what to count (repeat it), `facet_size` how many values each gives. Each value comes
as the brief a list embeds, with its count and the URLs of the list and of the facets narrowed to
it. The counting itself is `statements.facets`.
"""

import calendar
import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.csv_output import csv_response
from api.links import ApiLinks, api_links
from api.serializers.briefs import actor_brief, communication_brief, place_brief, source_brief, topic_brief
from statements.facets import DEFAULT_FACET_SIZE, FACETS, MAX_FACET_SIZE, FacetResult, facet_counts
from statements.models import Actor, Communication, Place, Source, Topic

FACET_PARAMETER = "facet"
FACET_SIZE_PARAMETER = "facet_size"

#: How the value of each kind of record facet is looked up and written: model, columns, brief.
RECORD_BRIEFS = {
    "actor": (Actor, ("name", "kind"), actor_brief),
    "topic": (Topic, ("slug", "name"), topic_brief),
    "place": (Place, ("name", "kind"), place_brief),
    "source": (Source, ("title", "url"), source_brief),
    "communication": (Communication, ("kind", "title", "date", "date_precision"), communication_brief),
}

#: Query parameters a narrowed URL leaves out: how the answer is written, not which records it holds.
PRESENTATION_PARAMETERS = ("format", "bom", "cursor", "count")


def facet_parameters(model) -> list[OpenApiParameter]:
    """The schema of the parameters a facets endpoint takes besides its list's filters."""
    return [
        OpenApiParameter(
            FACET_PARAMETER,
            OpenApiTypes.STR,
            many=True,
            required=True,
            enum=list(FACETS[model]),
            description="What to count; repeat it for several facets.",
        ),
        OpenApiParameter(
            FACET_SIZE_PARAMETER,
            OpenApiTypes.INT,
            description=f"Values per facet, the most frequent first (default {DEFAULT_FACET_SIZE}, "
            f"at most {MAX_FACET_SIZE}).",
        ),
    ]


def facets_action(model, serializer_class, noun: str, filterset_class):
    """The `facets` list action of a viewset of `model`, filtered by `filterset_class`, documented with
    `serializer_class`."""
    # A search counts every match: ranking, and the window of newest matches it ranks, are for pages.
    counting_filterset = type(
        f"Counting{filterset_class.__name__}",
        (filterset_class,),
        {"ranks_by_default": False, "__module__": filterset_class.__module__, "__doc__": filterset_class.__doc__},
    )

    @extend_schema(
        operation_id=f"{noun}s_facets",
        summary=f"Facets of the {noun}s the filters select",
        description=(
            f"Counts, over every {noun} the filters (and `q`) select, the most frequent values of each `facet` "
            "asked for: a speaker, a topic, a month… Each value comes as the brief a list embeds, with how many "
            f"{noun}s have it and the URLs of the list and of these facets narrowed to it. A topic counts what is "
            "about it or a narrower topic, as the `topic` filter selects; a month or year, the records dated in it "
            "(a date known only to its year counts in its January, as date ranges treat it). With `format=csv` "
            "or `Accept: text/csv`, one row per value. Counts that take long to make (the whole archive's) are "
            "kept, and may be up to a minute behind the archive (the server's `API_FACETS_STALE_SECONDS`)."
        ),
        parameters=facet_parameters(model),
        filters=True,
        responses=serializer_class,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=counting_filterset)
    def facets(self, request):
        names, size = facets_asked(request, model)
        queryset = self.filter_queryset(self.get_queryset())
        results = facet_counts(queryset, names, size, stale_for=settings.API_FACETS_STALE_SECONDS)
        document = represent_facets(results, request, self.filterset_class, model)
        if self.wants_csv():
            return csv_response(
                FACET_CSV_COLUMNS, facet_csv_rows(document), filename=f"{noun}-facets.csv", request=request
            )
        return Response(document)

    return facets


def facets_asked(request, model) -> tuple[list[str], int]:
    """The facets the request names, in order and once each, and the values each is to give; 400 otherwise."""
    choices = FACETS[model]
    names = list(dict.fromkeys(request.query_params.getlist(FACET_PARAMETER)))
    valid = ", ".join(choices)
    if not names:
        raise ValidationError({FACET_PARAMETER: [f"Name at least one facet: {valid}."]})
    unknown = [name for name in names if name not in choices]
    if unknown:
        raise ValidationError({FACET_PARAMETER: [f"{name} is not one of the choices: {valid}." for name in unknown]})
    raw = request.query_params.get(FACET_SIZE_PARAMETER)
    if raw in (None, ""):
        return names, DEFAULT_FACET_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_FACET_SIZE:
        raise ValidationError({FACET_SIZE_PARAMETER: [f"A whole number from 1 to {MAX_FACET_SIZE} is required."]})
    return names, int(raw)


def represent_facets(results: list[FacetResult], request, filterset_class, model) -> dict:
    """The facets document: each facet's values as briefs with counts and narrowed URLs, one query per kind of
    record counted (the speakers and the intermediaries, both actors, are read together)."""
    links = api_links({"request": request})
    list_url = request.build_absolute_uri(reverse(f"api:{model._meta.model_name}-list"))
    facets_url = request.build_absolute_uri(request.path)
    briefs = _record_briefs(results, links)
    facets = {}
    for result in results:
        facet = result.facet
        if facet.value_kind in RECORD_BRIEFS:
            values = briefs.get(facet.value_kind, {})
        else:
            values = _values(result, filterset_class)
        given = set(request.query_params.getlist(facet.parameter))
        to_list, to_facets = _narrowing(request, list_url, facet, False), _narrowing(request, facets_url, facet, True)
        facets[facet.name] = {
            "description": facet.description,
            "results": [
                {
                    "value": values[counted.value],
                    "count": counted.count,
                    "selected": facet.value_kind != "period" and str(counted.value) in given,
                    "list_url": to_list(counted.value),
                    "facets_url": to_facets(counted.value),
                }
                for counted in result.values
                if counted.value in values
            ],
            "truncated": result.truncated,
        }
    return {"facets": facets}


def _record_briefs(results: list[FacetResult], links: ApiLinks) -> dict[str, dict]:
    """The briefs of every record counted, by kind of record and id: one query per kind."""
    wanted: dict[str, set] = {}
    for result in results:
        if result.facet.value_kind in RECORD_BRIEFS:
            wanted.setdefault(result.facet.value_kind, set()).update(value.value for value in result.values)
    briefs = {}
    for kind, ids in wanted.items():
        model, columns, brief = RECORD_BRIEFS[kind]
        rows = model.objects.filter(pk__in=ids).order_by().values_list("pk", *columns)
        briefs[kind] = {row[0]: brief(links, *row) for row in rows}
    return briefs


def _values(result: FacetResult, filterset_class) -> dict:
    """The representation of each counted choice or period, by value."""
    facet, counted = result.facet, [value.value for value in result.values]
    if facet.value_kind == "period":
        return {value: _period(value, facet.name) for value in counted}
    labels = dict(filterset_class.base_filters[facet.parameter].extra["choices"])
    return {value: {"value": value, "label": str(labels.get(value, value))} for value in counted}


def _period(start: datetime.date, kind: str) -> dict:
    if kind == "year":
        return {"value": f"{start:%Y}", "label": f"{start:%Y}", "start": start, "end": start.replace(month=12, day=31)}
    last = calendar.monthrange(start.year, start.month)[1]
    return {"value": f"{start:%Y-%m}", "label": f"{start:%B %Y}", "start": start, "end": start.replace(day=last)}


def _narrowing(request, address: str, facet, keep_facets: bool):
    """A function giving `address` with the request's filters narrowed to one value of `facet`.

    The filters the value leaves as they are are encoded once per facet, not once per value.
    """
    parameters = request.query_params.copy()
    for name in PRESENTATION_PARAMETERS if keep_facets else (*PRESENTATION_PARAMETERS, "facet", "facet_size"):
        parameters.pop(name, None)
    if facet.value_kind != "period":
        parameters.pop(facet.parameter, None)
        prefix = f"{address}?{parameters.urlencode(safe=',')}&" if parameters else f"{address}?"
        return lambda value: prefix + urlencode({facet.parameter: value})
    after, before = parameters.pop("date_after", [""])[-1], parameters.pop("date_before", [""])[-1]
    prefix = f"{address}?{parameters.urlencode(safe=',')}&" if parameters else f"{address}?"

    def narrowed(value) -> str:
        period = _period(value, facet.name)
        start = max(period["start"], datetime.date.fromisoformat(after)) if after else period["start"]
        end = min(period["end"], datetime.date.fromisoformat(before)) if before else period["end"]
        return prefix + urlencode({"date_after": start.isoformat(), "date_before": end.isoformat()})

    return narrowed


FACET_CSV_COLUMNS = ["facet", "value", "label", "count", "list_url"]


def facet_csv_rows(document: dict):
    """One row per value of each facet: its id or value, its name or label, its count, its narrowed list."""
    for name, facet in document["facets"].items():
        for result in facet["results"]:
            value = result["value"]
            key = value.get("id", value.get("value"))
            label = value.get("name") or value.get("title") or value.get("label") or ""
            yield [name, key, label, result["count"], result["list_url"]]
