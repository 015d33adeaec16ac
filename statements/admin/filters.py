"""The sidebar filters the statement domain's admins share: whether a relation is set, and one related record."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property


class PresenceFilter(admin.SimpleListFilter):
    """Filters on whether a lookup matches anything: subclasses set `lookup`, `title` and `parameter_name`."""

    lookup = ""
    yes_label, no_label = "Yes", "No"

    def lookups(self, request, model_admin):
        return [("yes", self.yes_label), ("no", self.no_label)]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(**{f"{self.lookup}__isnull": False})
        if self.value() == "no":
            return queryset.filter(**{f"{self.lookup}__isnull": True})
        return queryset


class RecordLinkFilter(admin.SimpleListFilter):
    """Filters by one related record, picked in the sidebar with the admin's autocomplete.

    Listing every actor or source in the sidebar would not scale: the box asks the related admin's
    search, as an autocomplete field on a form does, and only the selected record is read to show it.
    Links from other pages ("12 statements") set the same parameter.
    """

    lookup = ""
    related_model: type[models.Model]
    template = "admin/statements/record_link_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.spawns_duplicates = lookup_spawns_duplicates(model_admin.opts, self.lookup)
        self.model_field = model._meta.get_field(self.lookup)
        self.admin_site = model_admin.admin_site

    def autocomplete(self) -> str:
        """The autocomplete box choosing the record, with the selected one shown in it."""
        widget = AutocompleteSelect(self.model_field, self.admin_site)
        # Only the selected record is an option (none: no query at all); the box asks for the others.
        records = self.related_model._default_manager
        shown = records.filter(pk=self.selected_record.pk) if self.selected_record is not None else records.none()
        widget.choices = forms.ModelChoiceField(queryset=shown).choices
        attrs = {
            "id": f"filter_{self.parameter_name}",
            "data-filter-parameter": self.parameter_name,
            "data-width": "100%",
        }
        selected = self.selected_record.pk if self.selected_record is not None else None
        return widget.render(f"filter_{self.parameter_name}", selected, attrs=attrs)

    @cached_property
    def selected_record(self) -> models.Model | None:
        if not self.value():
            return None
        try:
            return self.related_model.objects.get(pk=self.value())
        except (ValueError, TypeError, ValidationError, self.related_model.DoesNotExist):
            return None

    def has_output(self):
        return True

    def lookups(self, request, model_admin):
        if not self.value():
            return []
        # A stale or mistyped link still shows what it asked for, and then lists nothing.
        label = self.selected_record or f"{self.related_model._meta.verbose_name} {self.value()} (not found)"
        return [(self.value(), str(label))]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.selected_record is None:
            return queryset.none()
        queryset = queryset.filter(**{self.lookup: self.selected_record})
        return queryset.distinct() if self.spawns_duplicates else queryset


def record_link_filter(lookup: str, related_model: type[models.Model], title: str) -> type[RecordLinkFilter]:
    """A RecordLinkFilter on `lookup` with the query parameter of the same name."""
    return type(
        f"{lookup.title().replace('_', '')}LinkFilter",
        (RecordLinkFilter,),
        {"lookup": lookup, "related_model": related_model, "title": title, "parameter_name": lookup},
    )
