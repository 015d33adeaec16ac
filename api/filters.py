"""The filters, fields and mixins the resources' filter sets are made of, and the `ordering` backend.

A filter set refuses a parameter it does not read, explains every error naming the parameter, and
filters to-many relations with semi-joins (no DISTINCT); see `FilterSet`.
"""

import re

import django_filters
from django import forms
from django.conf import settings
from django.db.models import QuerySet
from rest_framework import filters
from rest_framework.exceptions import ValidationError

from api.serializers.fields import in_utc
from statements.models import Place, Topic
from statements.models.base import DateKey
from statements.search import full_text_search
from statements.selectors import about_topics, places_named, topic_ids_with_descendants

#: An id as a query parameter: digits that fit a 64-bit key.
ID_RE = re.compile(r"[0-9]{1,18}")

SEARCH_SYNTAX = (
    "Full-text search. Words are all required; use quotes for a phrase, `or` between alternatives, "
    "and `-` before a word to exclude it."
)
SEARCH_HELP = (
    f"{SEARCH_SYNTAX} Results are ordered by relevance unless `ordering` is given. By relevance, only the "
    "newest matches are ranked (10,000 unless the server's API_SEARCH_RANK_WINDOW says otherwise), so a very "
    "common word lists those; ordered by date, every match is listed."
)


class FilterSet(django_filters.FilterSet):
    """The API's filter sets: forms from a form class made once, and only the filters a request gives run.

    django-filter makes a new form class, with new fields, on every request, and calls every filter,
    given or not; on a list answering in milliseconds that is a good part of the time.
    """

    _form_classes: dict[type, type] = {}

    def get_form_class(self):
        form_class = FilterSet._form_classes.get(type(self))
        if form_class is None:
            form_class = FilterSet._form_classes[type(self)] = super().get_form_class()
            for field in form_class.base_fields.values():
                _explain_errors(field)
        return form_class

    @classmethod
    def parameters(cls) -> frozenset[str]:
        """The query parameters the filter set reads (a range filter reads `<name>_after` and `<name>_before`)."""
        names = FilterSet._parameters.get(cls)
        if names is None:
            form = cls().form
            names = set()
            for name, field in form.fields.items():
                suffixes = getattr(field.widget, "suffixes", None) or [None]
                names.update(name if suffix is None else f"{name}_{suffix}" for suffix in suffixes)
            names = FilterSet._parameters[cls] = frozenset(names)
        return names

    _parameters: dict[type, frozenset[str]] = {}

    def filter_queryset(self, queryset):
        given = set(self.data)
        for name, value in self.form.cleaned_data.items():
            suffixes = getattr(self.form.fields[name].widget, "suffixes", None)
            parameters = [f"{name}_{suffix}" for suffix in suffixes] if suffixes else [name]
            if given.isdisjoint(parameters):
                continue  # Not given: every filter leaves the rows as they are then.
            queryset = self.filters[name].filter(queryset, value)
        return queryset


def refuse_unknown(query_params, known: set[str] | frozenset[str], *, reader: str = "This list") -> None:
    """A 400 naming the query parameters not in `known`, and listing those that are: a misspelt or invented
    filter (`?speaker__name=…`) would else be ignored and everything answered."""
    unknown = sorted(set(query_params) - set(known))
    if unknown:
        takes = ", ".join(sorted(known))
        raise ValidationError({name: [f"Unknown parameter. {reader} takes: {takes}."] for name in unknown})


def _explain_errors(field: forms.Field) -> None:
    """Error messages that say what would have been right: the valid choices, the date format."""
    for part in [field, *getattr(field, "fields", ())]:
        if isinstance(part, forms.DateField):
            part.error_messages["invalid"] = "Enter a valid date as YYYY-MM-DD."
        elif isinstance(part, forms.ChoiceField) and not isinstance(part, forms.ModelChoiceField):
            valid = ", ".join(str(value) for value, _ in part.choices if value != "")
            part.error_messages["invalid_choice"] = f"%(value)s is not one of the choices: {valid}."


