"""Extraction in the admin: propose a source's statements as drafts, then review them one click each.

Curators run the extractor from the source changelist (an action) or the source page (a button),
then work through the drafts on the review screen: each draft is shown highlighted in its context
with its speaker as written and as resolved, and is verified, rejected or opened for correction.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from statements.choices import CurationStatus
from statements.models import Actor, Source, Statement
from statements.services import ExtractionResult, source_extract_statements, statements_set_status
from statements.worklist import sources_with_drafts

#: The decisions the review screen offers, by the status they give a draft.
REVIEW_DECISIONS = {CurationStatus.VERIFIED: "verified", CurationStatus.REJECTED: "rejected"}


#: How many sources with drafts the review screen lists when no source is chosen.
REVIEW_LIST_SIZE = 100

#: The query parameter of a statement's change page opened from the review screen: the source to return to.
RETURN_TO_REVIEW = "review_source"


def review_url(source: Source | int) -> str:
    """The review screen listing the drafts of a source."""
    source_id = source if isinstance(source, int) else source.pk
    return f"{reverse('admin:statements_statement_review')}?{urlencode({'source': source_id})}"


def can_extract(request) -> bool:
    """Extraction writes draft statements: it needs the permission to add them."""
    return request.user.has_perm(f"{Statement._meta.app_label}.add_{Statement._meta.model_name}")


def extraction_message(source: Source, result: ExtractionResult):
    """What a run did to a source, with a link to review its drafts."""
    return format_html(
        "“{}”: {} draft(s) created, {} proposal(s) already recorded, {} outdated draft(s) removed. "
        '<a href="{}">Review the drafts</a>.',
        source,
        len(result.created),
        len(result.unchanged),
        result.removed,
        review_url(source),
    )


class SourceExtractionMixin:
    """For the source admin: the "Extract statements" action and the button on the source page."""

    actions = ["extract_statements"]
    change_form_template = "admin/statements/source/change_form_with_extraction.html"

    def has_extract_permission(self, request) -> bool:
        return can_extract(request)

    def get_urls(self):
        urls = [
            path(
                "<int:source_id>/extract/",
                self.admin_site.admin_view(require_POST(self.extract_view)),
                name="statements_source_extract",
            )
        ]
        return urls + super().get_urls()

    def _extract(self, request, source: Source) -> bool:
        try:
            result = source_extract_statements(source=source, user=request.user)
        except ValidationError as error:
            self.message_user(request, f"“{source}”: nothing extracted. {' '.join(error.messages)}", messages.ERROR)
            return False
        self.message_user(request, extraction_message(source, result), messages.SUCCESS)
        return True

    @admin.action(description="Extract statements from the selected sources", permissions=["extract"])
    def extract_statements(self, request, queryset):
        for source in queryset.order_by("pk"):
            self._extract(request, source)

    def extract_view(self, request, source_id: int):
        if not can_extract(request):
            raise PermissionDenied
        source = get_object_or_404(Source, pk=source_id)
        if self._extract(request, source):
            return HttpResponseRedirect(review_url(source))
        return HttpResponseRedirect(reverse("admin:statements_source_change", args=[source.pk]))


class DraftReviewMixin:
    """For the statement admin: the review screen of a source's drafts and its verify and reject buttons."""

    def get_urls(self):
        urls = [
            path("review/", self.admin_site.admin_view(self.review_view), name="statements_statement_review"),
            path(
                "review/<int:statement_id>/decide/",
                self.admin_site.admin_view(require_POST(self.review_decision_view)),
                name="statements_statement_review_decide",
            ),
        ]
        return urls + super().get_urls()

    def review_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        source = Source.objects.filter(pk=request.GET.get("source", "")).first() if _is_id(request) else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "source": source,
            "can_change": self.has_change_permission(request),
            "can_extract": can_extract(request),
            "media": self.media,
        }
        if source is None:
            context["title"] = "Review extracted drafts"
            # The newest first, and a page of them: an archive can have thousands of sources waiting.
            listed = list(sources_with_drafts().only("pk", "title", "created_at")[: REVIEW_LIST_SIZE + 1])
            context["sources"], context["more_sources"] = listed[:REVIEW_LIST_SIZE], len(listed) > REVIEW_LIST_SIZE
            return TemplateResponse(request, "admin/statements/statement/review.html", context)
        drafts = (
            source.statements.filter(status=CurationStatus.DRAFT)
            .select_related("speaker", "reported_by", "source")
            .prefetch_related("addressees")
            .order_by("span_start", "id")
        )
        context["title"] = f"Review drafts: {source}"
        context["drafts"] = [
            {
                "statement": draft,
                "context": self.source_context(draft),
                "speaker": draft.speaker,
                "propose_actor_url": _propose_actor_url(draft),
            }
            for draft in drafts
        ]
        context["curated"] = dict(
            source.statements.exclude(status=CurationStatus.DRAFT)
            .values_list("status")
            .annotate(count=Count("id"))
            .order_by()
        )
        return TemplateResponse(request, "admin/statements/statement/review.html", context)

    def edited_where(self, request) -> str:
        if request.GET.get(RETURN_TO_REVIEW, "").isdigit():
            return "from the review screen"
        return super().edited_where(request)

    def response_change(self, request, obj):
        """After a correction opened from the review screen, back to that screen, at the next draft."""
        response = super().response_change(request, obj)
        source_id = request.GET.get(RETURN_TO_REVIEW, "")
        staying = any(name in request.POST for name in ("_continue", "_addanother", "_saveasnew"))
        if source_id.isdigit() and not staying and response.status_code == 302:
            return HttpResponseRedirect(review_url(int(source_id)))
        return response

    def review_decision_view(self, request, statement_id: int):
        statement = get_object_or_404(Statement.objects.select_related("source"), pk=statement_id)
        if not self.has_change_permission(request, statement):
            raise PermissionDenied
        status = request.POST.get("decision", "")
        back = review_url(statement.source_id) if statement.source_id else reverse("admin:statements_statement_review")
        if status not in REVIEW_DECISIONS:
            self.message_user(request, "Choose Verify or Reject.", messages.ERROR)
            return HttpResponseRedirect(back)
        try:
            statements_set_status(
                statements=Statement.objects.filter(pk=statement.pk),
                status=status,
                user=request.user,
                reason=f"{REVIEW_DECISIONS[status].capitalize()} on the review screen",
            )
        except ValidationError as error:
            self.message_user(
                request,
                format_html(
                    'Not verified: {} Resolve the speaker first (<a href="{}">correct the statement</a>).',
                    " ".join(error.messages),
                    reverse("admin:statements_statement_change", args=[statement.pk]),
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(f"{back}#statement-{statement.pk}")
        self.message_user(request, f"Statement {REVIEW_DECISIONS[status]}: “{statement}”.", messages.SUCCESS)
        return HttpResponseRedirect(back)


def _is_id(request) -> bool:
    value = request.GET.get("source", "")
    return value.isascii() and value.isdigit() and len(value) <= 18


def _propose_actor_url(statement: Statement) -> str | None:
    # The actor add form takes initial values from the query string: one click to confirm the proposal.
    if statement.speaker_id is not None or not statement.speaker_proposed_name:
        return None
    add_url = reverse(f"admin:{Actor._meta.app_label}_{Actor._meta.model_name}_add")
    return f"{add_url}?{urlencode({'name': statement.speaker_proposed_name})}"
