"""Writes and domain operations. The admin, the API, commands and imports all go through here.

Every service validates with `full_clean()` before it saves and runs in one transaction, so a
rejected write raises `ValidationError` naming the field and leaves the database unchanged.

One module per part of the domain; this package names them all, so callers import from
`statements.services` and need not know which module holds a service:

- `records`: what every write shares (validated saves, slugs, whole-record saves and deletes);
- `actors`, `places` (and topics), `sources`, `communications`, `statements`: each type's writes;
- `extraction`: a source's statements proposed as drafts;
- merging actors lives in `statements.merging`, which needs nothing from here.
"""

from statements.merging import actor_merge, actor_merge_undo
from statements.services.actors import actor_create, actor_update, position_create, position_update
from statements.services.communications import (
    communication_create,
    communication_set_participants,
    communication_update,
)
from statements.services.extraction import (
    ExtractionResult,
    extraction_digest,
    extractor_label,
    is_untouched_draft,
    source_extract_statements,
)
from statements.services.places import place_create, place_update, topic_create, topic_update
from statements.services.records import record_delete, record_save, record_would_change, unique_slug, validated_save
from statements.services.sources import source_create, source_update
from statements.services.statements import statement_create, statement_restore, statement_update, statements_set_status

__all__ = [
    "ExtractionResult",
    "actor_create",
    "actor_merge",
    "actor_merge_undo",
    "actor_update",
    "communication_create",
    "communication_set_participants",
    "communication_update",
    "extraction_digest",
    "extractor_label",
    "is_untouched_draft",
    "place_create",
    "place_update",
    "position_create",
    "position_update",
    "record_delete",
    "record_save",
    "record_would_change",
    "source_create",
    "source_extract_statements",
    "source_update",
    "statement_create",
    "statement_restore",
    "statement_update",
    "statements_set_status",
    "topic_create",
    "topic_update",
    "unique_slug",
    "validated_save",
]
