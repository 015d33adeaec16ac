"""Viewsets: declarative resources whose writes go through `statements.services`."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
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
from api.facets import FACET_PARAMETER, FACET_SIZE_PARAMETER, facets_action
from api.filtersets import (
    ActorFilterSet,
    ActorMergeFilterSet,
    CommunicationFilterSet,
    OrderingFilter,
    PlaceFilterSet,
    PositionFilterSet,
    SourceFilterSet,
    StatementFilterSet,
    TopicFilterSet,
    refuse_unknown,
)
from api.pagination import KeysetPagination, PageNumberPagination
from api.parsers import BoundedJSONParser
from api.permissions import CanMergeActors
from api.serializers.actors import ActorSerializer
from api.serializers.communications import CommunicationSerializer
from api.serializers.extraction import ExtractionResultSerializer
from api.serializers.facets import CommunicationFacetsSerializer, StatementFacetsSerializer
from api.serializers.history import DeletedStatementSerializer, HistoryEntrySerializer
from api.serializers.merging import ActorMergeRequestSerializer, ActorMergeSerializer
from api.serializers.places import PlaceSerializer
from api.serializers.positions import PositionSerializer
from api.serializers.sources import SourceSerializer, SourceSummarySerializer
from api.serializers.statements import StatementSerializer
from api.serializers.topics import TopicSerializer
from project.errors import error_document
from statements import selectors, services
from statements.history import deleted_records, history_entries, history_of, record_before
from statements.models import Actor, ActorMerge, Communication, Source, Statement

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
STATEMENT_LIST_ACTION = {
    "detail": True,
    "methods": ["get"],
    "queryset": selectors.statement_list(),
    "serializer_class": StatementSerializer,
    "filterset_class": StatementFilterSet,
    "filter_backends": [DjangoFilterBackend],
    "pagination_class": KeysetPagination,
}


class ActorViewSet(ServiceModelViewSet):
    """People, organisations, government bodies, media outlets, groups and unnamed sources."""

    queryset = selectors.actor_list()
    serializer_class = ActorSerializer
    filterset_class = ActorFilterSet
    ordering_fields = {"name": "name", "created": "created_at", "updated": "updated_at"}
    create_service = services.actor_create
    update_service = services.actor_update
    instance_argument = "actor"

    @extend_schema(summary="Statements the actor made", responses=StatementSerializer(many=True))
    @action(**STATEMENT_LIST_ACTION)
    def statements(self, request, pk=None):
        actor = get_object_or_404(Actor, pk=pk)
        return self.paginated_list(self.get_queryset().filter(speaker=actor))

    @extend_schema(summary="Communications the actor took part in", responses=CommunicationSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        queryset=selectors.communication_list(),
        serializer_class=CommunicationSerializer,
        filterset_class=CommunicationFilterSet,
        filter_backends=[DjangoFilterBackend],
        pagination_class=KeysetPagination,
    )
    def communications(self, request, pk=None):
        actor = get_object_or_404(Actor, pk=pk)
        queryset = selectors.communication_list().filter(pk__in=actor.participations.values("communication_id"))
        return self.paginated_list(queryset)

    @extend_schema(
        summary="Merge the actor into another",
        description="Every reference to this actor moves to `into`, in one transaction. This actor stays, with "
        "`merged_into` set, so its address keeps answering; lists leave it out unless `include_merged=true`. "
        "Needs the permission to change actors. Undo it with `POST /api/v1/actor-merges/{id}/undo/`.",
        request=ActorMergeRequestSerializer,
        responses=ActorMergeSerializer,
    )
    @action(detail=True, methods=["post"], permission_classes=[CanMergeActors], filter_backends=[])
    def merge(self, request, pk=None):
        actor = get_object_or_404(Actor, pk=pk)
        serializer = ActorMergeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        merge = services.actor_merge(merged=actor, into=serializer.validated_data["into"], user=request.user)
        return Response(ActorMergeSerializer(merge, context=self.get_serializer_context()).data)


class ActorMergeViewSet(viewsets.ReadOnlyModelViewSet):
    """Merges of duplicate actors, newest first; undoing one needs the permission to change actors."""

    queryset = ActorMerge.objects.select_related("merged", "into", "merged_by", "undone_by")
    serializer_class = ActorMergeSerializer
    filterset_class = ActorMergeFilterSet
    permission_classes = [CanMergeActors]
    lookup_value_regex = ID_PATTERN

    @extend_schema(
        summary="Undo the merge",
        description="The rows the merge moved that still point at the actor kept move back, and the duplicate is "
        "itself again. Merges are undone newest first: a kept actor merged again since must be unmerged first.",
        request=None,
        responses=ActorMergeSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def undo(self, request, pk=None):
        merge = services.actor_merge_undo(merge=self.get_object(), user=request.user)
        return Response(self.get_serializer(merge).data)


class PositionViewSet(ServiceModelViewSet):
    """Titles actors held, and when."""

    queryset = selectors.position_list()
    serializer_class = PositionSerializer
    filterset_class = PositionFilterSet
    ordering_fields = {"start_date": "start_date", "created": "created_at", "updated": "updated_at"}
    create_service = services.position_create
    update_service = services.position_update
    instance_argument = "position"


class PlaceViewSet(ServiceModelViewSet):
    """Countries, regions, cities and sites."""

    queryset = selectors.place_list()
    serializer_class = PlaceSerializer
    filterset_class = PlaceFilterSet
    ordering_fields = {"name": "name", "created": "created_at", "updated": "updated_at"}
    create_service = services.place_create
    update_service = services.place_update
    instance_argument = "place"


class TopicViewSet(ServiceModelViewSet):
    """Subjects, in a tree."""

    queryset = selectors.topic_list()
    serializer_class = TopicSerializer
    filterset_class = TopicFilterSet
    ordering_fields = {"name": "name", "created": "created_at", "updated": "updated_at"}
    create_service = services.topic_create
    update_service = services.topic_update
    instance_argument = "topic"


@extend_schema_view(list=extend_schema(responses=SourceSummarySerializer(many=True)))
class SourceViewSet(ServiceModelViewSet):
    """Documents statements are anchored to. Lists leave out the body; read one source for it."""

    queryset = selectors.source_list()
    serializer_class = SourceSerializer
    filterset_class = SourceFilterSet
    ordering_fields = {"date": "date", "created": "created_at", "updated": "updated_at"}
    create_service = services.source_create
    update_service = services.source_update
    instance_argument = "source"

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.defer("body") if self.action == "list" else queryset

    def get_serializer_class(self):
        return SourceSummarySerializer if self.action == "list" else super().get_serializer_class()

    @extend_schema(summary="Statements taken from the source", responses=StatementSerializer(many=True))
    @action(**STATEMENT_LIST_ACTION)
    def statements(self, request, pk=None):
        source = get_object_or_404(Source.objects.only("pk"), pk=pk)
        return self.paginated_list(self.get_queryset().filter(source=source))

    @extend_schema(
        summary="Propose the statements in the source's text as drafts",
        description=(
            "Runs the quote extractor on the source's body and records what it finds as draft statements, "
            "with speakers, addressees and intermediaries matched to stored actors by name and alias (an "
            "unmatched speaker is named in `speaker_proposed_name`; no actor is created). Each draft carries "
            "the extractor's `confidence` and `extractor` (name and version). Running it again creates no "
            "duplicates and never changes or deletes a statement a curator has verified, rejected or edited; "
            "an untouched draft of an earlier run that this run proposes differently or no longer proposes is "
            "removed. Needs the permission to add statements."
        ),
        request=None,
        responses=ExtractionResultSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        # The permission check reads the model from the action's queryset: extracting adds statements.
        queryset=selectors.statement_list(),
        serializer_class=ExtractionResultSerializer,
        filter_backends=[],
        pagination_class=None,
    )
    def extract(self, request, pk=None):
        source = get_object_or_404(Source.objects.only("pk"), pk=pk)
        result = services.source_extract_statements(source=source, user=request.user)
        standing = {statement.pk for statement in result.statements}
        statements = selectors.statement_list().filter(pk__in=standing).order_by("span_start", "id")
        serializer = ExtractionResultSerializer(
            {
                "created": len(result.created),
                "unchanged": len(result.unchanged),
                "removed": result.removed,
                "statements": statements,
            },
            context=self.get_serializer_context(),
        )
        return Response(serializer.data)


class CommunicationViewSet(ServiceModelViewSet):
    """Calls, meetings, readouts, statements, briefings, negotiations and remarks."""

    queryset = selectors.communication_list()
    write_queryset = Communication.objects.all()
    serializer_class = CommunicationSerializer
    filterset_class = CommunicationFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    create_service = services.communication_create
    update_service = services.communication_update
    instance_argument = "communication"

    facets = facets_action(Communication, CommunicationFacetsSerializer, "communication", CommunicationFilterSet)

    @extend_schema(summary="Statements made in the communication", responses=StatementSerializer(many=True))
    @action(**STATEMENT_LIST_ACTION)
    def statements(self, request, pk=None):
        communication = get_object_or_404(Communication.objects.only("pk"), pk=pk)
        return self.paginated_list(self.get_queryset().filter(communication=communication))


class StatementViewSet(ServiceModelViewSet):
    """Direct quotes and paraphrases, each anchored to its source."""

    queryset = selectors.statement_list()
    write_queryset = Statement.objects.all()
    serializer_class = StatementSerializer
    filterset_class = StatementFilterSet
    filter_backends = [DjangoFilterBackend]
    pagination_class = KeysetPagination
    create_service = services.statement_create
    update_service = services.statement_update
    instance_argument = "statement"

    facets = facets_action(Statement, StatementFacetsSerializer, "statement", StatementFilterSet)

    @extend_schema(
        summary="Deleted statements",
        description=(
            "Statements that were deleted and not restored, most recently deleted first, as their last "
            "historical record has them. Restore one with `POST /statements/{id}/restore/`."
        ),
        responses=DeletedStatementSerializer(many=True),
    )
    @action(
        detail=False,
        methods=["get"],
        serializer_class=DeletedStatementSerializer,
        filter_backends=[],
        pagination_class=PageNumberPagination,
    )
    def deleted(self, request):
        page = self.paginate_queryset(selectors.statements_visible_to(request.user, deleted_records(Statement)))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Restore a deleted statement",
        description=(
            "Brings a deleted statement back from its last historical record, with the same id and uuid and "
            "its addressees, topics and mentions. Refused (400) when the id is in use again or a record it "
            "refers to is gone; 404 when no deleted statement has the id. Needs the permission to add statements."
        ),
        request=None,
        responses={201: StatementSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def restore(self, request, pk=None):
        try:
            statement = services.statement_restore(statement_id=int(pk), user=request.user)
        except Statement.DoesNotExist as error:
            raise NotFound(str(error)) from None
        restored = self.unrestricted_queryset().get(pk=statement.pk)
        return Response(self.get_serializer(restored).data, status=status.HTTP_201_CREATED)


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the API token to send as `Authorization: Token <key>`."""

    parser_classes = [BoundedJSONParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Get an API token",
        description="Exchanges a username and password for the user's API token (the same token on every call "
        "until it is deleted in the admin). Send it as `Authorization: Bearer <token>` or `Token <token>`. "
        "Repeated failed attempts lock the account out for a while (429).",
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        # A token is a login: earlier failed attempts are forgotten (django-axes) and last_login is kept.
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        return Response({"token": token.key})

    def finalize_response(self, request, response, *args, **kwargs):
        # django-axes marks a locked-out login on the request it was given, here the REST framework's;
        # its middleware, which answers 429, reads Django's.
        if getattr(request, "axes_locked_out", False):
            request._request.axes_locked_out = True
            request._request.axes_credentials = getattr(request, "axes_credentials", None)
        return super().finalize_response(request, response, *args, **kwargs)


@csrf_exempt  # An API client posting to a wrong address should get the JSON 404, not Django's CSRF page.
def not_found(request, *args, **kwargs):
    """Any address under the API that names no resource: a 404 in the API's error format.

    A path that only lacks its trailing slash is pointed at the right address instead.
    """
    if not request.path.endswith("/"):
        try:
            resolved = resolve(request.path + "/")
        except Resolver404:
            resolved = None
        if resolved is not None and resolved.func is not not_found:
            detail = f"Not found. Did you mean {request.path}/ (with a trailing slash)?"
            if request.method in {"GET", "HEAD"}:
                return HttpResponsePermanentRedirect(
                    request.get_full_path().replace(request.path, request.path + "/", 1)
                )
            return _not_found_response(detail)
    return _not_found_response("Not found.")


def _not_found_response(detail: str) -> JsonResponse:
    return JsonResponse(error_document(404, "not_found", detail), status=404)
