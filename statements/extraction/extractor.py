"""Rule-based extraction of direct quotes and reported speech from English news text.

The rules follow wire-copy conventions: a quotation is attributed by a speech verb and its subject right
after it (`"…," the minister said`) or right before it (`She added: "…"`); a quotation without attribution
continues the previous speaker's turn; reported speech is a speech verb's clause (`X said that …`,
`…, X said.`, `according to X, …`). References (`he`, `the statement`, `the officials`) are resolved to the
most recent compatible speaker or subject of the article, in reading order.
"""

import datetime
from dataclasses import dataclass, field, replace

from statements.extraction import lexicon
from statements.extraction.dates import date_spans, find_date
from statements.extraction.mentions import (
    Phrase,
    appositive_after,
    appositive_before,
    bare,
    is_name_word,
    person_names,
    phrase_end_after,
    phrase_start_before,
    read_phrase,
)
from statements.extraction.tokens import Paragraph, Token, read_paragraphs
from statements.extraction.types import DIRECT_QUOTE, PARAPHRASE, ExtractedStatement, Mention

EXTRACTOR_NAME = "statements-rules"
EXTRACTOR_VERSION = "1.0.0"

_MAX_THAT_DISTANCE = 16
_MAX_BEFORE_DISTANCE = 14
_FRAGMENT_MAX_WORDS = 12
_ORGANIZATION_KINDS = frozenset({"organization", "government_body", "media_outlet"})
_CLAUSE_OPENERS = lexicon.DETERMINERS | lexicon.words("he she it they we i there this that these those")
_SPEAKER_ACTS = (lexicon.SPEECH_VERBS | lexicon.words("declined refused")) - lexicon.words("read reads")
_GENERIC_ORGANIZATION_NOUNS = lexicon.words("agency company firm group organization organisation body institution")
_NOT_ADVERBS = lexicon.words("family ally rally italy july supply reply only early belly jelly assembly")


def extract(text: str, published: datetime.date | None = None) -> list[ExtractedStatement]:
    """Direct quotes and paraphrases in `text`, in reading order, with their speakers.

    `published` (the article's publication date) lets relative dates such as "on Thursday" be resolved.
    """
    return _Extraction(text, published).run()


@dataclass
class _Entity:
    """Someone the article has named, remembered so later references can find them."""

    mention: Mention
    plural: bool
    heads: frozenset[str]
    gender: str = ""


@dataclass
class _Attribution:
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
class _Sentence:
    paragraph: Paragraph
    first: int
    last: int  # exclusive token index
    date_spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def tokens(self) -> list[Token]:
        return self.paragraph.tokens


