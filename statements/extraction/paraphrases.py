"""Reported speech: the clause a speech verb reports (`X said that …`, `…, X said.`, `according to X, …`)."""

from dataclasses import replace

from statements.extraction import lexicon
from statements.extraction.dates import find_date
from statements.extraction.mentions import bare, phrase_end_after, read_phrase
from statements.extraction.reading import (
    CLAUSE_OPENERS,
    MAX_THAT_DISTANCE,
    SPEAKER_ACTS,
    Attribution,
    Sentence,
    speaker_confidence,
)
from statements.extraction.types import DIRECT_QUOTE, PARAPHRASE, ExtractedStatement


class ParaphraseReading:
    """Paraphrases: the clauses speech verbs report, and the circumstances (when, to whom) around them."""

    def _read_paraphrases(self, sentence: Sentence, attributions: list[Attribution]) -> None:
        tokens = sentence.tokens
        found: list[tuple[int, int, Attribution, str, float]] = []
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

    def _clause_after(self, sentence: Sentence, attribution: Attribution, attributions) -> tuple | None:
        """The clause a reporting verb introduces: (first token, end token, has "that"), or None."""
        tokens = sentence.tokens
        if attribution.inverted:
            return None
        position = attribution.clause_end
        limit = min(sentence.last, position + MAX_THAT_DISTANCE)
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
                opener.lower in CLAUSE_OPENERS
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

    def _skip_adverbials(self, sentence: Sentence, position: int) -> int:
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
                    and (tokens[position].lower not in CLAUSE_OPENERS and tokens[position].lower not in ("that",))
                ):
                    position += 1
                    if tokens[position - 1].lower in lexicon.DOCUMENT_NOUNS | {"interview", "conference", "briefing"}:
                        break
                continue
            break
        return position

    def _clause_end(self, sentence: Sentence, first: int, attributions, own: Attribution | None) -> int:
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
            if tokens[index].lower == "and" and index + 1 < end and tokens[index + 1].lower in SPEAKER_ACTS:
                end = index
                break
        while end > first and (tokens[end - 1].text in ",;:.\u2014-" or tokens[end - 1].lower in ("and", "but")):
            end -= 1
        return end

    def _ends_sentence(self, sentence: Sentence, attribution: Attribution) -> bool:
        tokens = sentence.tokens
        rest = tokens[attribution.clause_end : sentence.last]
        rest = [token for token in rest if token.text not in ".!?"]
        if not rest:
            return True
        if rest[0].text == ",":
            return True  # `…, the minister said, adding that …`
        return len(rest) <= 8 and not any(token.is_quote or token.lower == "that" for token in rest)

    def _trailing_attribution(self, sentence: Sentence, attributions, found) -> tuple[Attribution, int] | None:
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

    def _trailing_clause_start(self, sentence: Sentence, comma: int) -> int | None:
        tokens = sentence.tokens
        first = sentence.first
        words = [token for token in tokens[first:comma] if token.is_word or token.is_quote]
        if len(words) < 3:
            return None
        if all(token.is_quote for token in words):
            return None
        return first

    def _read_statement_continuation(self, sentence: Sentence) -> None:
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
        sentence: Sentence,
        first: int,
        end: int,
        attribution: Attribution,
        pattern: str,
        confidence: float,
        reporter: Attribution | None = None,
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
            confidence=round(confidence * speaker_confidence(attribution.speaker), 2),
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

    def _circumstances(self, sentence: Sentence, attribution: Attribution, statement: ExtractedStatement) -> None:
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
