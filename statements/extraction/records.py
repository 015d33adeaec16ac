"""Extracted statements as JSON-ready records, with speakers matched to actors when a resolver is given.

The same shape serves the `extract_statements` command and any later API or review screen.
"""

from statements.extraction.reading import EXTRACTOR_NAME, EXTRACTOR_VERSION
from statements.extraction.resolution import ActorResolver
from statements.extraction.types import ExtractedStatement, Mention


def statement_records(statements: list[ExtractedStatement], resolver: ActorResolver | None = None) -> list[dict]:
    """One mapping per statement; speakers, addressees and intermediaries carry `actor_id` when resolved."""
    extractor = {"name": EXTRACTOR_NAME, "version": EXTRACTOR_VERSION}
    records = []
    for statement in statements:
        record = statement.as_dict()
        record["speaker"] = _party(statement.speaker, resolver)
        record["speaker_as_written"] = statement.speaker.as_written if statement.speaker else ""
        record["addressees"] = [_party(addressee, resolver) for addressee in statement.addressees]
        record["reported_by"] = _party(statement.reported_by, resolver)
        record["extractor"] = extractor
        records.append(record)
    return records


def _party(mention: Mention | None, resolver: ActorResolver | None) -> dict | None:
    if mention is None:
        return None
    party = mention.as_dict()
    party["actor_id"] = None
    resolution = resolver.resolve_mention(mention) if resolver is not None else None
    if resolution is not None:
        party["actor_id"] = resolution.actor_id
        party["resolution"] = resolution.as_dict()
    return party