class OrderingFilter(filters.OrderingFilter):
    """`ordering` by one public name (`-` for descending) from the view's `ordering_fields` mapping.

    Unknown names are refused with a 400 naming the parameter rather than silently ignored.
    """

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if not raw:
            return None
        allowed = getattr(view, "ordering_fields", None) or {}
        name = raw.strip()
        column = allowed.get(name.removeprefix("-"))
        if column is None:
            choices = ", ".join(self._choices(view))
            raise ValidationError({self.ordering_param: f"Unknown ordering {name!r}; use one of {choices}."})
        direction = "-" if name.startswith("-") else ""
        return [f"{direction}{column}", f"{direction}id"]

    @staticmethod
    def _choices(view) -> list[str]:
        names = list(getattr(view, "ordering_fields", None) or {})
        return [variant for name in names for variant in (name, f"-{name}")]

    def get_schema_operation_parameters(self, view):
        if not getattr(view, "ordering_fields", None):
            return []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Sort order; `-` means descending.",
                "schema": {"type": "string", "enum": self._choices(view)},
            }
        ]


class IdsField(django_filters.fields.ModelMultipleChoiceField):
    """Ids of existing records, cleaned to integers with one query that reads nothing but the ids.

    An id too long for a key column is refused before it reaches the database, which would fail;
    an id no record has is refused naming it, as Django's ModelMultipleChoiceField does.
    """

    def _check_values(self, value) -> list[int]:
        self._check_count(value)
        for key in value:
            if not isinstance(key, str) or not ID_RE.fullmatch(key):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                )
        wanted = {int(key) for key in value}
        found = set(self.queryset.filter(pk__in=wanted).order_by().values_list("pk", flat=True))
        for key in value:
            if int(key) not in found:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": key}
                )
        return sorted(wanted)

    @staticmethod
    def _check_count(value) -> None:
        """Every list a request may carry is bounded (API_MAX_LIST_ITEMS)."""
        if len(value) > settings.API_MAX_LIST_ITEMS:
            raise forms.ValidationError(
                f"Give at most {settings.API_MAX_LIST_ITEMS} values (this gives {len(value)}).", code="max_items"
            )

    def clean(self, value):
        value = self.prepare_value(value)
        if not value:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        return self._check_values(value)


class KeysField(IdsField):
    """Records named by a unique key people know (a slug, a URL), cleaned to their ids with one query.

    A key no record has is refused naming it. The ids then filter exactly as the id filter does.
    """

    def _check_values(self, value) -> list[int]:
        self._check_count(value)
        for given in value:
            # No key holds a NUL character, and PostgreSQL refuses to compare with one.
            if not isinstance(given, str) or "\x00" in given:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": repr(given)}
                )
        key = self.to_field_name
        found = dict(self.queryset.filter(**{f"{key}__in": set(value)}).order_by().values_list(key, "pk"))
        for given in value:
            if given not in found:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": given}
                )
        return sorted(set(found.values()))


class PlaceNamesField(IdsField):
    """Places given by a name or an alias, ignoring case and accents: every place so named, in one query.

    A name no place has is refused naming it. Names are not unique: "Springfield" selects every Springfield.
    """

    def _check_values(self, value) -> list[int]:
        self._check_count(value)
        for given in value:
            if not isinstance(given, str) or "\x00" in given or not given.strip():
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": repr(given)}
                )
        found = places_named(value)
        for given in value:
            if given not in found:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": given}
                )
        return sorted(set().union(*found.values()))


class IdsFilter(django_filters.ModelMultipleChoiceFilter):
    """Matches rows related to any of the given records, given by id.

    No DISTINCT: a to-one relation cannot repeat a row (to-many ones use RelatedModelFilter).
    """

    field_class = IdsField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class KeysFilter(IdsFilter):
    """Matches as the id filter of the same relation does, the records given by slug or URL (`to_field_name`)."""

    field_class = KeysField


class PlaceNamesFilter(IdsFilter):
    """Matches as the place filter of the same relation does, the places given by name or alias."""

    field_class = PlaceNamesField


