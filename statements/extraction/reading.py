"""What the extractor reads a text into: sentences, speech attributions, the entities named; and its settings."""

from dataclasses import dataclass, field

from statements.extraction import lexicon
from statements.extraction.mentions import Phrase
from statements.extraction.tokens import Paragraph, Token
from statements.extraction.types import Mention

EXTRACTOR_NAME = "statements-rules"
EXTRACTOR_VERSION = "1.1.0"

MAX_THAT_DISTANCE = 16
MAX_BEFORE_DISTANCE = 14
FRAGMENT_MAX_WORDS = 12
ORGANIZATION_KINDS = frozenset({"organization", "government_body", "media_outlet"})
CLAUSE_OPENERS = lexicon.DETERMINERS | lexicon.words("he she it they we i there this that these those")
SPEAKER_ACTS = (lexicon.SPEECH_VERBS | lexicon.words("declined refused")) - lexicon.words("read reads")
GENERIC_ORGANIZATION_NOUNS = lexicon.words("agency company firm group organization organisation body institution")
NOT_ADVERBS = lexicon.words("family ally rally italy july supply reply only early belly jelly assembly")


@dataclass
class Entity:
    """Someone the article has named, remembered so later references can find them."""

    mention: Mention
    plural: bool
    heads: frozenset[str]
    gender: str = ""


@dataclass
class Attribution:
    """A speech verb with its subject and what surrounds it in the sentence."""

    verb: int
    subject: Phrase
    subject_first: int  # token index where the subject (or, when inverted, the verb) starts
    clause_end: int  # token index just past the subject (inverted) or the verb
    inverted: bool = False
    object_phrase: Phrase | None = None
    object_end: int | None = None
    speaker: Mention | None = None
    used: bool = False


@dataclass
class Sentence:
    paragraph: Paragraph
    first: int
    last: int  # exclusive token index
    date_spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def tokens(self) -> list[Token]:
        return self.paragraph.tokens


def speaker_confidence(speaker: Mention | None) -> float:
    """How sure an attribution is, by how its speaker was found."""
    if speaker is None:
        return 0.3
    return {
        "named": 0.95,
        "surname": 0.93,
        "pronoun": 0.85,
        "document": 0.85,
        "role": 0.8,
        "continuation": 0.8,
        "pronoun-unresolved": 0.4,
    }.get(speaker.via, 0.7)