class _Extraction:
    """One run of the rules over one text; keeps the discourse state the references need."""

    def __init__(self, text: str, published: datetime.date | None):
        self.text = text
        self.published = published
        self.paragraphs = read_paragraphs(text)
        self.full_names: dict[str, set[str]] = {}
        self.entities: list[_Entity] = []
        self.issuer: Mention | None = None
        self.last_speaker: Mention | None = None
        self.last_speaker_paragraph = -10
        self.pending_colon: Mention | None = None
        self.statements: list[ExtractedStatement] = []
        self.groups = 0
        self.quote_groups: dict[int, int] = {}  # quote start -> group

    def run(self) -> list[ExtractedStatement]:
        for paragraph in self.paragraphs:
            for name in person_names(self.text, [token for token in paragraph.tokens if not token.is_quote]):
                self.full_names.setdefault(bare(name.split()[-1]), set()).add(name)
        for paragraph in self.paragraphs:
            pending, self.pending_colon = self.pending_colon, None
            for first, last in paragraph.sentences:
                sentence = _Sentence(paragraph, first, last)
                sentence.date_spans = date_spans(
                    self.text, paragraph.tokens[first].start, paragraph.tokens[last - 1].end
                )
                self._read_sentence(sentence, pending)
                pending = None
        self._share_group_speakers()
        return sorted(self.statements, key=lambda statement: (statement.start, statement.kind))

    # Sentences ---------------------------------------------------------------------------------------

    def _read_sentence(self, sentence: _Sentence, pending: Mention | None) -> None:
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
        # `He said:` ending a paragraph introduces the quotation that opens the next one.
        last = sentence.last - 1
        if tokens[last].text == ":" and sentence.last == len(tokens):
            for attribution in attributions:
                if attribution.clause_end >= last - 4 and attribution.speaker:
                    self.pending_colon = attribution.speaker

    def _attributions(self, sentence: _Sentence) -> list[_Attribution]:
        tokens = sentence.tokens
        found = []
        for index in range(sentence.first, sentence.last):
            token = tokens[index]
            if token.is_quote or token.is_capitalized:
                continue  # "the United States" holds no verb
            is_participle = token.lower in lexicon.SPEECH_PARTICIPLES
            if token.lower not in lexicon.SPEECH_VERBS | lexicon.FRAGMENT_VERBS and not is_participle:
                continue
            if index + 1 < sentence.last and tokens[index + 1].text in ("by",):
                continue  # passive: "was described by"
            if is_participle:
                # "with Premier Giorgia Meloni complaining that …": a participle with its own subject.
                attribution = self._subject_before(sentence, index)
                if attribution is None or tokens[index - 1].text == ",":
                    continue
            else:
                attribution = self._subject_before(sentence, index) or self._subject_after(sentence, index)
            if attribution:
                self._read_object(sentence, attribution)
                found.append(attribution)
        return found

    def _is_skippable(self, sentence: _Sentence, token: Token) -> bool:
        if token.lower in lexicon.VERB_MODIFIERS:
            return True
        if token.lower.endswith("ly") and len(token.lower) > 4 and token.lower not in _NOT_ADVERBS:
            return not token.is_capitalized
        return any(start <= token.start < end for start, end in sentence.date_spans)

    def _subject_before(self, sentence: _Sentence, verb: int) -> _Attribution | None:
        tokens = sentence.tokens
        end = verb
        while end - 1 >= sentence.first and self._is_skippable(sentence, tokens[end - 1]):
            end -= 1
        if end - 1 >= sentence.first and tokens[end - 1].text == ",":
            opener = appositive_before(tokens, end - 1, sentence.first)
            if opener is None:
                return None
            start = phrase_start_before(tokens, opener, sentence.first)
            if start is None:
                return None
            role = self.text[tokens[opener + 1].start : tokens[end - 2].end]
            described = read_phrase(self.text, tokens, start, opener, role)
            if all(is_name_word(token) for token in tokens[opener + 1 : end - 1]) and described.kind != "person":
                # The apposition is the name and the phrase before it the role: "the club's chairman, Tom Avery,"
                named = read_phrase(self.text, tokens, opener + 1, end - 1, described.as_written)
                if named.kind == "person":
                    return _Attribution(verb, named, start, verb + 1)
            return _Attribution(verb, described, start, verb + 1)
        start = phrase_start_before(tokens, end, sentence.first)
        if start is None:
            return None
        return _Attribution(verb, read_phrase(self.text, tokens, start, end), start, verb + 1)

    def _subject_after(self, sentence: _Sentence, verb: int) -> _Attribution | None:
        tokens = sentence.tokens
        if tokens[verb].lower not in lexicon.INVERTIBLE_VERBS:
            return None
        before = verb - 1
        if before >= sentence.first and not (tokens[before].is_quote or tokens[before].text in ",;:\u2014-"):
            return None
        end = phrase_end_after(tokens, verb + 1, sentence.last)
        if end is None:
            return None
        role = ""
        if end < sentence.last and tokens[end].text == ",":
            role_end = appositive_after(tokens, end, sentence.last)
            if role_end > end + 1:
                role = self.text[tokens[end + 1].start : tokens[role_end - 1].end]
        opener = tokens[verb + 1]
        names_someone = opener.is_capitalized or opener.lower in lexicon.DETERMINERS or is_name_word(opener)
        if not names_someone and bare(opener.text) not in lexicon.PERSON_ROLE_NOUNS | set(lexicon.ROLE_SINGULARS):
            return None  # "Asked whether …": not a speaker
        phrase = read_phrase(self.text, tokens, verb + 1, end, role)
        if phrase.kind == "pronoun":
            return None  # `said he` is rare in news; `said it would` is a clause, not an inversion
        return _Attribution(verb, phrase, verb, end, inverted=True)

    def _read_object(self, sentence: _Sentence, attribution: _Attribution) -> None:
        tokens = sentence.tokens
        verb = tokens[attribution.verb]
        if attribution.inverted or verb.lower not in lexicon.ADDRESSEE_VERBS:
            return
        end = phrase_end_after(tokens, attribution.verb + 1, sentence.last)
        if end is None:
            return
        attribution.object_phrase = read_phrase(self.text, tokens, attribution.verb + 1, end)
        attribution.object_end = end
        attribution.clause_end = end

    def _register_subject(self, sentence: _Sentence, attributions: list[_Attribution]) -> None:
        """Remember the named subject of a sentence, so that a later "he" or "it" can find it."""
        tokens = sentence.tokens
        first = sentence.first
        if tokens[first].is_capitalized and tokens[first].lower in lexicon.CAPITALIZED_FUNCTION_WORDS:
            for index in range(first, min(sentence.last, first + 8)):
                if tokens[index].text == ",":
                    first = index + 1
                    break
            else:
                return
        if any(attribution.subject_first == first for attribution in attributions):
            return  # registered as a speaker
        end = phrase_end_after(tokens, first, sentence.last)
        if end is None:
            return
        phrase = read_phrase(self.text, tokens, first, end)
        if phrase.as_written.isupper() and len(phrase.as_written) > 3:
            return  # a dateline: "UNITED NATIONS (AP) —"
        if end + 1 < sentence.last and tokens[end].text == "," and phrase.kind != "person":
            # "Russia's deputy ambassador, Dmitry Polyanskiy, accused …": the apposition is the name.
            name_end = end + 1
            while name_end < sentence.last and is_name_word(tokens[name_end]):
                name_end += 1
            if name_end > end + 1 and name_end < sentence.last and tokens[name_end].text == ",":
                named = read_phrase(self.text, tokens, end + 1, name_end, phrase.as_written)
                if named.kind == "person":
                    phrase = named
        if phrase.kind in ("person", "organization", "government_body") and not phrase.anaphoric:
            self._resolve(phrase, first, sentence)

    # Direct quotes -----------------------------------------------------------------------------------

    def _read_quote(
        self, sentence: _Sentence, index: int, attributions: list[_Attribution], pending: Mention | None
    ) -> None:
        tokens = sentence.tokens
        quote = tokens[index].quote
        words = self.text[quote.start : quote.end].split()
        after = self._attribution_after(sentence, index, attributions)
        before = None if after else self._attribution_before(sentence, index, attributions)
        group = self._group_for(quote)
        if after or before:
            attribution = after or before
            attribution.used = True
            pattern = "after" if after else "before"
            if self._is_embedded_before(sentence, index, attribution) and before:
                self._add_fragment(sentence, index, attribution, group)
                return
            self._add_quote(sentence, index, attribution.speaker, pattern, group, attribution)
            return
        embedded = index > sentence.first and not tokens[index - 1].is_quote and tokens[index - 1].text not in ",:;"
        embedded = embedded or (index + 1 < sentence.last and tokens[index + 1].is_word)
        if embedded:
            if self._is_scare_quote(sentence, index, words):
                return
            attribution = self._nearest_attribution(sentence, index, attributions)
            if attribution is not None and attribution.speaker is not None:
                self._add_fragment(sentence, index, attribution, group)
            return
        # A quotation standing alone continues a turn: the previous piece of a multi-paragraph quotation,
        # an attribution in the next sentence, `He said:` ending the last paragraph, or the last speaker.
        following = self._attribution_in_next_sentence(sentence, index)
        if following is not None:
            self._add_quote(sentence, index, following.speaker, "after-next-sentence", group, following)
            return
        if pending is not None:
            self._add_quote(sentence, index, pending, "colon-paragraph", group, None, confidence=0.85)
            return
        if self.last_speaker is not None:
            distance = sentence.paragraph.index - self.last_speaker_paragraph
            if distance <= 1 or (quote.continued and distance <= 2):
                confidence = 0.85 if distance == 0 or quote.continued else 0.75
                speaker = replace(self.last_speaker, via="continuation")
                self._add_quote(sentence, index, speaker, "continuation", group, None, confidence=confidence)
                return
        if len(words) >= 4:
            self._add_quote(sentence, index, None, "unattributed", group, None, confidence=0.3)

    def _group_for(self, quote) -> int:
        if quote.continued and self.statements:
            previous = next((s for s in reversed(self.statements) if s.kind == DIRECT_QUOTE), None)
            if previous is not None and previous.group is not None:
                return previous.group
        self.groups += 1
        return self.groups

    def _attribution_after(self, sentence: _Sentence, index: int, attributions) -> _Attribution | None:
        tokens = sentence.tokens
        position = index + 1
        while position < sentence.last and tokens[position].text in ",?!\u2014\u2013-":
            position += 1
        for attribution in attributions:
            if attribution.subject_first == position and (attribution.inverted or attribution.subject.kind):
                return attribution
        return None

    def _attribution_before(self, sentence: _Sentence, index: int, attributions) -> _Attribution | None:
        tokens = sentence.tokens
        separator = tokens[index - 1].text if index - 1 >= sentence.first else ""
        for attribution in sorted(attributions, key=lambda item: -item.verb):
            if attribution.verb >= index:
                continue
            end = attribution.clause_end
            between = tokens[end:index]
            if any(token.is_quote for token in between) or len(between) > _MAX_BEFORE_DISTANCE:
                return None
            if any(token.lower in lexicon.SPEECH_VERBS for token in between):
                return None
            if separator in (",", ":") or not between:
                if any(token.lower == "that" for token in between):
                    return None
                return attribution
            if between and between[-1].lower == "that":
                return attribution
            return None
        return None

    def _is_embedded_before(self, sentence: _Sentence, index: int, attribution: _Attribution) -> bool:
        """A quotation introduced by "that" or running into more words is a fragment of reported speech."""
        tokens = sentence.tokens
        if index - 1 >= sentence.first and tokens[index - 1].lower == "that":
            return True
        return index + 1 < sentence.last and tokens[index + 1].is_word

    def _attribution_in_next_sentence(self, sentence: _Sentence, index: int) -> _Attribution | None:
        """`"We will win." Smith said.`: a sentence made only of an attribution attributes the quotation before."""
        paragraph = sentence.paragraph
        if index != sentence.last - 1:
            return None
        following = [span for span in paragraph.sentences if span[0] == sentence.last]
        if not following:
            return None
        first, last = following[0]
        if last - first > 8 or paragraph.tokens[last - 1].text != ".":
            return None
        next_sentence = _Sentence(paragraph, first, last)
        for attribution in self._attributions(next_sentence):
            if attribution.subject_first == first and attribution.verb <= last - 2:
                tail = paragraph.tokens[attribution.clause_end : last - 1]
                if len(tail) <= 3:
                    attribution.speaker = self._resolve(attribution.subject, first, next_sentence, register=False)
                    return attribution
        return None

    def _nearest_attribution(self, sentence: _Sentence, index: int, attributions) -> _Attribution | None:
        before = [item for item in attributions if item.verb < index]
        if before:
            return before[-1]
        after = [item for item in attributions if item.verb > index]
        return after[0] if after else None

    def _is_scare_quote(self, sentence: _Sentence, index: int, words: list[str]) -> bool:
        tokens = sentence.tokens
        previous = [token.lower for token in tokens[max(sentence.first, index - 2) : index]]
        if previous and (previous[-1] in lexicon.SCARE_QUOTE_MARKERS or "so-called" in previous):
            return True
        if previous[-2:] in (["known", "as"], ["the", "word"], ["the", "phrase"], ["the", "term"]):
            return True
        if len(words) > _FRAGMENT_MAX_WORDS:
            return False
        # Titles of works and names are written in title case; people's words rarely are.
        capitalized = [word for word in words if word[:1].isupper()]
        return len(words) >= 2 and len(capitalized) == len(words)

    def _add_fragment(self, sentence: _Sentence, index: int, attribution: _Attribution, group: int) -> None:
        quote = sentence.tokens[index].quote
        words = self.text[quote.start : quote.end].split()
        if len(words) > 40:
            self._add_quote(sentence, index, attribution.speaker, "embedded", group, attribution, confidence=0.75)
            return
        self._add_quote(sentence, index, attribution.speaker, "fragment", group, attribution, 0.6, fragment=True)

    def _add_quote(
        self,
        sentence: _Sentence,
        index: int,
        speaker: Mention | None,
        pattern: str,
        group: int,
        attribution: _Attribution | None,
        confidence: float | None = None,
        fragment: bool = False,
    ) -> None:
        quote = sentence.tokens[index].quote
        if confidence is None:
            confidence = _speaker_confidence(speaker)
        statement = ExtractedStatement(
            kind=DIRECT_QUOTE,
            text=self.text[quote.start : quote.end],
            start=quote.start,
            end=quote.end,
            speaker=speaker,
            confidence=confidence,
            attribution=pattern,
            is_fragment=fragment,
            group=group,
            sentence_start=sentence.tokens[sentence.first].start,
            sentence_end=sentence.tokens[sentence.last - 1].end,
        )
        if attribution is not None:
            self._circumstances(sentence, attribution, statement)
        elif speaker is not None and pattern == "continuation":
            previous = next(
                (s for s in reversed(self.statements) if s.speaker and s.speaker.name == speaker.name), None
            )
            if previous is not None:
                statement.addressees = list(previous.addressees)
                statement.reported_by = previous.reported_by
                statement.channel = previous.channel
                statement.date = previous.date
        self._remember(statement, sentence)

    # Reported speech ---------------------------------------------------------------------------------

    def _read_paraphrases(self, sentence: _Sentence, attributions: list[_Attribution]) -> None:
        tokens = sentence.tokens
        found: list[tuple[int, int, _Attribution, str, float]] = []
        for attribution in attributions:
            verb = tokens[attribution.verb].lower
            if verb not in lexicon.REPORTING_VERBS and verb not in lexicon.SPEECH_PARTICIPLES:
                continue
            clause = self._clause_after(sentence, attribution, attributions)
            if clause is not None:
                first, end, has_that = clause
                found.append((first, end, attribution, "that" if has_that else "bare", 0.85 if has_that else 0.7))
        found.extend(self._according_to(sentence))
        found.extend(self._participle_clauses(sentence, attributions))
        trailing = self._trailing_attribution(sentence, attributions, found)
        if trailing is not None:
            attribution, comma = trailing
            inner = [item for item in found if item[0] < comma]
            if inner:
                for start, _end, inner_attribution, pattern, confidence in inner:
                    self._add_paraphrase(sentence, start, comma, inner_attribution, pattern, confidence, attribution)
                found = [item for item in found if item[0] >= comma]
            else:
                start = self._trailing_clause_start(sentence, comma)
                if start is not None:
                    self._add_paraphrase(sentence, start, comma, attribution, "trailing", 0.75)
        for start, end, attribution, pattern, confidence in found:
            self._add_paraphrase(sentence, start, end, attribution, pattern, confidence)

    def _clause_after(self, sentence: _Sentence, attribution: _Attribution, attributions) -> tuple | None:
        """The clause a reporting verb introduces: (first token, end token, has "that"), or None."""
        tokens = sentence.tokens
        if attribution.inverted:
            return None
        position = attribution.clause_end
        limit = min(sentence.last, position + _MAX_THAT_DISTANCE)
        that = None
        for index in range(position, limit):
            token = tokens[index]
            if token.is_quote or token.lower in lexicon.SPEECH_VERBS or token.text in ".;?!":
                break
            if token.lower == "that":
                that = index
                break
        if that is not None:
            first = that + 1
            while first < sentence.last and tokens[first].lower == "that":
                first += 1  # a doubled "that that", as typed in a hurry
        else:
            if tokens[attribution.verb].lower not in lexicon.BARE_CLAUSE_VERBS:
                return None
            first = self._skip_adverbials(sentence, position)
            if first >= sentence.last:
                return None
            opener = tokens[first]
            if opener.is_quote or not (
                opener.lower in _CLAUSE_OPENERS
                or (opener.is_capitalized and opener.lower not in lexicon.CAPITALIZED_FUNCTION_WORDS)
                or opener.text[0].isdigit()
            ):
                return None
            if opener.lower in ("that", "this") and first + 1 < sentence.last and not tokens[first + 1].is_word:
                return None
            if attribution.object_phrase is None and tokens[attribution.verb].lower in lexicon.ADDRESSEE_VERBS:
                return None
        end = self._clause_end(sentence, first, attributions, attribution)
        if end - first < 2:
            return None
        if all(token.is_quote or not token.is_word for token in tokens[first:end]):
            return None  # only a quotation: a direct quote, not reported speech
        return first, end, that is not None

    def _skip_adverbials(self, sentence: _Sentence, position: int) -> int:
        """Step over `in a statement`, `on Thursday`, `to reporters`, `, during the call,` after a verb."""
        tokens = sentence.tokens
        while position < sentence.last:
            token = tokens[position]
            if self._is_skippable(sentence, token) and not token.is_quote:
                position += 1
                continue
            if token.text == ",":
                position += 1
                continue
            if token.lower in ("in", "on", "at", "to", "during", "via", "after", "before", "late", "early"):
                position += 1
                if position < sentence.last and tokens[position].lower in lexicon.DETERMINERS:
                    position += 1
                while (
                    position < sentence.last
                    and tokens[position].is_word
                    and (tokens[position].lower not in _CLAUSE_OPENERS and tokens[position].lower not in ("that",))
                ):
                    position += 1
                    if tokens[position - 1].lower in lexicon.DOCUMENT_NOUNS | {"interview", "conference", "briefing"}:
                        break
                continue
            break
        return position

    def _clause_end(self, sentence: _Sentence, first: int, attributions, own: _Attribution | None) -> int:
        tokens = sentence.tokens
        end = sentence.last
        for attribution in attributions:
            if attribution is own or attribution.subject_first <= first:
                continue
            # Another attribution later in the sentence ends this clause: `…, the White House said.`
            begin = attribution.subject_first
            if begin - 1 > first and tokens[begin - 1].text == "," and self._ends_sentence(sentence, attribution):
                end = min(end, begin - 1)
        for index in range(first, end):
            if tokens[index].lower == "according" and index + 1 < end and tokens[index + 1].lower == "to":
                end = index
                break
            # "… said the policy was under review and declined to comment": the speaker's next act, not speech.
            if tokens[index].lower == "and" and index + 1 < end and tokens[index + 1].lower in _SPEAKER_ACTS:
                end = index
                break
        while end > first and (tokens[end - 1].text in ",;:.\u2014-" or tokens[end - 1].lower in ("and", "but")):
            end -= 1
        return end

    def _ends_sentence(self, sentence: _Sentence, attribution: _Attribution) -> bool:
        tokens = sentence.tokens
        rest = tokens[attribution.clause_end : sentence.last]
        rest = [token for token in rest if token.text not in ".!?"]
        if not rest:
            return True
        if rest[0].text == ",":
            return True  # `…, the minister said, adding that …`
        return len(rest) <= 8 and not any(token.is_quote or token.lower == "that" for token in rest)

    def _trailing_attribution(self, sentence: _Sentence, attributions, found) -> tuple[_Attribution, int] | None:
        """`The talks will resume, the minister said.`: the attribution closing the sentence, and its comma."""
        tokens = sentence.tokens
        for attribution in attributions:
            if attribution.used or tokens[attribution.verb].lower not in lexicon.REPORTING_VERBS:
                continue
            comma = attribution.subject_first - 1
            if comma <= sentence.first or tokens[comma].text != ",":
                continue
            if tokens[comma - 1].is_quote and (comma - 1 == sentence.first):
                continue  # a direct quote's attribution
            if not self._ends_sentence(sentence, attribution) or tokens[sentence.last - 1].text == ":":
                continue
            opener = tokens[sentence.first]
            if opener.lower in lexicon.NOUN_PHRASE_STOPS and not any(
                token.text == "," for token in tokens[sentence.first : comma]
            ):
                continue  # only an introductory phrase: "In a televised address, the president said:"
            if any(item[0] > attribution.verb for item in found):
                continue
            return attribution, comma
        return None

    def _trailing_clause_start(self, sentence: _Sentence, comma: int) -> int | None:
        tokens = sentence.tokens
        first = sentence.first
        words = [token for token in tokens[first:comma] if token.is_word or token.is_quote]
        if len(words) < 3:
            return None
        if all(token.is_quote for token in words):
            return None
        return first

    def _according_after_quote(self, sentence: _Sentence, index: int) -> list[_Attribution]:
        """`"…," according to a statement from the ministry.`: an attribution for the quotation before it."""
        tokens = sentence.tokens
        position = index + 1
        while position < sentence.last and tokens[position].text in ",\u2014-":
            position += 1
        if position + 2 >= sentence.last or tokens[position].lower != "according" or tokens[position + 1].lower != "to":
            return []
        end = phrase_end_after(tokens, position + 2, sentence.last)
        if end is None:
            return []
        phrase = read_phrase(self.text, tokens, position + 2, end)
        attribution = _Attribution(position, phrase, position, end, inverted=True)
        attribution.speaker = self._resolve(phrase, position + 2, sentence)
        return [attribution]

    def _according_to(self, sentence: _Sentence) -> list[tuple]:
        tokens = sentence.tokens
        found = []
        for index in range(sentence.first, sentence.last - 2):
            if tokens[index].lower != "according" or tokens[index + 1].lower != "to":
                continue
            end = phrase_end_after(tokens, index + 2, sentence.last)
            if end is None:
                continue
            phrase = read_phrase(self.text, tokens, index + 2, end)
            attribution = _Attribution(index, phrase, index + 2, end)
            attribution.speaker = self._resolve(phrase, index + 2, sentence)
            if index == sentence.first:
                comma = next((i for i in range(end, sentence.last) if tokens[i].text == ","), None)
                if comma is None:
                    continue
                clause_end = self._clause_end(sentence, comma + 1, [], None)
                if clause_end - comma > 2:
                    found.append((comma + 1, clause_end, attribution, "according-to", 0.8))
            elif tokens[index - 1].text == "," and index - 1 > sentence.first:
                found.append((sentence.first, index - 1, attribution, "according-to", 0.8))
            elif index - 1 == sentence.first and tokens[index - 1].is_quote:
                continue  # a quotation's attribution, read with the quotation
        return found

    def _participle_clauses(self, sentence: _Sentence, attributions) -> list[tuple]:
        """`…, he said, adding that …`: the participle's clause belongs to the sentence's speaker."""
        tokens = sentence.tokens
        found = []
        for index in range(sentence.first + 1, sentence.last - 2):
            if tokens[index].lower not in lexicon.SPEECH_PARTICIPLES or tokens[index - 1].text != ",":
                continue
            owners = [item for item in attributions if item.verb < index and item.speaker is not None]
            if not owners:
                continue
            that = next((i for i in range(index + 1, min(sentence.last, index + 8)) if tokens[i].lower == "that"), None)
            if that is None:
                continue
            end = self._clause_end(sentence, that + 1, attributions, None)
            if end - that > 2:
                found.append((that + 1, end, owners[-1], "participle", 0.75))
        return found

    def _read_statement_continuation(self, sentence: _Sentence) -> None:
        """A paragraph that goes on describing a statement just reported (`The conversation dealt with …`).

        Only when the previous paragraph reported a written statement's content, and this paragraph opens
        with a definite noun phrase taken from that content, with no attribution of its own.
        """
        tokens = sentence.tokens
        if sentence.first != 0 or not self.statements or sentence.last - sentence.first < 5:
            return
        previous = self.statements[-1]
        if (
            previous.kind != PARAPHRASE
            or previous.channel not in lexicon.DOCUMENT_NOUNS
            or self.last_speaker_paragraph != sentence.paragraph.index - 1
            or tokens[0].lower != "the"
            or tokens[1].is_capitalized
        ):
            return
        content = {bare(word.strip(".,;:")) for word in previous.text.split()}
        if bare(tokens[1].text) not in content:
            return
        end = self._clause_end(sentence, sentence.first, [], None)
        start, stop = tokens[sentence.first].start, tokens[end - 1].end
        statement = replace(
            previous,
            text=self.text[start:stop],
            start=start,
            end=stop,
            speaker=replace(previous.speaker, via="continuation") if previous.speaker else None,
            confidence=0.4,
            attribution="statement-continuation",
            sentence_start=start,
            sentence_end=tokens[sentence.last - 1].end,
        )
        self._remember(statement, sentence)

    def _add_paraphrase(
        self,
        sentence: _Sentence,
        first: int,
        end: int,
        attribution: _Attribution,
        pattern: str,
        confidence: float,
        reporter: _Attribution | None = None,
    ) -> None:
        tokens = sentence.tokens
        start, stop = tokens[first].start, tokens[end - 1].end
        if any(s.kind == PARAPHRASE and s.start < stop and start < s.end for s in self.statements):
            return
        statement = ExtractedStatement(
            kind=PARAPHRASE,
            text=self.text[start:stop],
            start=start,
            end=stop,
            speaker=attribution.speaker,
            confidence=round(confidence * _speaker_confidence(attribution.speaker), 2),
            attribution=pattern,
            sentence_start=tokens[sentence.first].start,
            sentence_end=tokens[sentence.last - 1].end,
        )
        self._circumstances(sentence, attribution, statement)
        if reporter is not None and reporter.speaker is not None:
            statement.reported_by = reporter.speaker
        for quote in self.statements:
            if quote.kind == DIRECT_QUOTE and start <= quote.start and quote.end <= stop and quote.speaker is None:
                quote.speaker = attribution.speaker
        self._remember(statement, sentence)

    # Circumstances: addressees, intermediaries, channel and date -------------------------------------

    def _circumstances(self, sentence: _Sentence, attribution: _Attribution, statement: ExtractedStatement) -> None:
        tokens = sentence.tokens
        obj = attribution.object_phrase
        if obj is not None:
            mention = self._resolve(obj, attribution.verb + 1, sentence, register=False)
            words = {bare(word) for word in obj.name.split()}
            if obj.kind == "media_outlet" or (words & lexicon.MEDIA_WORDS and obj.kind != "person"):
                statement.reported_by = replace(mention, kind="media_outlet")
            elif not (words & lexicon.AUDIENCE_NOUNS) and obj.kind != "pronoun":
                statement.addressees = [mention]
        # The attribution clause: the words outside the statement and outside any quotation.
        clause_first = sentence.first
        clause_last = sentence.last
        if statement.kind == PARAPHRASE and statement.start > tokens[attribution.verb].start:
            clause_last = next(i for i in range(sentence.first, sentence.last) if tokens[i].start >= statement.start)
        for index in range(clause_first, clause_last):
            token = tokens[index]
            if token.is_quote or statement.start <= token.start < statement.end:
                continue
            if token.lower in lexicon.DOCUMENT_NOUNS or token.lower in ("interview", "briefing", "conference"):
                statement.channel = statement.channel or lexicon.ROLE_SINGULARS.get(token.lower, token.lower)
            if token.lower in ("with", "on", "to") and statement.reported_by is None and index + 1 < clause_last:
                end = phrase_end_after(tokens, index + 1, clause_last)
                if end is not None:
                    phrase = read_phrase(self.text, tokens, index + 1, end)
                    if phrase.kind == "media_outlet":
                        statement.reported_by = self._resolve(phrase, index + 1, sentence, register=False)
        for start, end in sentence.date_spans:
            if statement.start <= start < statement.end:
                continue
            if any(
                token.is_quote and token.start <= start < token.end for token in tokens[sentence.first : sentence.last]
            ):
                continue
            statement.date = find_date(self.text, start, end, self.published)
            break
        if statement.channel in lexicon.DOCUMENT_NOUNS and statement.speaker and statement.speaker.via != "document":
            self.issuer = statement.speaker

    # References --------------------------------------------------------------------------------------

    def _resolve(self, phrase: Phrase, first: int, sentence: _Sentence, register: bool = True) -> Mention:
        mention = Mention(
            name=phrase.name,
            as_written=phrase.as_written,
            kind=phrase.kind,
            start=phrase.start,
            end=phrase.end,
            role=phrase.role,
            via="named",
        )
        if phrase.kind == "pronoun":
            entity = self._antecedent_of_pronoun(phrase.name)
            if entity is None:
                return replace(mention, kind="unknown", via="pronoun-unresolved")
            if phrase.name in ("he", "she") and not entity.gender:
                entity.gender = phrase.name
            return replace(
                entity.mention, as_written=phrase.as_written, start=phrase.start, end=phrase.end, via="pronoun"
            )
        if phrase.kind == "document":
            if phrase.anaphoric:
                issuer = self.issuer or self._latest(lambda entity: entity.mention.kind in _ORGANIZATION_KINDS)
                if issuer is not None:
                    issuer_mention = issuer if isinstance(issuer, Mention) else issuer.mention
                    return replace(
                        issuer_mention, as_written=phrase.as_written, start=phrase.start, end=phrase.end, via="document"
                    )
                return mention
            mention = replace(mention, kind="organization")
        if phrase.anaphoric:
            entity = self._latest(lambda entity: phrase.head in entity.heads)
            if entity is None and phrase.head in _GENERIC_ORGANIZATION_NOUNS:
                # "the agency", "the company": the organisation last named, whatever its name
                entity = self._latest(lambda entity: entity.mention.kind in _ORGANIZATION_KINDS)
            if entity is not None:
                return replace(
                    entity.mention, as_written=phrase.as_written, start=phrase.start, end=phrase.end, via="role"
                )
            mention = replace(mention, name=phrase.name)
        if phrase.kind == "person" and len(phrase.name.split()) == 1:
            full = self.full_names.get(bare(phrase.name), set())
            if len(full) == 1:
                mention = replace(mention, name=next(iter(full)), via="surname")
        elif phrase.kind == "person":
            for entity in reversed(self.entities):
                # `Mr. Netanyahu` after `Benjamin Netanyahu`: the same person.
                if entity.mention.kind == "person" and entity.mention.name.endswith(" " + phrase.name):
                    mention = replace(mention, name=entity.mention.name, via="surname")
                    break
        if register:
            self._register(mention, phrase)
        return mention

    def _register(self, mention: Mention, phrase: Phrase) -> None:
        heads = {bare(word) for word in f"{mention.name} {phrase.role} {phrase.as_written}".split()}
        heads |= {lexicon.ROLE_SINGULARS.get(word, word) for word in heads}
        if phrase.head:
            heads.add(phrase.head)
        gender = ""
        role = phrase.role.lower()
        if role.startswith("mr"):
            gender = "he"
        elif role.startswith(("ms", "mrs")):
            gender = "she"
        self.entities = [entity for entity in self.entities if entity.mention.name != mention.name] + [
            _Entity(mention, phrase.plural, frozenset(heads), gender)
        ]

    def _latest(self, accepts) -> _Entity | None:
        for entity in reversed(self.entities):
            if accepts(entity):
                return entity
        return None

    def _antecedent_of_pronoun(self, pronoun: str) -> _Entity | None:
        if pronoun in ("he", "she"):
            opposite = "she" if pronoun == "he" else "he"
            return self._latest(
                lambda entity: (
                    entity.mention.kind in ("person", "unnamed_source")
                    and not entity.plural
                    and entity.gender != opposite
                )
            )
        if pronoun == "it":
            return self._latest(lambda entity: entity.mention.kind in _ORGANIZATION_KINDS | {"unknown"})
        if pronoun == "they":
            return self._latest(lambda entity: entity.plural or entity.mention.kind in _ORGANIZATION_KINDS | {"group"})
        return None

    def _remember(self, statement: ExtractedStatement, sentence: _Sentence) -> None:
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


def _speaker_confidence(speaker: Mention | None) -> float:
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