def by_place_name(*, field_name: str, method: str | None = None) -> PlaceNamesFilter:
    return PlaceNamesFilter(
        field_name=field_name,
        queryset=Place.objects.all(),
        method=method,
        help_text="As `place`, by a name or alias of the place, ignoring case and accents (every place so named).",
    )


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """Matches rows whose column (or to-one relation's column) holds any of the given choices, without DISTINCT."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false`, as the schema says; anything else is refused rather than read as "not given"."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError("Use true or false.", code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    """A boolean query parameter that refuses values other than `true` and `false` with a 400."""

    field_class = StrictBooleanField


class RangeParameterErrorsMixin:
    """Errors of a range filter name the parameter at fault (`date_after`), not the filter behind it (`date`)."""

    @property
    def errors(self):
        errors = self.form.errors
        for name, field in self.form.fields.items():
            suffixes = getattr(field.widget, "suffixes", None)
            if name not in errors or not isinstance(field, forms.MultiValueField) or not suffixes:
                continue
            for suffix, part in zip(suffixes, field.fields, strict=True):
                parameter = f"{name}_{suffix}"
                value = self.form.data.get(parameter)
                try:
                    if value not in (None, ""):
                        part.clean(value)
                except forms.ValidationError as error:
                    errors[parameter] = self.form.error_class(error.error_list)
            if any(f"{name}_{suffix}" in errors for suffix in suffixes):
                del errors[name]
        return errors


class RelatedModelFilter(IdsFilter):
    """Matches rows related to any of the given records through a to-many relation, without duplicating rows.

    A semi-join (`pk IN (subquery)`) instead of a JOIN plus DISTINCT keeps large lists cheap.
    """

    def filter(self, qs: QuerySet, value):
        if not value:
            return qs
        related = qs.model._default_manager.filter(**{f"{self.field_name}__in": value}).values("pk")
        return qs.filter(pk__in=related)


DATE_RANGE_HELP = "Dates from `_after` to `_before`, both included (YYYY-MM-DD)."


def date_range(field_name: str = "date") -> django_filters.DateFromToRangeFilter:
    return django_filters.DateFromToRangeFilter(field_name=field_name, help_text=DATE_RANGE_HELP)


class DateKeyRangeFilter(django_filters.DateFromToRangeFilter):
    """A date range over a dated record's sort key (`DateKey`), so the index the list is ordered by serves it too.

    Undated records are never in a range, as with a range over the date itself.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", DATE_RANGE_HELP)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value or (value.start is None and value.stop is None):
            return qs
        bounds = {}
        if value.start is not None:
            bounds["date_key__gte"] = value.start.date() if hasattr(value.start, "date") else value.start
        if value.stop is not None:
            bounds["date_key__lte"] = value.stop.date() if hasattr(value.stop, "date") else value.stop
        return qs.alias(date_key=DateKey()).filter(date__isnull=False, **bounds)


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 timestamp, moved to UTC: any offset ISO 8601 allows, and a clear error outside years 1 to 9999."""

    def clean(self, value):
        cleaned = super().clean(value)
        if cleaned is None:
            return None
        try:
            return in_utc(cleaned)
        except ValueError as error:
            raise forms.ValidationError(f"Enter a valid date/time: {error}.", code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


def updated_since_filter() -> django_filters.IsoDateTimeFilter:
    return UtcIsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only records changed at or after this time (ISO 8601), for incremental sync.",
    )


def search_filter(help_text: str = SEARCH_HELP) -> django_filters.CharFilter:
    return django_filters.CharFilter(method="filter_search", max_length=500, help_text=help_text)


class FullTextSearchMixin:
    """A `q` filter backed by `statements.search.full_text_search`.

    Ordered by relevance (the default with `q` on keyset-paged lists), only the newest
    API_SEARCH_RANK_WINDOW matches are ranked; ordered by date, every match is listed.
    """

    #: Whether the list this filters orders by relevance unless told otherwise.
    ranks_by_default = True

    def filter_search(self, queryset, name, value):
        if not value.strip():
            return queryset
        ordering = self.data.get("ordering") or ("relevance" if self.ranks_by_default else "")
        window = settings.API_SEARCH_RANK_WINDOW if ordering == "relevance" else None
        return full_text_search(queryset, value, rank_window=window)


def topics_filter() -> IdsFilter:
    """The `topic` filter of a TopicTreeMixin filter set."""
    return IdsFilter(
        field_name="topics",
        queryset=Topic.objects.all(),
        method="filter_topics",
        help_text="About one of these topics or a narrower one.",
    )


def by_key(model, *, like: str, field_name: str, method: str | None = None, key: str = "slug") -> KeysFilter:
    """The filter `like` is, naming the records by a unique key (a slug, a URL) rather than by id."""
    return KeysFilter(
        field_name=field_name,
        queryset=model.objects.all(),
        to_field_name=key,
        method=method,
        help_text=f"As `{like}`, by {'URL' if key == 'url' else key}.",
    )


class TopicTreeMixin:
    """A `topic` filter method matching the given topics and every narrower one, through the `topics` links."""

    def filter_topics(self, queryset, name, topics):
        if not topics:
            return queryset
        return about_topics(queryset, topic_ids_with_descendants(topics))
