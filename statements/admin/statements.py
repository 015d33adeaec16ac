"""Admin for statements: the curator's main worklist, with the quoted words shown in their source."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Prefetch, Q
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from statements import selectors
from statements.admin.base import (
    TIMESTAMP_FIELDS,
    RecordAdmin,
    describe_date,
    link_to,
)
from statements.admin.extraction import DraftReviewMixin
from statements.admin.filters import PresenceFilter, record_link_filter
from statements.admin.history import DeletedStatementsAdminMixin
from statements.anchoring import context_around
from statements.choices import CurationStatus, StatementKind
from statements.models import Actor, Communication, Place, Position, Source, Statement, Topic
from statements.models.base import DateKey
from statements.search import full_text_matches
from statements.services import statements_set_status

#: At most this many actors matching an admin search are searched as speakers.
SEARCHED_SPEAKERS = 500

#: A search with at most this many matches lists them by id (see StatementAdmin.get_search_results).
FEW_MATCHES = 1000

# Characters of source text shown on each side of a statement's span.
CONTEXT_WIDTH = 300


class SpeakerResolvedFilter(PresenceFilter):
    """Whether the speaker has been resolved to an actor (needed before verifying)."""

    title = "speaker resolved"
    parameter_name = "speaker_resolved"
    lookup = "speaker"


class AnchoredFilter(PresenceFilter):
    """Whether the statement is anchored to characters of its source."""

    title = "anchored in source"
    parameter_name = "anchored"
    lookup = "span_start"


class SearchScopeFilter(admin.SimpleListFilter):
    """Where the search box looks: the statement and its speaker (by default), or the titles of its records."""

    title = "search in"
    parameter_name = "search_in"
    #: The fields each scope searches, by the scope's parameter value.
    scopes = {
        "source": ("source titles", ["source__title"]),
        "communication": ("communication titles", ["communication__title"]),
    }

    def lookups(self, request, model_admin):
        return [(value, label) for value, (label, _fields) in self.scopes.items()]

    def choices(self, changelist):
        # The first choice is "no scope": named for what it searches rather than "All".
        everything, *scopes = super().choices(changelist)
        yield {**everything, "display": "the statement and its speaker"}
        yield from scopes

    def queryset(self, request, queryset):
        # The scope changes the search fields (StatementAdmin.get_search_fields), not the records.
        return queryset


@admin.register(Statement)
class StatementAdmin(DeletedStatementsAdminMixin, DraftReviewMixin, RecordAdmin):
    """Statements, with bulk curation actions and the source text around each quote."""

    # The status comes first so that it is never scrolled out of sight: a rejected draft must not pass for
    # a verified quote.
    list_display = [
        "status_badge",
        "statement",
        "kind_label",
        "speaker_link",
        "addressee_links",
        "communication_link",
        "source_link",
        "dated",
    ]
    list_display_links = ["statement"]
    list_filter = [
        SearchScopeFilter,
        "status",
        "kind",
        SpeakerResolvedFilter,
        AnchoredFilter,
        "date",
        "date_precision",
        record_link_filter("topics", Topic, "topic"),
        record_link_filter("speaker", Actor, "speaker"),
        record_link_filter("position", Position, "position"),
        record_link_filter("addressees", Actor, "addressee"),
        record_link_filter("mentioned_actors", Actor, "mentioned actor"),
        record_link_filter("mentioned_places", Place, "mentioned place"),
        record_link_filter("reported_by", Actor, "relayed by"),
        record_link_filter("communication", Communication, "communication"),
        record_link_filter("source", Source, "source"),
    ]
    # A search looks in the statement's words and its speaker; "Search in" in the sidebar turns it to the
    # titles of sources or communications (a word of a source's title would otherwise match all its statements).
    search_fields = ["text", "speaker__name", "speaker__aliases__normalized_name"]
    search_help_text = (
        "Words of the statement, and its speaker's name or alias. "
        "To find statements by the title of their source or communication, choose “Search in” in the sidebar."
    )
    # Newest first by the key the statement indexes are built on (statements.models.base.DateKey): the
    # first page of a million statements, or of one speaker's, is read from an index, not sorted. No
    # date_hierarchy: its year links group the whole table on every load; the date filter is cheap.
    ordering = [DateKey().desc(), "-id"]
    autocomplete_fields = [
        "speaker",
        "position",
        "addressees",
        "reported_by",
        "communication",
        "source",
        "topics",
        "mentioned_actors",
        "mentioned_places",
        "in_reply_to",
    ]
    readonly_fields = [
        *TIMESTAMP_FIELDS,
        "created_by",
        "updated_by",
        "source_context",
        "speaker_proposed_name",
        "confidence",
        "extractor",
    ]
    fieldsets = [
        (None, {"fields": ["kind", "text", "status"]}),
        (
            "Who",
            {
                "fields": [
                    "speaker",
                    "speaker_as_written",
                    "speaker_proposed_name",
                    "position",
                    "addressees",
                    "reported_by",
                ]
            },
        ),
        (
            "Where it was said and read",
            {"fields": ["communication", "source", "span_start", "span_end", "source_context"]},
        ),
        ("Date", {"fields": ["date", "date_precision", "date_expression"]}),
        ("About", {"fields": ["topics", "mentioned_actors", "mentioned_places", "in_reply_to"]}),
        ("Extraction", {"fields": ["extractor", "confidence"], "classes": ["collapse"]}),
        ("Record", {"fields": [*TIMESTAMP_FIELDS, "created_by", "updated_by"], "classes": ["collapse"]}),
    ]
    actions = ["mark_verified", "mark_rejected", "mark_draft"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("speaker", "communication", "source", "created_by", "updated_by")
            .prefetch_related(Prefetch("addressees", queryset=Actor.objects.only("pk", "name").order_by("name")))
        )

    def get_search_results(self, request, queryset, search_term):
        in_scope = request.GET.get(SearchScopeFilter.parameter_name, "") in SearchScopeFilter.scopes
        if in_scope or connection.vendor != "postgresql" or not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        # Testing every statement's text and speaker for a substring took seconds at a million statements:
        # the words are matched on the stored full-text vector (its GIN index), the speaker by the actor
        # search's trigram indexes, as the API's `q` and `speaker` searches do.
        # The speakers are read first: given as ids, the planner sees how few rows they add (as a
        # subquery it guessed half the table, and walked all of it for a rare word).
        speakers = list(
            selectors.actor_search(Actor.objects.all(), search_term).values_list("pk", flat=True)[:SEARCHED_SPEAKERS]
        )
        spoken = Q(speaker__in=speakers) if speakers else None
        matches = full_text_matches(queryset, search_term, alternatively=spoken)
        # A rare word's matches are read first and listed by id: the planner, guessing a thousand matches
        # for a word its statistics do not know, would walk the whole date index to find a few.
        few = list(matches.order_by().values_list("pk", flat=True)[: FEW_MATCHES + 1])
        if len(few) <= FEW_MATCHES:
            return queryset.filter(pk__in=few), False
        return matches, False

    def get_search_fields(self, request):
        scope = SearchScopeFilter.scopes.get(request.GET.get(SearchScopeFilter.parameter_name, ""))
        return scope[1] if scope else super().get_search_fields(request)

    def get_changeform_initial_data(self, request):
        # Defaults suited to the common case: a verbatim quote being recorded as a draft.
        return {"kind": StatementKind.DIRECT_QUOTE, **super().get_changeform_initial_data(request)}

    @admin.display(description="Statement", ordering="text")
    def statement(self, statement):
        words = Truncator(statement.text).chars(100)
        words = f"“{words}”" if statement.kind == StatementKind.DIRECT_QUOTE else words
        if statement.is_anchored:
            return words
        # Said in the statement's own cell, where the table has no room for a column of its own.
        return format_html('{} <span class="statement-unanchored">not anchored</span>', words)

    @admin.display(description="Kind", ordering="kind")
    def kind_label(self, statement):
        return "Quote" if statement.kind == StatementKind.DIRECT_QUOTE else statement.get_kind_display()

    @admin.display(description="Addressees")
    def addressee_links(self, statement):
        return format_html_join(", ", "{}", ((link_to(actor),) for actor in statement.addressees.all())) or None

    @admin.display(description="Speaker", ordering="speaker__name")
    def speaker_link(self, statement):
        if statement.speaker is None:
            return format_html('<span class="statement-unresolved">{}</span>', statement.speaker_as_written or "?")
        return link_to(statement.speaker)

    @admin.display(description="Communication", ordering="communication__title")
    def communication_link(self, statement):
        return link_to(statement.communication)

    @admin.display(description="Source", ordering="source__title")
    def source_link(self, statement):
        return link_to(statement.source)

    @admin.display(description="Date", ordering="date")
    def dated(self, statement):
        return describe_date(statement)

    @admin.display(description="Status", ordering="status")
    def status_badge(self, statement):
        return format_html(
            '<span class="statement-status statement-status-{}">{}</span>',
            statement.status,
            statement.get_status_display(),
        )

    @admin.display(description="In the source")
    def source_context(self, statement):
        if statement.source_id is None or not statement.is_anchored:
            return "Not anchored: give a source, and for a paraphrase its span, to see the words in context."
        body = statement.source.body
        before, inside, after = context_around(body, statement.span_start, statement.span_end, CONTEXT_WIDTH)
        # Cut context starts and ends at a word boundary rather than mid-word.
        cut_before, cut_after = statement.span_start > CONTEXT_WIDTH, statement.span_end + CONTEXT_WIDTH < len(body)
        if cut_before and " " in before:
            before = before.split(" ", 1)[1]
        if cut_after and " " in after:
            after = after.rsplit(" ", 1)[0]
        return format_html(
            '<div class="statement-source-text">{}{}<mark>{}</mark>{}{}</div>',
            "… " if cut_before else "",
            before,
            inside,
            after,
            " …" if cut_after else "",
        )

    def _set_status(self, request, queryset, status: str) -> None:
        try:
            label = CurationStatus(status).label.lower()
            changed = statements_set_status(
                statements=queryset, status=status, user=request.user, reason=f"Marked {label} from the statement list"
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages) + " Nothing was changed.", messages.ERROR)
            return
        label = CurationStatus(status).label.lower()
        noun = "statement" if changed == 1 else "statements"
        self.message_user(request, f"{changed} {noun} marked {label}.", messages.SUCCESS)

    @admin.action(description="Mark selected statements verified", permissions=["change"])
    def mark_verified(self, request, queryset):
        self._set_status(request, queryset, CurationStatus.VERIFIED)

    @admin.action(description="Mark selected statements rejected", permissions=["change"])
    def mark_rejected(self, request, queryset):
        self._set_status(request, queryset, CurationStatus.REJECTED)

    @admin.action(description="Send selected statements back to draft", permissions=["change"])
    def mark_draft(self, request, queryset):
        self._set_status(request, queryset, CurationStatus.DRAFT)
