"""Admin for merging duplicate actors: possible duplicates, a confirmed merge, a bulk action, and the merge log."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from statements import duplicates, services
from statements.admin.base import change_url, link_to
from statements.merging import merge_moved_counts
from statements.models import Actor, ActorMerge

#: Groups of look-alike actors shown at once on the duplicates page; the rest wait until these are dealt with.
DUPLICATES_SHOWN = 100

#: Posted by the duplicates page's merge forms, so that the merge action returns there.
FROM_DUPLICATES = "from_duplicates"


def refusal_text(error: ValidationError) -> str:
    """A refusal's messages as one sentence for an admin message."""
    return " ".join(error.messages)


def reference_counts(actor: Actor) -> list[tuple[str, int]]:
    """What refers to an actor, as (label, count): what a merge would move."""
    return [
        ("Statements spoken", actor.statements.count()),
        ("Statements relayed", actor.statements_reported.count()),
        ("Statements addressed to it", actor.statements_addressed.count()),
        ("Statements mentioning it", actor.statements_mentioning.count()),
        ("Participations", actor.participations.count()),
        ("Positions held", actor.positions.count()),
        ("Positions within it", actor.positions_within.count()),
        ("Affiliated actors", actor.affiliated_actors.count()),
        ("Sources published", actor.published_sources.count()),
        ("Sources written", actor.authored_sources.count()),
        ("Durations reported", actor.durations_reported.count()),
        ("Aliases", actor.aliases.count()),
        ("Actors merged into it", actor.merged_actors.count()),
    ]


class MergedFilter(admin.SimpleListFilter):
    """Merged actors are only pointers to the actor kept, so the list leaves them out unless asked."""

    title = "merged"
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return [("yes", "Merged into another"), ("all", "All")]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Not merged",
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(merged_into__isnull=False)
        if self.value() == "all":
            return queryset
        return queryset.filter(merged_into__isnull=True)


class ActorMergingAdminMixin:
    """Adds to the actor admin: the duplicates page, a confirmed merge, the merge action and the merged banner."""

    change_list_template = "admin/statements/actor/merging_change_list.html"
    actions = ["merge_selected"]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("duplicates/", wrap(self.duplicates_view), name="statements_actor_duplicates"),
            path(
                "<int:merged_id>/merge-into/<int:into_id>/",
                wrap(self.merge_view),
                name="statements_actor_merge",
            ),
            *super().get_urls(),
        ]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), MergedFilter]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "merged_into_link"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.merged_into_id is None:
            return fieldsets
        notice = "This actor is a duplicate: its references moved to the actor it was merged into."
        return [("Merged", {"fields": ["merged_into_link"], "description": notice}), *fieldsets]

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path == reverse("admin:autocomplete"):
            # A merged actor is only a pointer: new references should go to the actor kept.
            found = found.filter(merged_into__isnull=True)
        return found, may_have_duplicates

    @admin.display(description="Merged into")
    def merged_into_link(self, actor):
        return link_to(actor.merged_into)

    def _require_change_permission(self, request) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied

    def duplicates_view(self, request):
        """Pairs of actors that look like one another, each with a link to merge one into the other."""
        self._require_change_permission(request)
        groups, group_count = duplicates.actor_duplicate_groups(limit=DUPLICATES_SHOWN)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Possible duplicate actors",
            "groups": [
                {"group": group, "rows": [(actor, group.statement_counts[actor.pk]) for actor in group.actors]}
                for group in groups
            ],
            "group_count": group_count,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/statements/actor/duplicates.html", context)

    def merge_view(self, request, merged_id: int, into_id: int):
        """Confirm a merge (GET), then merge (POST) and go to the actor kept."""
        self._require_change_permission(request)
        merged = get_object_or_404(Actor, pk=merged_id)
        into = get_object_or_404(Actor, pk=into_id)
        if request.method == "POST":
            try:
                merge = services.actor_merge(merged=merged, into=into, user=request.user)
            except ValidationError as error:
                self.message_user(request, f"Not merged: {refusal_text(error)}", messages.ERROR)
            else:
                self._report_merges(request, [merge])
                return HttpResponseRedirect(change_url(into))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Merge {merged} into {into}?",
            "merged": merged,
            "into": into,
            "merged_references": [row for row in reference_counts(merged) if row[1]],
            "swap_url": reverse("admin:statements_actor_merge", args=[into.pk, merged.pk]),
        }
        return TemplateResponse(request, "admin/statements/actor/merge_confirm.html", context)

    @admin.action(description="Merge selected actors into one…", permissions=["change"])
    def merge_selected(self, request, queryset):
        actors = list(queryset.order_by("name", "pk"))
        if len(actors) < 2:
            self.message_user(request, "Select at least two actors to merge.", messages.WARNING)
            return None
        keep_pk = request.POST.get("keep")
        if request.POST.get("post") and keep_pk:
            keep = next((actor for actor in actors if str(actor.pk) == keep_pk), None)
            if keep is None:
                self.message_user(request, "Choose one of the selected actors to keep.", messages.ERROR)
                return None
            try:
                with transaction.atomic():
                    merges = [
                        services.actor_merge(merged=actor, into=keep, user=request.user)
                        for actor in actors
                        if actor.pk != keep.pk
                    ]
            except ValidationError as error:
                self.message_user(request, f"Nothing was merged: {refusal_text(error)}", messages.ERROR)
                return None
            self._report_merges(request, merges)
            if request.POST.get(FROM_DUPLICATES):
                return HttpResponseRedirect(reverse("admin:statements_actor_duplicates"))
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Merge actors: which one to keep?",
            "actors": [(actor, [row for row in reference_counts(actor) if row[1]]) for actor in actors],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected": [actor.pk for actor in actors],
        }
        return TemplateResponse(request, "admin/statements/actor/merge_selected.html", context)

    def _report_merges(self, request, merges: list[ActorMerge]) -> None:
        for merge in merges:
            moved = sum(merge_moved_counts(merge).values())
            self.message_user(
                request,
                format_html(
                    'Merged {} into {} ({} references moved). <a href="{}">Undo it from the merge log</a>.',
                    merge.merged,
                    merge.into,
                    moved,
                    reverse("admin:statements_actormerge_change", args=[merge.pk]),
                ),
                messages.SUCCESS,
            )


