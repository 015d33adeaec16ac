"""Extraction as drafts: a source's statements proposed by the extractor, re-run safely."""

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef

from statements.choices import CurationStatus, DatePrecision
from statements.extraction import (
    EXTRACTOR_NAME,
    EXTRACTOR_VERSION,
    ActorResolver,
    ExtractedStatement,
    Mention,
    extract,
    stored_actor_resolver,
)
from statements.history import acting_user, attribute_to, change_reason, current_change_reason, one_history_record
from statements.models import Source, Statement
from statements.models.base import validate_date_fits_precision
from statements.services.records import record_delete, validated_save

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractionResult:
    """What one extraction run did to a source: drafts created, proposals already standing, stale drafts removed."""

    created: list[Statement]
    unchanged: list[Statement]
    removed: int

    @property
    def statements(self) -> list[Statement]:
        """The statements that stand for this run's proposals, new and existing, in text order."""
        return sorted([*self.created, *self.unchanged], key=lambda statement: (statement.span_start or 0, statement.pk))


def extractor_label() -> str:
    """The current extractor as a statement records it: "name version"."""
    return f"{EXTRACTOR_NAME} {EXTRACTOR_VERSION}"


def extraction_digest(statement: Statement, *, addressee_ids: Iterable[int] = ()) -> str:
    """A fingerprint of everything a curator can change on a statement, its version and to-many members included.

    The extractor stores it on each draft it writes. Comparing it with the draft as it stands tells,
    whatever path a later write took (admin, API, import, bulk status change), whether anyone changed
    the draft since: such a draft is the curator's work and extraction never touches it again. On an
    unsaved statement the to-many members are the `addressee_ids` given; the extractor sets no others.
    """
    if statement.pk is None:
        members = {"addressees": sorted(addressee_ids), "topics": [], "mentioned_actors": [], "mentioned_places": []}
    else:
        members = {
            name: sorted(member.pk for member in getattr(statement, name).all())
            for name in ("addressees", "topics", "mentioned_actors", "mentioned_places")
        }
    fields = {
        field.attname: getattr(statement, field.attname)
        for field in Statement._meta.concrete_fields
        if field.name in _DIGESTED_FIELDS
    }
    payload = json.dumps({**fields, **members}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# What a curator decides about a statement; provenance (extractor, confidence) and stamps are left out.
_DIGESTED_FIELDS = frozenset(
    {
        "kind",
        "text",
        "status",
        "speaker",
        "speaker_as_written",
        "speaker_proposed_name",
        "position",
        "reported_by",
        "communication",
        "source",
        "span_start",
        "span_end",
        "date",
        "date_precision",
        "date_expression",
        "in_reply_to",
        "version",
    }
)


def is_untouched_draft(statement: Statement) -> bool:
    """Whether a statement is a draft the extractor wrote that nobody has changed since (prefetch its members)."""
    return (
        bool(statement.extractor)
        and statement.status == CurationStatus.DRAFT
        and statement.extraction_digest == extraction_digest(statement)
    )


@dataclass
class _Proposal:
    """A draft the extractor proposes, not yet saved, with its addressees and fingerprint."""

    statement: Statement
    addressee_ids: list[int]
    digest: str = ""

    @property
    def key(self) -> tuple[str, int, int]:
        return self.statement.kind, self.statement.span_start, self.statement.span_end


def _proposal_from(extracted: ExtractedStatement, *, source: Source, resolver: ActorResolver, user) -> _Proposal:
    def resolved_id(mention: Mention | None) -> int | None:
        resolution = resolver.resolve_mention(mention) if mention is not None else None
        return resolution.actor_id if resolution is not None else None

    speaker_resolution = resolver.resolve_mention(extracted.speaker) if extracted.speaker is not None else None
    speaker_id = speaker_resolution.actor_id if speaker_resolution is not None else None
    date, precision, expression = None, DatePrecision.UNKNOWN, ""
    if extracted.date is not None:
        date, precision, expression = extracted.date.value, extracted.date.precision, extracted.date.expression
        try:
            validate_date_fits_precision(date, precision)
        except ValidationError:
            # Keep the article's words for the curator; a date the model would refuse is not worth losing the draft.
            date, precision = None, DatePrecision.UNKNOWN
    statement = Statement(
        kind=extracted.kind,
        text=extracted.text,
        source=source,
        span_start=extracted.start,
        span_end=extracted.end,
        speaker_id=speaker_id,
        speaker_as_written=extracted.speaker.as_written[:300] if extracted.speaker else "",
        # An actor to propose only when the words name someone no stored actor unambiguously is.
        speaker_proposed_name=extracted.speaker.name[:300] if speaker_resolution and speaker_id is None else "",
        reported_by_id=resolved_id(extracted.reported_by),
        date=date,
        date_precision=precision,
        date_expression=expression[:200],
        status=CurationStatus.DRAFT,
        confidence=min(max(extracted.confidence, 0.0), 1.0),
        extractor=extractor_label(),
        created_by=acting_user(user),
        updated_by=acting_user(user),
    )
    addressee_ids = sorted({actor_id for actor_id in map(resolved_id, extracted.addressees) if actor_id is not None})
    return _Proposal(statement, addressee_ids)


@transaction.atomic
def source_extract_statements(*, source: Source, user=None) -> ExtractionResult:
    """Propose the statements in a source's text as drafts, with speakers matched to stored actors.

    Runs the extractor on the body (with the source's date when it is known to the day, for "on
    Thursday") and matches speakers, addressees and intermediaries to actors by name and alias;
    only unambiguous matches are linked and no actor is ever created: an unmatched speaker's name
    is kept as `speaker_proposed_name` for a curator to confirm. Each draft records its confidence
    and the extractor's name and version.

    Running it again is safe. A proposal already standing as a statement of the same kind and span
    (a draft from an earlier run or a curator's statement), or overlapping a statement of the same
    kind that a curator recorded or changed, is left as it is. Statements a curator has verified,
    rejected or changed in any way are never changed or deleted. An unchanged draft from an earlier
    run that this run proposes differently or no longer proposes at all is removed (and, when
    proposed differently, written anew), so re-running after adding actors resolves more speakers.
    """
    # The drafts' history says where they came from, unless the caller (a command, an import) says already.
    reason = current_change_reason() or f"Proposed by the extractor ({EXTRACTOR_NAME} {EXTRACTOR_VERSION})"
    with change_reason(reason):
        return _extract_statements(source, user)


def _extract_statements(source: Source, user) -> ExtractionResult:
    source = Source.objects.select_for_update().get(pk=source.pk)
    published = source.date if source.date_precision == DatePrecision.DAY else None
    resolver = stored_actor_resolver(source)
    proposals: dict[tuple[str, int, int], _Proposal] = {}
    for extracted in extract(source.body, published):
        proposal = _proposal_from(extracted, source=source, resolver=resolver, user=user)
        try:
            # Normalises the text as saving would, so the fingerprint compares like with like.
            proposal.statement.clean()
        except ValidationError as error:
            logger.warning("Extraction proposal in source %s skipped: %s", source.pk, error.messages)
            continue
        proposal.digest = extraction_digest(proposal.statement, addressee_ids=proposal.addressee_ids)
        proposals.setdefault(proposal.key, proposal)

    existing = list(
        source.statements.annotate(has_replies=models.Exists(Statement.objects.filter(in_reply_to=OuterRef("pk"))))
        .prefetch_related("addressees", "topics", "mentioned_actors", "mentioned_places")
        .order_by("span_start", "pk")
    )
    # A draft something replies to is part of the curated record, whatever its own fields say.
    replaceable = {
        statement.pk for statement in existing if is_untouched_draft(statement) and not statement.has_replies
    }
    curated = [statement for statement in existing if statement.pk not in replaceable]
    created: list[_Proposal] = []
    unchanged: dict[int, Statement] = {}
    for key, proposal in proposals.items():
        same_span = [
            statement for statement in existing if (statement.kind, statement.span_start, statement.span_end) == key
        ]
        standing = next(
            (
                statement
                for statement in same_span
                if statement.pk not in replaceable or statement.extraction_digest == proposal.digest
            ),
            None,
        ) or next((statement for statement in curated if _overlaps(statement, proposal.statement)), None)
        if standing is not None:
            unchanged[standing.pk] = standing
            continue
        created.append(proposal)

    removed = 0
    for statement in existing:
        if statement.pk in replaceable and statement.pk not in unchanged:
            # Refused, and the whole run undone, if a curator changed the draft since it was read above.
            record_delete(instance=statement, expected_version=statement.version, user=user)
            removed += 1
    for proposal in created:
        statement = proposal.statement
        statement.extraction_digest = proposal.digest
        with one_history_record(attribute_to(statement, user)):
            validated_save(statement)
            statement.addressees.set(proposal.addressee_ids)
    return ExtractionResult(
        created=[proposal.statement for proposal in created], unchanged=list(unchanged.values()), removed=removed
    )


def _overlaps(statement: Statement, proposed: Statement) -> bool:
    return (
        statement.kind == proposed.kind
        and statement.is_anchored
        and statement.span_start < proposed.span_end
        and proposed.span_start < statement.span_end
    )
