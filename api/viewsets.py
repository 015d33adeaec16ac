"""The viewset every resource derives from: writes through `statements.services`, version checks with
ETags, CSV on request, and errors in the API's shape."""

from collections.abc import Callable
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.csv_output import (
    BATCH_SIZE,
    BOM_PARAMETER,
    CSVRenderer,
    FormatFirstNegotiation,
    columns_of,
    csv_response,
    record_rows,
)
from api.exceptions import PreconditionFailed, stale_record_detail
from api.facets import FACET_PARAMETER, FACET_SIZE_PARAMETER
from api.filters import OrderingFilter, refuse_unknown
from api.pagination import KeysetPagination, PageNumberPagination
from api.serializers.history import HistoryEntrySerializer
from statements import selectors, services
from statements.history import history_entries, history_of, record_before
from statements.models import Statement

#: Ids in URLs: digits that fit a 64-bit key, so a huge number is a 404 rather than a database error.
ID_PATTERN = r"[0-9]{1,18}"


class ServiceModelViewSet(viewsets.ModelViewSet):
    """A resource whose writes call a domain service; subclasses only declare which.

    `create_service(**validated_data)` and `update_service(<instance_argument>=instance,
    **validated_data)` validate, save and raise Django's ValidationError, which the
    exception handler reports field by field. The response is read back through
    `get_queryset()` so a write returns exactly what a later read would.
    """

    create_service: Callable[..., Any]
    update_service: Callable[..., Any]
    instance_argument: str
    #: Where changes and deletes find their record, when `queryset` loads less than the whole row (lists
    #: page on narrow rows and their serializers fetch what they show); the services need all of it.
    write_queryset = None
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    content_negotiation_class = FormatFirstNegotiation

    def get_queryset(self):
        return self.readable(self.unrestricted_queryset())

    def unrestricted_queryset(self):
        """The action's records before `readable`: what a write reads its record back from."""
        if self.action in WRITE_ACTIONS and self.write_queryset is not None:
            return self.write_queryset.all()
        return super().get_queryset()

    def readable(self, queryset):
        """The records of `queryset` the requesting user may see: of statements, only the verified ones
        unless the user may see unreviewed statements. Every read of statements goes through here."""
        if queryset.model is Statement:
            return selectors.statements_visible_to(self.request.user, queryset)
        return queryset

    def filter_queryset(self, queryset):
        # A record's address names it: list filters in its query string do not apply (nor cost a form).
        if self.action in RECORD_ACTIONS | WRITE_ACTIONS:
            return queryset
        self.refuse_unknown_parameters()
        return super().filter_queryset(queryset)

    def refuse_unknown_parameters(self) -> None:
        """A list refuses query parameters it does not read, naming them and what it reads instead: a
        misspelt or invented filter (`?speaker__name=…`) would else be ignored and everything listed."""
        filterset_class = getattr(self, "filterset_class", None)
        known = set(filterset_class.parameters()) if filterset_class is not None else set()
        paginator = self.paginator
        for attribute in (
            "cursor_query_param",
            "page_query_param",
            "page_size_query_param",
            "ordering_query_param",
            "count_query_param",
        ):
            if getattr(paginator, attribute, None):
                known.add(getattr(paginator, attribute))
        if getattr(self, "ordering_fields", None) is not None or OrderingFilter in self.filter_backends:
            known.add("ordering")
        known.add(api_settings.URL_FORMAT_OVERRIDE or "format")
        if self.wants_csv():
            known.add(BOM_PARAMETER)
        if self.action == "facets":
            known.update({FACET_PARAMETER, FACET_SIZE_PARAMETER})
        refuse_unknown(self.request.query_params, known)

    # Lists as CSV: every record the filters select, streamed (api.csv_output).

    def get_renderers(self):
        renderers = super().get_renderers()
        # Without an action (a method the address does not take), the answer is an error, written as JSON.
        if self.action in CSV_ACTIONS or self.action is None:
            renderers.append(CSVRenderer())
        return renderers

    def wants_csv(self) -> bool:
        """Whether the request asked for CSV, by `format=csv` or its Accept header."""
        return isinstance(getattr(self.request, "accepted_renderer", None), CSVRenderer)

    def list(self, request, *args, **kwargs):
        if self.wants_csv():
            return self.csv_list(self.filter_queryset(self.get_queryset()))
        return super().list(request, *args, **kwargs)

    def csv_list(self, queryset):
        """The whole filtered list as a CSV download, in the list's order, read and written in batches."""
        paginator = self.paginator
        if isinstance(paginator, KeysetPagination):
            batches = paginator.batches(queryset, self.request, BATCH_SIZE)
        else:
            batches = _chunks(queryset.iterator(chunk_size=BATCH_SIZE), BATCH_SIZE)
        serializer = self.get_serializer()
        represented = (self.get_serializer(batch, many=True).data for batch in batches)
        name = queryset.model._meta.verbose_name_plural.replace(" ", "-")
        columns = columns_of(serializer)
        return csv_response(
            [column.name for column in columns],
            record_rows(represented, columns),
            filename=f"{name}.csv",
            request=self.request,
        )

    def service_arguments(self) -> dict[str, Any]:
        """Arguments every service call of this resource gets besides the validated data: who is writing."""
        return {"user": self.request.user}

    def perform_create(self, serializer):
        record = type(self).create_service(**serializer.validated_data, **self.service_arguments())
        # Whoever wrote the record gets it back, whether or not they may see it in lists (a draft).
        serializer.instance = self.unrestricted_queryset().get(pk=record.pk)

    def perform_update(self, serializer):
        expected_version = self.if_match_version(serializer.instance)
        if not services.record_would_change(serializer.instance, serializer.validated_data):
            # Nothing to write (an empty PATCH, read-only fields only, the values stored already): no new
            # version, no history entry. The record is answered as it stands.
            serializer.instance = self.unrestricted_queryset().get(pk=serializer.instance.pk)
            return
        arguments = {self.instance_argument: serializer.instance, **serializer.validated_data}
        arguments["expected_version"] = expected_version
        record = type(self).update_service(**arguments, **self.service_arguments())
        serializer.instance = self.unrestricted_queryset().get(pk=record.pk)

    def perform_destroy(self, instance):
        services.record_delete(
            instance=instance, expected_version=self.if_match_version(instance), user=self.request.user
        )

    # Conditional requests: the ETag of a record is its version; If-Match makes a write wait for none.

    def get_object(self):
        record = super().get_object()
        self.represented_record = record
        return record

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        if etag_listed(request.headers.get("If-None-Match", ""), record_etag(record), weak=True):
            return Response(status=status.HTTP_304_NOT_MODIFIED)
        return Response(self.get_serializer(record).data)

    def if_match_version(self, record) -> int | None:
        """The version a write must find the record at: the one If-Match names, or None without If-Match.

        Checked once the body is valid (an invalid body is a 400 whatever the version), then again by the
        service, atomically with the write.
        """
        header = self.request.headers.get("If-Match")
        if header is None or header.strip() == "*":
            return None
        if not etag_listed(header, record_etag(record)):
            if header.strip().isdigit():
                raise PreconditionFailed(
                    f'An ETag is quoted: send If-Match: "{header.strip()}" (the record is at version '
                    f'{record.version}, ETag "{record.version}"); nothing was changed.'
                )
            # Malformed and weak tags never match: RFC 9110 compares If-Match strongly.
            raise PreconditionFailed(stale_record_detail(record, record.version))
        return record.version

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(getattr(request, "accepted_renderer", None), CSVRenderer) and isinstance(response, Response):
            # Only records are written as CSV: an error is the API's JSON error document, whatever was asked for.
            request.accepted_renderer = self.get_renderers()[0]
            request.accepted_media_type = request.accepted_renderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code in {200, 201, 304} and self.action in RECORD_ACTIONS:
            serializer_record = getattr(response.data, "serializer", None)
            record = getattr(serializer_record, "instance", None) or getattr(self, "represented_record", None)
            if record is not None:
                response["ETag"] = record_etag(record)
        return response

    @extend_schema(
        summary="Edit history of the record",
        description=(
            "Every change made to the record, newest first: when, whether it was created, changed or deleted, "
            "by whom, why (for commands, imports and restores), and the fields it changed with their values "
            "before and after. To-many relations are listed as ids."
        ),
        responses=HistoryEntrySerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get"],
        serializer_class=HistoryEntrySerializer,
        filter_backends=[],
        pagination_class=PageNumberPagination,
    )
    def history(self, request, pk=None):
        model = self.get_queryset().model
        get_object_or_404(self.readable(model.objects.only("pk")), pk=pk)
        page = self.paginate_queryset(history_of(model, pk))
        entries = history_entries(page, record_before(page[-1]) if page else None)
        return self.get_paginated_response(self.get_serializer(entries, many=True).data)

    def paginated_list(self, queryset):
        """A page of the queryset, filtered by the action's filter set."""
        queryset = self.filter_queryset(queryset)
        if self.wants_csv():
            return self.csv_list(queryset)
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)


#: Actions that list records, and so may answer in CSV.
CSV_ACTIONS = {"list", "statements", "communications", "facets"}


def _chunks(records, size: int):
    chunk = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


#: Actions that hand their record to a service.
WRITE_ACTIONS = {"update", "partial_update", "destroy"}

#: Actions whose response represents one record, and so carries its ETag.
RECORD_ACTIONS = {"create", "retrieve", "update", "partial_update"}


def record_etag(record) -> str:
    """A record's ETag: its version, quoted. Strong: every write raises the version."""
    return f'"{record.version}"'


def etag_listed(header: str, etag: str, *, weak: bool = False) -> bool:
    """Whether an If-Match or If-None-Match header value lists `etag` (or is "*"); `weak` ignores W/ prefixes."""
    listed = [tag.strip() for tag in header.split(",")]
    if weak:
        listed = [tag.removeprefix("W/") for tag in listed]
    return "*" in listed or etag in listed


#: Options for nested statement lists: statement filters, keyset pages, the statement representation.
