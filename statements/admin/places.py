"""Admin for places and topics: the where and the what-about of communications and statements."""

from django.contrib import admin
from django.utils.html import format_html_join
from django_countries.filters import CountryFilter

from statements.admin.base import (
    TIMESTAMP_FIELDS,
    FoldedAliasSearchMixin,
    RecordAdmin,
    RecordTabularInline,
    count_of,
    counted_link,
    link_to,
)
from statements.admin.filters import PresenceFilter
from statements.models import Communication, Place, PlaceAlias, Statement, Topic


class PlaceAliasInline(RecordTabularInline):
    """The other names of a place, with the folded form used for matching."""

    model = PlaceAlias
    fields = ["name", "normalized_name"]
    readonly_fields = ["normalized_name"]


@admin.register(Place)
class PlaceAdmin(FoldedAliasSearchMixin, RecordAdmin):
    """Places, searchable by name and alias (accents and apostrophes folded)."""

    list_display = ["name", "kind", "country", "alias_names", "within", "communications_here", "mentions"]
    list_filter = ["kind", ("country", CountryFilter)]
    search_fields = ["name", "slug", "aliases__name", "aliases__normalized_name"]
    search_help_text = "Name, alias (accents and apostrophe styles do not matter) or slug."
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = TIMESTAMP_FIELDS
    inlines = [PlaceAliasInline]
    fieldsets = [
        (None, {"fields": ["name", "kind", "slug", "country", "parent", "latitude", "longitude"]}),
        ("Record", {"fields": list(TIMESTAMP_FIELDS), "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .prefetch_related("aliases")
            .annotate(
                communication_count=count_of(Communication, "place"),
                mention_count=count_of(Statement.mentioned_places.through, "place", distinct="statement"),
            )
        )

    @admin.display(description="Aliases")
    def alias_names(self, place):
        return ", ".join(alias.name for alias in place.aliases.all()) or None

    @admin.display(description="Within", ordering="parent__name")
    def within(self, place):
        return link_to(place.parent)

    @admin.display(description="Communications", ordering="communication_count")
    def communications_here(self, place):
        return counted_link(place.communication_count, Communication, place=place.pk)

    @admin.display(description="Mentioned in", ordering="mention_count")
    def mentions(self, place):
        return counted_link(place.mention_count, Statement, mentioned_places=place.pk)


class TopLevelFilter(PresenceFilter):
    """Whether a topic sits beneath a broader one."""

    title = "broader topic"
    parameter_name = "has_parent"
    lookup = "parent"
    yes_label, no_label = "Has a broader topic", "Top level"


@admin.register(Topic)
class TopicAdmin(RecordAdmin):
    """Topics, a tree of subjects that communications and statements are about."""

    list_display = ["name", "slug", "broader", "statements_about", "communications_about"]
    list_filter = [TopLevelFilter]
    search_fields = ["name", "slug", "description"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [*TIMESTAMP_FIELDS, "narrower"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "parent", "narrower"]}),
        ("Record", {"fields": list(TIMESTAMP_FIELDS), "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .annotate(
                statement_count=count_of(Statement.topics.through, "topic", distinct="statement"),
                communication_count=count_of(Communication.topics.through, "topic", distinct="communication"),
            )
        )

    @admin.display(description="Broader topic", ordering="parent__name")
    def broader(self, topic):
        return link_to(topic.parent)

    @admin.display(description="Statements", ordering="statement_count")
    def statements_about(self, topic):
        return counted_link(topic.statement_count, Statement, topics__id__exact=topic.pk)

    @admin.display(description="Communications", ordering="communication_count")
    def communications_about(self, topic):
        return counted_link(topic.communication_count, Communication, topics__id__exact=topic.pk)

    @admin.display(description="Narrower topics")
    def narrower(self, topic):
        if topic.pk is None:
            return None
        children = topic.children.order_by("name")
        return format_html_join(", ", "{}", ((link_to(child),) for child in children)) or None
