"""Admin for source documents, with their text annotated by the statements anchored in it."""

from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from statements.admin.base import (
    TIMESTAMP_FIELDS,
    RecordAdmin,
    RecordTabularInline,
    change_url,
    count_of,
    counted_link,
    describe_date,
    link_to,
)
from statements.admin.extraction import SourceExtractionMixin
from statements.admin.filters import record_link_filter
from statements.models import Actor, Communication, Source, Statement


class SourceStatementInline(RecordTabularInline):
    """The statements taken from a source, read-only here: each opens on its own page, where its span is checked."""

    model = Statement
    fk_name = "source"
    fields = ["statement", "kind", "speaker_link", "span_start", "span_end", "status"]
    readonly_fields = fields
    verbose_name_plural = "statements taken from this source"
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker").order_by("span_start", "id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Statement")
    def statement(self, statement):
        return link_to(statement, Truncator(statement.text).chars(120))

    @admin.display(description="Speaker")
    def speaker_link(self, statement):
        return link_to(statement.speaker) or statement.speaker_as_written or None


@admin.register(Source)
class SourceAdmin(SourceExtractionMixin, RecordAdmin):
    """Source documents; the text shows every anchored statement highlighted and linked."""

    list_display = ["title", "kind", "publisher_link", "dated", "language", "statements_taken", "reporting"]
    list_filter = ["kind", "language", "date_precision", record_link_filter("publisher", Actor, "publisher")]
    search_fields = ["title", "url", "publisher__name", "authors__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["publisher", "authors"]
    readonly_fields = [*TIMESTAMP_FIELDS, "content_hash", "annotated_body"]
    inlines = [SourceStatementInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["kind", "title", "url", "publisher", "authors", "language", "image_credit"]}),
        ("Date", {"fields": ["date", "date_precision", "date_expression"]}),
        ("Text", {"fields": ["body", "annotated_body"]}),
        ("Record", {"fields": [*TIMESTAMP_FIELDS, "content_hash"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("publisher")
            .annotate(
                statement_count=count_of(Statement, "source"),
                communication_count=count_of(Communication.sources.through, "source", distinct="communication"),
            )
        )

    @admin.display(description="Publisher", ordering="publisher__name")
    def publisher_link(self, source):
        return link_to(source.publisher)

    @admin.display(description="Date", ordering="date")
    def dated(self, source):
        return describe_date(source)

    @admin.display(description="Statements", ordering="statement_count")
    def statements_taken(self, source):
        return counted_link(source.statement_count, Statement, source=source.pk)

    # Not named `communications`: the admin would take the model's relation of that name and print its manager.
    @admin.display(description="Reports", ordering="communication_count")
    def reporting(self, source):
        return counted_link(source.communication_count, Communication, sources=source.pk)

    @admin.display(description="Statements in the text")
    def annotated_body(self, source):
        if source.pk is None:
            return None
        body = source.body
        anchored = (
            source.statements.filter(span_start__isnull=False)
            .select_related("speaker")
            .order_by("span_start", "-span_end", "id")
        )
        html, cursor = SafeString(""), 0
        for statement in anchored:
            # A span overlapping the previous highlight stays listed below but is not highlighted twice.
            if statement.span_start < cursor or statement.span_end > len(body):
                continue
            html += format_html("{}", body[cursor : statement.span_start])
            html += format_html(
                '<a href="{}" title="{}"><mark class="statement-status-{}">{}</mark></a>',
                change_url(statement),
                str(statement),
                statement.status,
                body[statement.span_start : statement.span_end],
            )
            cursor = statement.span_end
        html += format_html("{}", body[cursor:])
        return format_html('<div class="statement-source-text">{}</div>', html)
