"""Rule-based extraction of direct quotes and reported speech from English news text.

The rules follow wire-copy conventions: a quotation is attributed by a speech verb and its subject right
after it (`"…," the minister said`) or right before it (`She added: "…"`); a quotation without attribution
continues the previous speaker's turn; reported speech is a speech verb's clause (`X said that …`,
`…, X said.`, `according to X, …`). References (`he`, `the statement`, `the officials`) are resolved to the
most recent compatible speaker or subject of the article, in reading order.
"""

import datetime
from dataclasses import replace

from statements.extraction.attribution import AttributionReading
from statements.extraction.dates import date_spans
from statements.extraction.discourse import DiscourseState
from statements.extraction.mentions import bare, person_names
from statements.extraction.paraphrases import ParaphraseReading
from statements.extraction.quotes import QuoteReading
from statements.extraction.reading import Entity, Sentence
from statements.extraction.tokens import read_paragraphs
from statements.extraction.types import DIRECT_QUOTE, ExtractedStatement, Mention


def extract(text: str, published: datetime.date | None = None) -> list[ExtractedStatement]:
    """Direct quotes and paraphrases in `text`, in reading order, with their speakers.

    `published` (the article's publication date) lets relative dates such as "on Thursday" be resolved.
    """
    return _Extraction(text, published).run()


class _Extraction(QuoteReading, ParaphraseReading, AttributionReading, DiscourseState):
    """One run of the rules over one text; keeps the discourse state the references need."""

    def __init__(self, text: str, published: datetime.date | None):
        self.text = text
        self.published = published
        self.paragraphs = read_paragraphs(text)
        self.full_names: dict[str, set[str]] = {}
        self.first_names: dict[str, set[str]] = {}
        self.entities: list[Entity] = []
        self.issuer: Mention | None = None
        self.last_speaker: Mention | None = None
        self.last_speaker_paragraph = -10
        self.pending_colon: Mention | None = None
        self.statements: list[ExtractedStatement] = []
        self.groups = 0
        self.quote_groups: dict[int, int] = {}  # quote start -> group
        self._mid_sentence_capitals: dict[str, bool] = {}  # word -> capitalised where no sentence starts
        self.quoted_words: set[str] = set()  # one-word quotations met so far, folded
        self.asked: tuple[Mention, int] | None = None  # who a question asked what they said, and its paragraph

    def run(self) -> list[ExtractedStatement]:
        for paragraph in self.paragraphs:
            for name in person_names(self.text, [token for token in paragraph.tokens if not token.is_quote]):
                self.full_names.setdefault(bare(name.split()[-1]), set()).add(name)
                # The first word too: a family name written first ("Park Min-jun", then "Park"), or a given
                # name a feature uses alone; taken only when no one has it as a surname.
                self.first_names.setdefault(bare(name.split()[0]), set()).add(name)
        for paragraph in self.paragraphs:
            pending, self.pending_colon = self.pending_colon, None
            for first, last in paragraph.sentences:
                sentence = Sentence(paragraph, first, last)
                sentence.date_spans = date_spans(
                    self.text, paragraph.tokens[first].start, paragraph.tokens[last - 1].end
                )
                self._read_sentence(sentence, pending)
                pending = None
        self._share_group_speakers()
        return sorted(self.statements, key=lambda statement: (statement.start, statement.kind))

    # Sentences ---------------------------------------------------------------------------------------

    def _read_sentence(self, sentence: Sentence, pending: Mention | None) -> None:
        tokens = sentence.tokens
        attributions = self._attributions(sentence)
        self._register_subject(sentence, attributions)
        for attribution in attributions:
            attribution.speaker = self._resolve(attribution.subject, attribution.subject_first, sentence)
        quote_indices = [index for index in range(sentence.first, sentence.last) if tokens[index].is_quote]
        for index in quote_indices:
            self._read_quote(sentence, index, attributions + self._according_after_quote(sentence, index), pending)
        self._read_paraphrases(sentence, attributions)
        if not attributions and not quote_indices:
            self._read_statement_continuation(sentence)
            self._read_question(sentence)
        # `He said:` ending a paragraph introduces the quotation that opens the next one.
        last = sentence.last - 1
        if tokens[last].text == ":" and sentence.last == len(tokens):
            for attribution in attributions:
                if attribution.clause_end >= last - 4 and attribution.speaker:
                    self.pending_colon = attribution.speaker

    def _remember(self, statement: ExtractedStatement, sentence: Sentence) -> None:
        self.statements.append(statement)
        if statement.speaker is not None and statement.speaker.via != "pronoun-unresolved":
            self.last_speaker = statement.speaker
            self.last_speaker_paragraph = sentence.paragraph.index

    def _share_group_speakers(self) -> None:
        """Pieces of one quotation share the speaker its attribution names, wherever the attribution is."""
        by_group: dict[int, list[ExtractedStatement]] = {}
        for statement in self.statements:
            if statement.kind == DIRECT_QUOTE and statement.group is not None:
                by_group.setdefault(statement.group, []).append(statement)
        for pieces in by_group.values():
            named = next((piece for piece in pieces if piece.attribution in ("after", "before")), None)
            if named is None:
                continue
            for piece in pieces:
                if piece.attribution in ("continuation", "unattributed"):
                    piece.speaker = replace(named.speaker, via="continuation") if named.speaker else None
                    piece.attribution = "same-quotation"
                    piece.confidence = max(piece.confidence, 0.85)
