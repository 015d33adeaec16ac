"""What the extractor returns: plain dataclasses, free of Django, ready to serialise."""

import datetime
from dataclasses import asdict, dataclass, field

DIRECT_QUOTE = "direct_quote"
PARAPHRASE = "paraphrase"


@dataclass(frozen=True)
class Mention:
    """Someone or something named in the text as a speaker, addressee or intermediary.

    `name` is the best name the article gives (titles stripped, a surname completed from an earlier full
    mention, a pronoun replaced by what it stands for); `as_written` is the words at this place.
    """

    name: str
    as_written: str
    kind: str  # person, organization, government_body, unnamed_source, group, media_outlet, document, unknown
    start: int
    end: int
    role: str = ""  # a title or apposition given with the name ("Foreign Minister", "a spokesman for …")
    via: str = ""  # how the name was found: named, surname, pronoun, role, document, continuation

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class StatementDate:
    """When something was said: a date with its precision and the article's own words for it."""

    value: datetime.date | None
    precision: str  # day, week, month, year, unknown
    expression: str

    def as_dict(self) -> dict:
        return {
            "value": self.value.isoformat() if self.value else None,
            "precision": self.precision,
            "expression": self.expression,
        }


@dataclass
class ExtractedStatement:
    """A direct quote or a paraphrase found in a text, with its speaker and circumstances.

    `start` and `end` are character offsets into the text, so `text == body[start:end]`; a direct quote's
    span excludes its quote marks and a trailing comma inside them.
    """

    kind: str
    text: str
    start: int
    end: int
    speaker: Mention | None
    confidence: float
    attribution: str  # the rule that found the speaker, for reviewers and evaluation
    addressees: list[Mention] = field(default_factory=list)
    reported_by: Mention | None = None
    channel: str = ""  # "statement", "readout", "interview"… the words say how it was delivered
    date: StatementDate | None = None
    is_fragment: bool = False  # a short quoted phrase inside reported speech
    group: int | None = None  # pieces of one quotation split by an attribution or a paragraph break
    sentence_start: int = 0
    sentence_end: int = 0

    def as_dict(self) -> dict:
        """A JSON-ready mapping; dates become ISO strings."""
        return {
            "kind": self.kind,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker.as_dict() if self.speaker else None,
            "confidence": self.confidence,
            "attribution": self.attribution,
            "addressees": [addressee.as_dict() for addressee in self.addressees],
            "reported_by": self.reported_by.as_dict() if self.reported_by else None,
            "channel": self.channel,
            "date": self.date.as_dict() if self.date else None,
            "is_fragment": self.is_fragment,
            "group": self.group,
        }
