"""What waits for curators: drafts to review, by source, and the sources added last.

Read on the admin's index and on the review screen. A partial index holds only draft statements (see
the Statement model), so counting and finding drafts costs what the queue holds, not the archive.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce

from statements.choices import CurationStatus
from statements.models import Source, Statement

#: How many sources the index lists in each of its two lists.
LISTED_SOURCES = 10


@dataclass(frozen=True)
class ReviewQueue:
    """Drafts waiting for a curator, and the sources to review first."""

    draft_count: int
    sources_with_drafts: list[Source]
    newest_sources: list[Source]


def _drafts_of_source() -> models.QuerySet:
    return Statement.objects.filter(source=OuterRef("pk"), status=CurationStatus.DRAFT)


def with_draft_counts(sources: models.QuerySet[Source]) -> models.QuerySet[Source]:
    """Sources annotated with `draft_count`, the number of their statements still drafts."""
    drafts = _drafts_of_source().order_by().values("source").annotate(count=Count("pk")).values("count")
    return sources.annotate(draft_count=Coalesce(Subquery(drafts, output_field=models.IntegerField()), 0))


def sources_with_drafts() -> models.QuerySet[Source]:
    """Sources that have drafts to review, the most recently added first, each with its `draft_count`."""
    return with_draft_counts(Source.objects.filter(Exists(_drafts_of_source()))).order_by("-created_at", "-id")


def review_queue(listed: int = LISTED_SOURCES) -> ReviewQueue:
    """The drafts waiting, the newest sources that have some, and the newest sources of all."""
    newest = with_draft_counts(Source.objects.order_by("-created_at", "-id"))
    return ReviewQueue(
        draft_count=Statement.objects.filter(status=CurationStatus.DRAFT).count(),
        sources_with_drafts=list(sources_with_drafts().only("pk", "title", "created_at")[:listed]),
        newest_sources=list(newest.only("pk", "title", "created_at")[:listed]),
    )
