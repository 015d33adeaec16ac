"""The bulk export over HTTP: the dataset as JSON Lines, streamed as `manage.py export_statements` writes it."""

from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from api.filters import refuse_unknown
from api.filtersets import StatementFilterSet
from statements import selectors, transfer
from statements.models import Statement

NDJSON = "application/x-ndjson"
#: Bytes gathered before a chunk goes to the client: one write per line would cost more than the lines.
STREAM_BLOCK_SIZE = 64 * 1024


class ErrorsAsJSON(BaseContentNegotiation):
    """The export is always JSON Lines and its errors always JSON, whatever the client's Accept header says."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportFilterSet(StatementFilterSet):
    """The statement list's filters, selecting what to export; a search selects every match, unranked."""

    ranks_by_default = False


class StatementExportView(APIView):
    """Every curated record as one JSON object per line, in dependency order, streamed."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = ErrorsAsJSON
    # The permissions are those of statements: whoever may read them may export.
    queryset = Statement.objects.none()
    # Documented, and applied by `selection`.
    filter_backends = [DjangoFilterBackend]
    filterset_class = ExportFilterSet

    @extend_schema(
        operation_id="export_statements",
        summary="Export the dataset as JSON Lines",
        description=(
            "The whole curated dataset in the statements-jsonl format, streamed: a header line, then one "
            "self-contained record per line (topics, places, actors, positions, sources, communications, "
            "statements), each referring to others by their stable key. The same data always gives the "
            "same bytes; `manage.py import_statements` reads it back. Readable by whoever may read statements; "
            "readers who may not see unreviewed statements get the public dataset: verified statements only, a "
            "statement answering one that is not verified written with `in_reply_to` null. The statement list's "
            "filters select what to export: the statements they select, the communications and sources those "
            "refer to, and every actor, position, place and topic, so that the file imports on its own (a "
            "statement answering one not selected is written with `in_reply_to` null)."
        ),
        filters=True,
        responses={(200, NDJSON): OpenApiResponse(OpenApiTypes.STR, description="JSON Lines, UTF-8.")},
    )
    def get(self, request):
        selection = self.selection(request)
        lines = transfer.export_lines(public=not selectors.sees_unreviewed(request.user), selection=selection)
        response = StreamingHttpResponse(_in_blocks(lines), content_type=f"{NDJSON}; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="statements.jsonl"'
        return response

    def selection(self, request):
        """The statements the statement list's filters in the query string select, or None without filters.

        Unknown parameters are refused as the list refuses them; a search selects every match.
        """
        refuse_unknown(request.query_params, ExportFilterSet.parameters(), reader="The export")
        if not request.query_params:
            return None
        filterset = ExportFilterSet(request.query_params, queryset=Statement.objects.all(), request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs


def _in_blocks(lines: Iterable[str]) -> Iterator[bytes]:
    block, size = [], 0
    for line in lines:
        encoded = line.encode("utf-8")
        block.append(encoded)
        size += len(encoded)
        if size >= STREAM_BLOCK_SIZE:
            yield b"".join(block)
            block, size = [], 0
    if block:
        yield b"".join(block)
