"""Viewsets: declarative resources whose writes go through `statements.services`."""

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

from api.facets import facets_action
from api.filtersets import (
    ActorFilterSet,
    ActorMergeFilterSet,
    CommunicationFilterSet,
    PlaceFilterSet,
    PositionFilterSet,
    SourceFilterSet,
    StatementFilterSet,
    TopicFilterSet,
)
from api.pagination import KeysetPagination, PageNumberPagination
from api.parsers import BoundedJSONParser
from api.permissions import CanMergeActors
from api.serializers.actors import ActorSerializer
from api.serializers.communications import CommunicationSerializer
from api.serializers.extraction import ExtractionResultSerializer
from api.serializers.facets import CommunicationFacetsSerializer, StatementFacetsSerializer
from api.serializers.history import DeletedStatementSerializer
from api.serializers.merging import ActorMergeRequestSerializer, ActorMergeSerializer
from api.serializers.places import PlaceSerializer
from api.serializers.positions import PositionSerializer
from api.serializers.sources import SourceSerializer, SourceSummarySerializer
from api.serializers.statements import StatementSerializer
from api.serializers.topics import TopicSerializer
from api.viewsets import ID_PATTERN, ServiceModelViewSet
from project.errors import error_document
from statements import selectors, services
from statements.history import deleted_records
from statements.models import Actor, ActorMerge, Communication, Source, Statement

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
