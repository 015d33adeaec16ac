"""Quote and reported-speech extraction from English news text.

The core (`extract`) is pure Python and needs no database: it takes a text and, optionally, its
publication date, and returns `ExtractedStatement` dataclasses. Matching the speakers it finds to
stored actors is a separate step (`ActorResolver`), fed with actors from the database or any list;
`statement_records` turns both into the JSON-ready records the command prints.

    statements = extract(body, published=datetime.date(2024, 2, 15))
    records = statement_records(statements, stored_actor_resolver())
"""

from statements.extraction.extractor import extract
from statements.extraction.reading import EXTRACTOR_NAME, EXTRACTOR_VERSION
from statements.extraction.records import statement_records
from statements.extraction.resolution import (
    ActorCandidate,
    ActorResolver,
    Resolution,
    actor_candidates,
    stored_actor_resolver,
)
from statements.extraction.types import DIRECT_QUOTE, PARAPHRASE, ExtractedStatement, Mention, StatementDate

__all__ = [
    "DIRECT_QUOTE",
    "EXTRACTOR_NAME",
    "EXTRACTOR_VERSION",
    "PARAPHRASE",
    "ActorCandidate",
    "ActorResolver",
    "ExtractedStatement",
    "Mention",
    "Resolution",
    "StatementDate",
    "actor_candidates",
    "extract",
    "statement_records",
    "stored_actor_resolver",
]
