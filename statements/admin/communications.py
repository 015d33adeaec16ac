"""Admin for communications, with their participants and statements inline."""

from django.contrib import admin
from django.db import models
from django.forms import Textarea
from django.utils.html import format_html_join

from statements.admin.base import (
    TIMESTAMP_FIELDS,
    RecordAdmin,
    RecordTabularInline,
    count_of,
    counted_link,
    describe_date,
    link_to,
)
from statements.admin.filters import PresenceFilter, record_link_filter
from statements.models import Actor, Communication, Participation, Place, Source, Statement


class ParticipationInline(RecordTabularInline):
    """Who took part in a communication, and in what role."""

    model = Participation
    fields = ["actor", "role"]
    autocomplete_fields = ["actor"]
    verbose_name_plural = "participants"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class CommunicationStatementInline(RecordTabularInline):
    """The statements made in a communication; the full record, with its span, opens on its own page."""

    model = Statement
    fk_name = "communication"
    # The speaker as written, the span and the rest are on the statement's own page (the row's change link):
    # with them the row would not fit a 1,400 px window.
    fields = ["kind", "text", "speaker", "source", "status"]
    autocomplete_fields = ["speaker", "source"]
    show_change_link = True
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 50})}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker", "source")


class FollowUpFilter(PresenceFilter):
    """Whether a communication is about another one (a readout of a call)."""

    title = "regarding another"
    parameter_name = "is_follow_up"
    lookup = "regarding"
    yes_label, no_label = "Follow-ups", "Originals"


@admin.register(Communication)
class CommunicationAdmin(RecordAdmin):
    """Calls, readouts, briefings and talks, linked to what they are about and what followed them."""

    list_display = [
        "title",
        "kind",
        "dated",
        "place_link",
        "participant_names",
        "regarding_link",
        "statements_made",
    ]
    list_filter = [
        "kind",
        "date_precision",
        FollowUpFilter,
        "topics",
        record_link_filter("participants", Actor, "participant"),
        record_link_filter("sources", Source, "source"),
        record_link_filter("place", Place, "place"),
    ]
    search_fields = ["title", "summary", "participants__name", "participants__aliases__normalized_name", "place__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["duration_according_to", "place", "topics", "sources", "regarding"]
    readonly_fields = [*TIMESTAMP_FIELDS, "follow_ups_list", "statements_link"]
    inlines = [ParticipationInline, CommunicationStatementInline]
    fieldsets = [
        (None, {"fields": ["kind", "title", "summary", "place", "topics", "sources"]}),
        ("Date", {"fields": ["date", "date_precision", "date_expression"]}),
        ("Duration", {"fields": ["duration_minutes", "duration_is_approximate", "duration_according_to"]}),
        ("Related communications", {"fields": ["regarding", "follow_ups_list", "statements_link"]}),
        ("Record", {"fields": list(TIMESTAMP_FIELDS), "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("place", "regarding")
            .prefetch_related(models.Prefetch("participations", Participation.objects.select_related("actor")))
            .annotate(statement_count=count_of(Statement, "communication"))
        )

    @admin.display(description="Date", ordering="date")
    def dated(self, communication):
        return describe_date(communication)

    @admin.display(description="Place", ordering="place__name")
    def place_link(self, communication):
        return link_to(communication.place)

    @admin.display(description="Participants")
    def participant_names(self, communication):
        participations = communication.participations.all()
        return (
            format_html_join(
                ", ",
                "{} ({})",
                ((link_to(part.actor), part.get_role_display().lower()) for part in participations),
            )
            or None
        )

    @admin.display(description="Regarding", ordering="regarding__title")
    def regarding_link(self, communication):
        return link_to(communication.regarding)

    @admin.display(description="Statements", ordering="statement_count")
    def statements_made(self, communication):
        return counted_link(communication.statement_count, Statement, communication=communication.pk)

    @admin.display(description="Follow-ups")
    def follow_ups_list(self, communication):
        if communication.pk is None:
            return None
        follow_ups = communication.follow_ups.order_by("date", "title")
        return format_html_join(", ", "{}", ((link_to(follow_up),) for follow_up in follow_ups)) or None

    @admin.display(description="Statements")
    def statements_link(self, communication):
        if communication.pk is None:
            return None
        count = communication.statements.count()
        return counted_link(count, Statement, "statement", communication=communication.pk)
