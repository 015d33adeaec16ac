"""Admin for actors, their aliases and the positions they hold."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django_countries.filters import CountryFilter

from statements import duplicates
from statements.admin.base import (
    TIMESTAMP_FIELDS,
    FoldedAliasSearchMixin,
    RecordAdmin,
    RecordForm,
    RecordTabularInline,
    change_url,
    count_of,
    counted_link,
    link_to,
)
from statements.admin.filters import PresenceFilter
from statements.admin.merging import ActorMergingAdminMixin
from statements.models import Actor, ActorAlias, Communication, Participation, Position, Source, Statement


class ActorAliasInline(RecordTabularInline):
    """The other names of an actor, with the folded form used for matching."""

    model = ActorAlias
    fields = ["name", "normalized_name"]
    readonly_fields = ["normalized_name"]


class PositionInline(RecordTabularInline):
    """The positions an actor held."""

    model = Position
    fk_name = "actor"
    fields = ["title", "organization", "country", "start_date", "end_date"]
    autocomplete_fields = ["organization"]


class HasWikidataFilter(PresenceFilter):
    """Whether an actor is linked to Wikidata."""

    title = "Wikidata id"
    parameter_name = "has_wikidata"
    lookup = "wikidata_id"
    yes_label, no_label = "Linked", "Not linked"


class HasAffiliationFilter(PresenceFilter):
    """Whether an actor (typically an unnamed source) belongs to another."""

    title = "affiliation"
    parameter_name = "has_affiliation"
    lookup = "affiliation"


class ActorForm(RecordForm):
    """The actor form; adding an actor whose name an existing actor has, as name or alias, asks first."""

    create_anyway = forms.BooleanField(
        required=False,
        label="Add even if it looks like an existing actor",
        help_text="Tick only for a different actor of the same name: two records of one actor split its statements.",
    )

    def clean(self):
        cleaned_data = super().clean()
        name = cleaned_data.get("name")
        if self.instance.pk is not None or not name or cleaned_data.get("create_anyway"):
            return cleaned_data
        alike = duplicates.actors_named_like(name)
        if alike:
            links = format_html_join(", ", '<a href="{}">{}</a> (id {})', ((change_url(a), a, a.pk) for a in alike[:5]))
            self.add_error(
                "name",
                ValidationError(
                    format_html(
                        "{} already {} this name or alias: {}. Open it instead, or tick "
                        "“Add even if it looks like an existing actor” below.",
                        f"{len(alike)} actor{'s' if len(alike) > 1 else ''}",
                        "have" if len(alike) > 1 else "has",
                        links,
                    ),
                    code="looks_like_an_existing_actor",
                ),
            )
        return cleaned_data


@admin.register(Actor)
class ActorAdmin(ActorMergingAdminMixin, FoldedAliasSearchMixin, RecordAdmin):
    """Actors, searchable by name, alias (accents and apostrophes folded), slug and Wikidata id."""

    list_display = [
        "name",
        "kind",
        "country",
        "alias_names",
        "affiliation_link",
        "wikidata",
        "statements_spoken",
        "communications_joined",
    ]
    list_filter = ["kind", ("country", CountryFilter), HasWikidataFilter, HasAffiliationFilter]
    search_fields = ["name", "slug", "aliases__name", "aliases__normalized_name", "=wikidata_id"]
    search_help_text = "Name, alias (accents and apostrophe styles do not matter), slug or Wikidata id."
    autocomplete_fields = ["affiliation"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [*TIMESTAMP_FIELDS, "activity"]
    inlines = [ActorAliasInline, PositionInline]
    form = ActorForm
    fieldsets = [
        (None, {"fields": ["name", "kind", "slug", "description", "country", "wikidata_id", "affiliation"]}),
        ("In the data", {"fields": ["activity"]}),
        ("Record", {"fields": list(TIMESTAMP_FIELDS), "classes": ["collapse"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "create_anyway"]}), *rest]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("affiliation")
            .prefetch_related("aliases")
            .annotate(
                statement_count=count_of(Statement, "speaker"),
                communication_count=count_of(Participation, "actor", distinct="communication"),
            )
        )

    @admin.display(description="Aliases")
    def alias_names(self, actor):
        return ", ".join(alias.name for alias in actor.aliases.all()) or None

    @admin.display(description="Affiliation", ordering="affiliation__name")
    def affiliation_link(self, actor):
        return link_to(actor.affiliation)

    @admin.display(description="Wikidata", ordering="wikidata_id")
    def wikidata(self, actor):
        if not actor.wikidata_id:
            return None
        return format_html(
            '<a href="https://www.wikidata.org/wiki/{}" target="_blank" rel="noopener noreferrer">{}</a>',
            actor.wikidata_id,
            actor.wikidata_id,
        )

    @admin.display(description="Statements", ordering="statement_count")
    def statements_spoken(self, actor):
        return counted_link(actor.statement_count, Statement, speaker=actor.pk)

    @admin.display(description="Communications", ordering="communication_count")
    def communications_joined(self, actor):
        return counted_link(actor.communication_count, Communication, participants=actor.pk)

    @admin.display(description="Appears in")
    def activity(self, actor):
        if actor.pk is None:
            return None
        links = [
            ("Spoke", counted_link(actor.statements.count(), Statement, "statement", speaker=actor.pk)),
            (
                "Addressed by",
                counted_link(actor.statements_addressed.count(), Statement, "statement", addressees=actor.pk),
            ),
            (
                "Mentioned in",
                counted_link(actor.statements_mentioning.count(), Statement, "statement", mentioned_actors=actor.pk),
            ),
            (
                "Relayed",
                counted_link(actor.statements_reported.count(), Statement, "statement", reported_by=actor.pk),
            ),
            (
                "Took part in",
                counted_link(
                    # Distinct communications, counted on the participation table's actor index alone.
                    actor.participations.order_by().values("communication").distinct().count(),
                    Communication,
                    "communication",
                    participants=actor.pk,
                ),
            ),
            ("Published", counted_link(actor.published_sources.count(), Source, "source", publisher=actor.pk)),
        ]
        return format_html('<ul class="record-activity">{}</ul>', format_html_join("", "<li>{}: {}</li>", links))


class TenureFilter(admin.SimpleListFilter):
    """Whether a position is still held (it has no end date) or has ended."""

    title = "tenure"
    parameter_name = "tenure"

    def lookups(self, request, model_admin):
        return [("current", "Still held"), ("ended", "Ended")]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.filter(end_date__isnull=True)
        if self.value() == "ended":
            return queryset.filter(end_date__isnull=False)
        return queryset


@admin.register(Position)
class PositionAdmin(RecordAdmin):
    """Positions actors held, searchable by title, holder and organisation."""

    list_display = ["title", "holder", "organization_link", "country", "start_date", "end_date"]
    list_display_links = ["title"]
    list_filter = [("country", CountryFilter), TenureFilter]
    search_fields = ["title", "actor__name", "actor__aliases__normalized_name", "organization__name"]
    autocomplete_fields = ["actor", "organization"]
    readonly_fields = [*TIMESTAMP_FIELDS, "statements_in_position"]
    fieldsets = [
        (None, {"fields": ["actor", "title", "organization", "country", "start_date", "end_date"]}),
        ("In the data", {"fields": ["statements_in_position"]}),
        ("Record", {"fields": list(TIMESTAMP_FIELDS), "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "organization")

    @admin.display(description="Held by", ordering="actor__name")
    def holder(self, position):
        return link_to(position.actor)

    @admin.display(description="Organization", ordering="organization__name")
    def organization_link(self, position):
        return link_to(position.organization)

    @admin.display(description="Statements")
    def statements_in_position(self, position):
        if position.pk is None:
            return None
        return counted_link(position.statements.count(), Statement, "statement", position=position.pk)