class UndoneFilter(admin.SimpleListFilter):
    """Whether a merge was undone."""

    title = "undone"
    parameter_name = "undone"

    def lookups(self, request, model_admin):
        return [("yes", "Undone"), ("no", "In effect")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(undone_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(undone_at__isnull=True)
        return queryset


@admin.register(ActorMerge)
class ActorMergeAdmin(admin.ModelAdmin):
    """The log of actor merges: read only, written by merges; a merge in effect can be undone."""

    list_display = ["merge_name", "merged_link", "into_link", "moved_summary", "merged_at", "merged_by", "undone_at"]
    list_filter = [UndoneFilter, "merged_at"]
    search_fields = ["merged__name", "into__name", "=merged__pk", "=into__pk"]
    list_select_related = ["merged", "into", "merged_by", "undone_by"]
    actions = ["undo_merges"]
    fields = ["merged_link", "into_link", "moved_summary", "merged_at", "merged_by", "undone_at", "undone_by"]
    readonly_fields = fields
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_undo_permission(self, request):
        return request.user.has_perm("statements.change_actor")

    @admin.display(description="Merge", ordering="pk")
    def merge_name(self, merge):
        return f"Merge {merge.pk}"

    @admin.display(description="Duplicate", ordering="merged__name")
    def merged_link(self, merge):
        return link_to(merge.merged)

    @admin.display(description="Merged into", ordering="into__name")
    def into_link(self, merge):
        return link_to(merge.into)

    @admin.display(description="Moved")
    def moved_summary(self, merge):
        counts = merge_moved_counts(merge)
        return ", ".join(f"{key}: {count}" for key, count in counts.items()) or "nothing"

    @admin.action(description="Undo selected merges (newest first)", permissions=["undo"])
    def undo_merges(self, request, queryset):
        for merge in queryset.order_by("-merged_at", "-pk"):
            try:
                services.actor_merge_undo(merge=merge, user=request.user)
            except ValidationError as error:
                self.message_user(request, f"Merge {merge.pk} not undone: {refusal_text(error)}", messages.ERROR)
            else:
                self.message_user(request, f"Undid merge {merge.pk}: {merge.merged} is separate again.")
