"""What every admin of the statement domain shares: saving through the services, links, counts, filters."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject, to_historic
from simple_history.template_utils import HistoricalRecordContextHelper

from statements.choices import DatePrecision
from statements.conflicts import is_versioned
from statements.history import member_ids_by_record
from statements.models.base import precision_of_a_date_alone
from statements.services import record_delete, record_save
from statements.text import normalize_name


class SaveRefused(Exception):
    """A save the form accepted was refused when written; carries the ValidationError to show on the form."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.error = error


class DeleteRefused(Exception):
    """A delete refused because the record is in use or changed meanwhile; carries the reasons to show."""

    def __init__(self, reasons: list[str]):
        super().__init__(" ".join(reasons))
        self.reasons = reasons


#: The form field carrying the version of the record the curator opened, so a save can refuse a stale form.
LOADED_VERSION = "loaded_version"


class RecordForm(forms.ModelForm):
    """A model form that shows the model's errors about fields it does not display, instead of crashing on them."""

    # Set on a per-request subclass when a save was refused, so the re-rendered form carries the reason.
    save_refusal: ValidationError | None = None
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and is_versioned(self.instance):
            # On a POST this is the version now stored; the submitted value is the one the curator opened.
            self.initial[LOADED_VERSION] = self.instance.version

    def opened_version(self) -> int | None:
        """The version of the record when the curator opened this form (None for a new record)."""
        if self.instance.pk is None or not hasattr(self, "cleaned_data"):
            return None
        return self.cleaned_data.get(LOADED_VERSION)

    def clean(self):
        cleaned_data = super().clean()
        if "date_precision" in self.fields:
            # The precision is preselected "unknown": a date typed alone is a day (the help text says so).
            current = self.initial.get("date_precision") if self.instance.pk is not None else None
            precision = precision_of_a_date_alone(cleaned_data.get("date"), cleaned_data.get("date_precision"), current)
            if precision is not None:
                cleaned_data["date_precision"] = precision
        if self.save_refusal is not None:
            self.add_error(None, self.save_refusal)
        return cleaned_data

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            error = self._fold_undisplayed_fields(error)
        super().add_error(field, error)

    def _fold_undisplayed_fields(self, error: ValidationError) -> ValidationError:
        # Model.clean() names model fields; those the form does not show become form-wide errors naming the field.
        folded: dict[str, list] = {}
        for name, errors in error.error_dict.items():
            if name == NON_FIELD_ERRORS or name in self.fields:
                folded.setdefault(name, []).extend(errors)
                continue
            label = capfirst(self._field_label(name))
            folded.setdefault(NON_FIELD_ERRORS, []).extend(
                ValidationError(f"{label}: {message}") for message in ValidationError(errors).messages
            )
        return ValidationError(folded)

    def _field_label(self, name: str) -> str:
        try:
            return str(self._meta.model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            return name.replace("_", " ")


def refusal_from(error: Exception) -> SaveRefused:
    """The refusal to show for an error raised while writing a record the form had accepted."""
    if isinstance(error, ValidationError):
        return SaveRefused(error)
    if isinstance(error, ProtectedError | RestrictedError):
        blockers = ", ".join(sorted({str(record) for record in error.protected_objects if record is not None})[:10])
        return SaveRefused(ValidationError(f"Cannot delete a record that others still refer to: {blockers}."))
    return SaveRefused(ValidationError(f"The record conflicts with existing data: {error}"))


class ServiceSavingAdminMixin:
    """Saves records and their inline rows through `record_save`, and shows any refusal as a form error."""

    form = RecordForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "_statements_save_refusal", None)
        if refusal is not None:
            form_class = type(form_class.__name__, (form_class,), {"save_refusal": refusal})
        return form_class

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except SaveRefused as refusal:
            # The failed write was rolled back with the view's transaction; render the same POST again, refused.
            request._statements_save_refusal = refusal.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def edited_where(self, request) -> str:
        """Where the history says a save from this admin's forms was made."""
        return "in the admin"

    def change_reason_for(self, request, form, add: bool) -> str:
        """What the history says of a save from this form: "Added in the admin", "Changed in the admin: Speaker"."""
        where = self.edited_where(request)
        if add:
            return f"Added {where}"
        labels = [str(form.fields[name].label or name) for name in form.changed_data if name != LOADED_VERSION]
        return f"Changed {where}: {', '.join(labels)}" if labels else f"Saved {where}"

    def save_model(self, request, obj, form, change):
        # Always saved, even when only inline rows changed: the record's version counts those changes too.
        if not getattr(obj, "_change_reason", None):
            obj._change_reason = self.change_reason_for(request, form, add=not change)
        try:
            record_save(instance=obj, user=request.user, expected_version=opened_version(form))
        except (ValidationError, IntegrityError) as error:
            raise refusal_from(error) from error

    def save_formset(self, request, form, formset, change):
        for row_form in formset.forms:
            # Rows say on which record's page they were changed.
            if row_form.has_changed() and not getattr(row_form.instance, "_change_reason", None):
                row_form.instance._change_reason = f"Changed in the admin, on the page of {form.instance}"
        try:
            rows = formset.save(commit=False)
            forms_by_row = {id(row_form.instance): row_form for row_form in formset.forms}
            for deleted in formset.deleted_objects:
                expected_version = opened_version(forms_by_row.get(id(deleted)))
                record_delete(instance=deleted, expected_version=expected_version, user=request.user)
            for row in rows:
                expected_version = opened_version(forms_by_row.get(id(row)))
                record_save(instance=row, user=request.user, expected_version=expected_version)
            formset.save_m2m()
        except (ValidationError, IntegrityError, ProtectedError, RestrictedError) as error:
            raise refusal_from(error) from error

    def get_fieldsets(self, request, obj=None):
        return with_loaded_version(self, super().get_fieldsets(request, obj), request, obj)

    # Deletes go through `record_delete`, which refuses to delete a record others still use.

    def delete_model(self, request, obj):
        try:
            record_delete(instance=obj, user=request.user)
        except ValidationError as error:
            raise DeleteRefused(error.messages) from error

    def delete_queryset(self, request, queryset):
        reasons = []
        for record in queryset:
            try:
                with transaction.atomic():
                    record_delete(instance=record, user=request.user)
            except ValidationError as error:
                reasons.extend(error.messages)
        if reasons:
            # Raised inside the action's transaction (see response_action): the deletes that worked are undone too.
            raise DeleteRefused(reasons)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DeleteRefused as refusal:
            for reason in refusal.reasons:
                self.message_user(request, reason, messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))

    def response_action(self, request, queryset):
        # The delete action logs each deletion before deleting; one transaction keeps a refused delete from logging.
        try:
            with transaction.atomic():
                return super().response_action(request, queryset)
        except DeleteRefused as refusal:
            for reason in refusal.reasons:
                self.message_user(request, reason, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def opened_version(form: forms.Form | None) -> int | None:
    """The version a record had when the curator opened its form, if the form carries one."""
    return form.opened_version() if isinstance(form, RecordForm) else None


def with_loaded_version(model_admin, fieldsets, request, obj):
    """Fieldsets with the hidden loaded-version field added, where the records are versioned and can be changed."""
    if not fieldsets or LOADED_VERSION in flatten_fieldsets(fieldsets) or not is_versioned(model_admin.model):
        return fieldsets
    if not model_admin.has_change_permission(request, obj):
        return fieldsets
    (name, options), *rest = fieldsets
    return [(name, {**options, "fields": [*options["fields"], LOADED_VERSION]}), *rest]


class HistoryRevertAdminMixin:
    """Per-record history with revert (django-simple-history), where a revert is an edit like any other.

    The old version fills the change form, to-many members included; saving it goes through the same
    validation and services as any edit, so a revert that would break a rule is shown as a form error.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        record = to_historic(obj) if obj is not None else None
        if record is None:
            return form_class
        # The old version is saved over the current one: it takes the current version number, as any edit does.
        current = type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
        if current is not None and hasattr(obj, "version"):
            obj.version = current
        obj._change_reason = f"Reverted to the version of {record.history_date:%Y-%m-%d %H:%M:%S %Z}."
        members = member_ids_by_record(type(record), [record.history_id])[record.history_id]
        members = {name: ids for name, ids in members.items() if name in form_class.base_fields}

        class RevertingForm(form_class):
            def __init__(self, *args, initial=None, **kwargs):
                super().__init__(*args, initial={**members, **(initial or {})}, **kwargs)

        return RevertingForm

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except SaveRefused as refusal:
            # As in changeform_view: render the same POST again with the reason it was refused.
            request._statements_save_refusal = refusal.error
            return super().history_form_view(request, object_id, version_id, extra_context)


class HistoryChanges(HistoricalRecordContextHelper):
    """The changes a history entry lists, with an empty relation shown as empty: simple-history calls a
    relation that was not set "Deleted actor (pk=None)"."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, DeletedObject) and value.pk is None:
            return None
        return super().prepare_delta_change_value(change, value)

    def stringify_delta_change_values(self, change, old, new):
        old_text, new_text = super().stringify_delta_change_values(change, old, new)
        return ("—" if old is None else old_text), ("—" if new is None else new_text)


class CappedCountPaginator(Paginator):
    """Counts a list up to `cap` rows: a list of a million statements, or a search matching a fifth of
    them, is "more than 10,000" instead of a count that reads every matching row on every page."""

    cap = 10_000

    @cached_property
    def _counted(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """Whether the list holds more rows than were counted (the pages then stop at the cap)."""
        return self._counted > self.cap


class RecordAdmin(ServiceSavingAdminMixin, HistoryRevertAdminMixin, SimpleHistoryAdmin):
    """Base admin for curated records: saves through the services, paginates moderately, keeps history."""

    list_per_page = 50
    show_full_result_count = False
    save_on_top = True
    paginator = CappedCountPaginator

    @property
    def media(self):
        # The sidebar's record filters are autocomplete boxes: their scripts, and the one that applies a choice.
        return (
            super().media
            + AutocompleteSelect(None, self.admin_site).media
            # Named after the scripts it needs, so that merging the media keeps it after them.
            + forms.Media(
                js=["admin/js/jquery.init.js", "admin/js/autocomplete.js", "statements/record-link-filter.js"],
                css={"all": ["statements/admin.css"]},
            )
        )

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryChanges(self.model, historical_record)


class RecordTabularInline(admin.TabularInline):
    """A tabular inline whose rows show model errors about undisplayed fields as row errors.

    Rows of versioned records carry the version the curator opened, so a stale row is refused, not saved.
    """

    form = RecordForm
    extra = 0

    def get_fieldsets(self, request, obj=None):
        return with_loaded_version(self, super().get_fieldsets(request, obj), request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A row keeps to its fields: the add/change/delete/view buttons beside each related field made a
        # row of statements wider than the window; the record's own page (the row's change link) has them.
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield


class FoldedAliasSearchMixin:
    """Also finds records by an alias whose folded form contains the folded search term.

    Folding ignores case, accents and apostrophe or dash styles, so "Netanyahu's office" finds the
    alias "Netanyahu’s office" and "Sebastien" finds "Sébastien".
    """

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        folded = normalize_name(search_term)
        if not folded:
            return found, may_have_duplicates
        by_alias = queryset.model.objects.filter(aliases__normalized_name__contains=folded).values("pk")
        return queryset.filter(Q(pk__in=found.values("pk")) | Q(pk__in=by_alias)), False


def change_url(record: models.Model) -> str:
    """The admin change page of a record."""
    return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk])


def changelist_url(model: type[models.Model], **filters) -> str:
    """The admin changelist of a model, filtered by the given query parameters."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def link_to(record: models.Model | None, text=None):
    """A link to a record's change page, or None (shown as the empty value) when there is no record."""
    if record is None:
        return None
    return format_html('<a href="{}">{}</a>', change_url(record), record if text is None else text)


def counted_link(count: int | None, model: type[models.Model], noun: str = "", **filters):
    """A count ("3", or "3 statements" given a noun) linking to the changelist of those records."""
    count = count or 0
    label = str(count) if not noun else f"{count} {noun}" if count == 1 else f"{count} {noun}s"
    if not count:
        return label
    return format_html('<a href="{}">{}</a>', changelist_url(model, **filters), label)


def count_of(model: type[models.Model], field: str, *, distinct: str = "pk") -> Coalesce:
    """A correlated subquery counting `model` rows whose `field` is the outer record.

    Subqueries keep each count independent, where several Count() joins would multiply one another.
    """
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=Count(distinct, distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)


def describe_date(record) -> str | None:
    """A record's date as precisely as it is known: "15 Feb 2024", "week of 12 Feb 2024", "February 2024", "2024"."""
    if record.date is None:
        return None
    if record.date_precision == DatePrecision.MONTH:
        return date_format(record.date, "YEAR_MONTH_FORMAT")
    if record.date_precision == DatePrecision.YEAR:
        return str(record.date.year)
    day = date_format(record.date, "DATE_FORMAT")
    return f"week of {day}" if record.date_precision == DatePrecision.WEEK else day


TIMESTAMP_FIELDS = ("uuid", "created_at", "updated_at")
