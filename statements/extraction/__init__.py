"""Quote and reported-speech extraction from English news text.

The core (`extract`) is pure Python and needs no database: it takes a text and, optionally, its
publication date, and returns `ExtractedStatement` dataclasses. Matching the speakers it finds to
stored actors is a separate step (`ActorResolver`), fed with actors from the database or any list.
"""

from statements.extraction.extractor import EXTRACTOR_NAME, EXTRACTOR_VERSION, extract
from statements.extraction.resolution import ActorCandidate, ActorResolver, Resolution, actor_candidates
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
]
