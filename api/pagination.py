"""Pagination: numbered pages for small tables, keyset cursors for statements and communications.

Keyset (seek) pagination filters on the last row's sort key instead of skipping rows with
OFFSET, so page 10,000 costs what page 1 costs, and rows inserted meanwhile never shift a
page. Every ordering ends with the primary key so the sort key is unique, and each has an
index it is read from (the models' `*_date_key` indexes for dates). A page is chosen on the
narrow table first — ids and sort keys only — and the serializer then fetches its rows.
"""

import base64
import binascii
import datetime
import json
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Expression, Q, QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from api.serializers.fields import in_utc
from statements.changes import kept_until_changed, query_question
from statements.models.base import DateKey
from statements.search import SEARCH_RANK

# A larger size is capped rather than refused, so the limit is documented in words, not as a maximum.
PAGE_SIZE_HELP = "Number of results per page; larger values are capped at the server's limit (500 by default)."


class PageSizeMixin:
    """A `page_size` query parameter capped by API_MAX_PAGE_SIZE."""

    page_size_query_param = "page_size"

    def get_page_size(self, request):
        self.max_page_size = settings.API_MAX_PAGE_SIZE
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return settings.API_DEFAULT_PAGE_SIZE
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({self.page_size_query_param: "A whole number is required."}) from None
        if size < 1:
            raise ValidationError({self.page_size_query_param: "Must be at least 1."})
        return min(size, self.max_page_size)


class PageNumberPagination(PageSizeMixin, pagination.PageNumberPagination):
    """Numbered pages with a total count, for tables that stay small (actors, places, topics…)."""

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = PAGE_SIZE_HELP
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

    def get_paginated_response_schema(self, schema):
        # Every page carries all four keys, `next` and `previous` as null at either end.
        response_schema = super().get_paginated_response_schema(schema)
        response_schema["required"] = sorted(response_schema["properties"])
        return response_schema


@dataclass(frozen=True)
class SortKey:
    """One column of a keyset ordering: an attribute name, the expression it is computed from, and direction."""

    name: str
    descending: bool
    expression: Expression | None = None


def sort_keys(*columns: str, expressions: dict[str, Expression] | None = None) -> tuple[SortKey, ...]:
    """Sort keys from column names, "-" prefixed for descending; `id` is appended to break ties."""
    expressions = expressions or {}
    keys = []
    for column in (*columns, "-id" if columns[0].startswith("-") else "id"):
        name = column.lstrip("-")
        keys.append(SortKey(name=name, descending=column.startswith("-"), expression=expressions.get(name)))
    return tuple(keys)


DATE_KEY = {"date_key": DateKey()}

#: Orderings offered by keyset-paginated lists of dated records, by their public name.
DATED_ORDERINGS = {
    "-date": sort_keys("-date_key", expressions=DATE_KEY),
    "date": sort_keys("date_key", expressions=DATE_KEY),
    "-created": sort_keys("-created_at"),
    "created": sort_keys("created_at"),
    "-updated": sort_keys("-updated_at"),
    "updated": sort_keys("updated_at"),
    # Full-text relevance; only meaningful with a `q` search, and the default then.
    "relevance": sort_keys("-search_rank"),
}


