"""Lists and facets as CSV: flat columns a spreadsheet opens, streamed in constant memory.

A list's CSV holds every record the filters select, in the list's order, whatever the page size:
the rows are read in batches (by keyset on the keyset-paged lists) and each batch is represented
as the JSON list represents it, then flattened. The columns follow the resource's serializer: a
plain field is a column; an embedded record gives one column per field of its brief but its link
(`speaker_id`, `speaker_name`, `speaker_kind`); a list of records or values is one cell per column,
its items joined by " | "; anything else nested is written as JSON. Dates and times are ISO 8601.

Python's csv module does the quoting (RFC 4180); the flattening follows the serializers, which a
generic CSV renderer, deriving columns from the first rows, cannot know before it has them.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import orjson
from django.http import StreamingHttpResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer

from api.serializers.fields import EmbeddedRelatedField, RelatedIdsField

CSV_MEDIA_TYPE = "text/csv"
BOM_PARAMETER = "bom"
#: Between the items of a list in one cell.
ITEM_SEPARATOR = " | "
#: Records represented per query while streaming.
BATCH_SIZE = 500


class CSVRenderer(BaseRenderer):
    """Chooses CSV (`format=csv`, `Accept: text/csv`); the views stream it themselves (`csv_response`).

    Errors are written as JSON whatever was asked for (see ServiceModelViewSet.finalize_response).
    """

    media_type = CSV_MEDIA_TYPE
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise TypeError("CSV is streamed by the view (csv_response), not rendered from data.")


class FormatFirstNegotiation(DefaultContentNegotiation):
    """`format=` chooses the representation whatever the Accept header says (a client sending
    `Accept: application/json` by habit still gets the CSV it asked for with `format=csv`)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        for renderer in renderers:
            if wanted and renderer.format == wanted:
                return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)


@dataclass(frozen=True)
class Column:
    """A CSV column: its header and the path to its values in a record's representation."""

    name: str
    path: tuple[str, ...]

    def cell(self, record: dict) -> str:
        """The column's cell of one record: its value, or its values joined (a list, a list's members' field)."""
        if len(self.path) == 1:
            value = record.get(self.path[0])
            if isinstance(value, list) and not any(isinstance(item, dict | list) for item in value):
                return ITEM_SEPARATOR.join(_text(item) for item in value)
            return _text(value)
        if len(self.path) == 2:
            # An embedded record's field, or that field of each member of a list: the common shapes, read directly.
            value, key = record.get(self.path[0]), self.path[1]
            if value is None:
                return ""
            if isinstance(value, list):
                return ITEM_SEPARATOR.join(_text(member.get(key)) for member in value)
            return _text(value.get(key))
        return ITEM_SEPARATOR.join(_text(value) for value in _values_at(record, self.path))


#: Fields a CSV leaves out: a statement's selectors repeat its span and text, which are columns already.
LEFT_OUT = {"selectors"}


def columns_of(serializer: serializers.Serializer) -> list[Column]:
    """The columns of the records a serializer represents, in the order of its fields."""
    return [
        column
        for name, field in serializer.fields.items()
        if name not in LEFT_OUT
        for column in _columns(name, field, (name,))
    ]


def _columns(label: str, field, path: tuple[str, ...]) -> list[Column]:
    if field.write_only:
        return []
    if isinstance(field, RelatedIdsField):
        field = field.child_relation
    if isinstance(field, EmbeddedRelatedField):
        brief = field.brief_serializer_class()
        return [Column(f"{label}_{name}", (*path, name)) for name in brief.fields if name != "api_url"]
    if isinstance(field, serializers.ListSerializer) and isinstance(field.child, serializers.Serializer):
        field = field.child
    if isinstance(field, serializers.Serializer):
        return [
            column
            for name, subfield in field.fields.items()
            for column in _columns(f"{label}_{name}", subfield, (*path, name))
        ]
    return [Column(label, path)]


def _values_at(value, path: tuple[str, ...]) -> list:
    if not path:
        return value if isinstance(value, list) else [value]
    if value is None:
        return []
    if isinstance(value, list):
        return [found for item in value for found in _values_at(item, path)]
    return _values_at(value.get(path[0]), path[1:])


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return str(value)


def cells(record: dict, columns: list[Column]) -> list[str]:
    """One record's row: each column's values, a list's items joined."""
    return [column.cell(record) for column in columns]


class _Lines:
    """A file-like object csv.writer writes one line to, handed back rather than stored."""

    def write(self, line: str) -> str:
        return line


def wants_bom(request) -> bool:
    """Whether the CSV starts with a byte order mark (`bom=true`), which some spreadsheets need to read UTF-8."""
    value = request.query_params.get(BOM_PARAMETER)
    if value in (None, "", "false"):
        return False
    if value == "true":
        return True
    raise ValidationError({BOM_PARAMETER: ["Must be true or false."]})


def csv_response(header: list[str], rows: Iterable[list], *, filename: str, request) -> StreamingHttpResponse:
    """A streamed CSV download of `rows` under `header`."""
    bom = wants_bom(request)
    writer = csv.writer(_Lines())

    def lines() -> Iterator[bytes]:
        yield (("\ufeff" if bom else "") + writer.writerow(header)).encode()
        block = []
        for row in rows:
            block.append(writer.writerow(row))
            if len(block) >= BATCH_SIZE:
                yield "".join(block).encode()
                block = []
        if block:
            yield "".join(block).encode()

    response = StreamingHttpResponse(lines(), content_type=f"{CSV_MEDIA_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def record_rows(batches: Iterable[list[dict]], columns: list[Column]) -> Iterator[list[str]]:
    """The rows of batches of represented records."""
    for batch in batches:
        for record in batch:
            yield cells(record, columns)