def _encode_value(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


#: Largest magnitude a 64-bit key column holds.
MAX_INTEGER = 2**63 - 1


def _cursor_value(queryset: QuerySet, key: SortKey, value):
    """A sort-key value read from a cursor, converted to the column's type; ValueError when it does not fit."""
    if value is None or isinstance(value, bool | list | dict):
        raise ValueError(f"{key.name}: not a sort-key value")
    field = queryset.query.resolve_ref(key.name).output_field
    converted = field.to_python(value)
    if isinstance(converted, int) and not -MAX_INTEGER <= converted <= MAX_INTEGER:
        raise ValueError(f"{key.name}: out of range")
    if isinstance(converted, datetime.datetime):
        try:
            return in_utc(converted)
        except ValueError as error:
            raise ValueError(f"{key.name}: {error}") from None
    return converted


def encode_cursor(ordering: str, direction: str, values: list) -> str:
    """The opaque token of a cursor: which ordering, which way, and the sort key of the row it starts after."""
    payload = {"ordering": ordering, "direction": direction, "values": [_encode_value(value) for value in values]}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


class KeysetPagination(PageSizeMixin, pagination.BasePagination):
    """Cursor pagination over a unique, possibly computed, sort key; orderings chosen with `ordering`."""

    cursor_query_param = "cursor"
    ordering_query_param = "ordering"
    count_query_param = "count"
    orderings = DATED_ORDERINGS
    default_ordering = "-date"

    def paginate_queryset(self, queryset: QuerySet, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.count = queryset.order_by().count() if self._count_asked(request) else None
        queryset, keys = self._with_sort_keys(queryset, request)
        cursor = self._decode_cursor(request, keys, queryset)
        backwards = cursor is not None and cursor["direction"] == "previous"
        order_by = [f"{'-' if key.descending != backwards else ''}{key.name}" for key in keys]
        queryset = queryset.order_by(*order_by)
        if cursor is not None:
            queryset = queryset.filter(self._after(keys, cursor["values"], backwards))
        # Only the sort keys: the page's rows are fetched by id once it is chosen.
        page = queryset.values(*(key.name for key in keys))[: self.page_size + 1]
        if self.ordering_name == "relevance":
            # Ranking reads every match in the window (~70 ms for a word in a fifth of a million statements);
            # the same search asked again while the archive is unchanged is answered from the cache.
            rows = kept_until_changed(query_question("page", query=page.query), partial(list, page))
        else:
            rows = list(page)
        has_more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
        self.keys = keys
        self.rows = rows
        self.has_next = has_more if not backwards else True
        self.has_previous = (cursor is not None) if not backwards else has_more
        return rows

    def _with_sort_keys(self, queryset: QuerySet, request) -> tuple[QuerySet, tuple[SortKey, ...]]:
        """The queryset with the sort keys of the ordering the request asks for, and those keys."""
        self.ordering_name = self._ordering_name(request, searched=SEARCH_RANK in queryset.query.annotations)
        keys = self.orderings[self.ordering_name]
        annotations = {key.name: key.expression for key in keys if key.expression is not None}
        return (queryset.annotate(**annotations) if annotations else queryset), keys

    def batches(self, queryset: QuerySet, request, size: int) -> Iterator[list[dict]]:
        """Every row of the list, in its order, in batches of `size`: the pages one after another, without
        cursors or counts (a CSV download). Each batch is chosen on the sort keys, as a page is."""
        queryset, keys = self._with_sort_keys(queryset, request)
        queryset = queryset.order_by(*(f"{'-' if key.descending else ''}{key.name}" for key in keys))
        names = [key.name for key in keys]
        after = None
        while True:
            batch = queryset if after is None else queryset.filter(self._after(keys, after, False))
            rows = list(batch.values(*names)[:size])
            if rows:
                yield rows
            if len(rows) < size:
                return
            after = [rows[-1][name] for name in names]

    def _count_asked(self, request) -> bool:
        value = request.query_params.get(self.count_query_param)
        if value in (None, "", "false"):
            return False
        if value == "true":
            return True
        raise ValidationError({self.count_query_param: "Must be true or false."})

    def _ordering_name(self, request, *, searched: bool) -> str:
        default = "relevance" if searched else self.default_ordering
        name = request.query_params.get(self.ordering_query_param) or default
        if name == "relevance" and not searched:
            raise ValidationError({self.ordering_query_param: "Relevance ordering needs a `q` search."})
        if name not in self.orderings:
            allowed = ", ".join(self.orderings)
            raise ValidationError({self.ordering_query_param: f"Unknown ordering {name!r}; use one of {allowed}."})
        return name

    def _decode_cursor(self, request, keys, queryset: QuerySet):
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None
        try:
            padded = raw + "=" * (-len(raw) % 4)
            cursor = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            valid = (
                isinstance(cursor, dict)
                and cursor.get("ordering") == self.ordering_name
                and cursor.get("direction") in {"next", "previous"}
                and isinstance(cursor.get("values"), list)
                and len(cursor["values"]) == len(keys)
            )
            if valid:
                # A cursor is client input: a value of the wrong type would fail in the database instead.
                cursor["values"] = [
                    _cursor_value(queryset, key, value) for key, value in zip(keys, cursor["values"], strict=True)
                ]
        except (ValueError, TypeError, UnicodeError, binascii.Error, DjangoValidationError):
            valid = False
        if not valid:
            message = "Invalid cursor for this ordering; start from the first page."
            raise ValidationError({self.cursor_query_param: message})
        return cursor

    @staticmethod
    def _after(keys, values, backwards: bool) -> Q:
        """Rows strictly past `values` in the requested direction (lexicographic comparison).

        The first key is also bounded on its own (`date_key <= d`), which the expanded comparison
        implies: an index range starts there, rather than at the top of the index with every row
        before the cursor filtered out one by one.
        """
        condition = Q()
        equal_prefix = Q()
        for key, value in zip(keys, values, strict=True):
            lookup = "lt" if key.descending != backwards else "gt"
            condition |= equal_prefix & Q(**{f"{key.name}__{lookup}": value})
            equal_prefix &= Q(**{key.name: value})
        first, bound = keys[0], "lte" if keys[0].descending != backwards else "gte"
        return Q(**{f"{first.name}__{bound}": values[0]}) & condition

    def _cursor_link(self, row: dict, direction: str) -> str:
        token = encode_cursor(self.ordering_name, direction, [row[key.name] for key in self.keys])
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, token)

    def get_next_link(self):
        if not self.has_next or not self.rows:
            return None
        return self._cursor_link(self.rows[-1], "next")

    def get_previous_link(self):
        if not self.has_previous:
            return None
        if not self.rows:
            return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        return self._cursor_link(self.rows[0], "previous")

    def get_paginated_response(self, data):
        return Response(
            OrderedDict(
                [
                    ("count", self.count),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        count = {
            "type": "integer",
            "nullable": True,
            "minimum": 0,
            "description": "How many records the whole list holds, with `count=true`; else null.",
        }
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {"count": count, "next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque cursor from a previous page's `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": PAGE_SIZE_HELP,
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.ordering_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Sort order; `-` means descending. Default `{self.default_ordering}`, "
                    "or `relevance` when searching with `q`."
                ),
                # No schema default: a generated client would send it, and a search would then not rank.
                "schema": {"type": "string", "enum": list(self.orderings)},
            },
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": "`true` to have `count`, the exact number of records the list holds with its "
                "filters, in the response (one more query; cheap for filtered lists, a scan of the table for "
                "an unfiltered one).",
                "schema": {"type": "boolean"},
            },
        ]
