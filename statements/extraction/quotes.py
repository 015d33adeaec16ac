"""Direct quotes: a quotation's attribution before, after or in the next sentence; fragments and scare quotes."""

from dataclasses import replace

from statements.extraction import lexicon
from statements.extraction.mentions import phrase_end_after, read_phrase
from statements.extraction.reading import (
    FRAGMENT_MAX_WORDS,
    MAX_BEFORE_DISTANCE,
    Attribution,
    Sentence,
    speaker_confidence,
)
from statements.extraction.types import DIRECT_QUOTE, ExtractedStatement, Mention

_QUESTION_AUXILIARIES = frozenset({"did", "does", "do", "will", "would", "could", "can"})
_ASKED_VERBS = frozenset({"say", "tell", "answer", "reply", "write", "shout", "add"})


class QuoteReading:
    """Quotations in a sentence, each given to the attribution that names its speaker."""

    def _read_quote(
        self, sentence: Sentence, index: int, attributions: list[Attribution], pending: Mention | None
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
        if index == sentence.first and index + 2 < sentence.last and tokens[index + 1].text == ":":
            # A headline, `'We were let down': Okafor hits out at referee`: the quotation is the person's after it.
            end = phrase_end_after(tokens, index + 2, sentence.last)
            phrase = read_phrase(self.text, tokens, index + 2, end) if end is not None else None
            if phrase is not None and phrase.kind == "person":
                speaker = self._resolve(phrase, index + 2, sentence, register=False)
                self._add_quote(sentence, index, speaker, "headline", group, None, confidence=0.7)
                return
        if index - 1 > sentence.first and tokens[index - 1].text == ":":
            # `Ms Okafor summed up the season for the fans: "…"`: the person the sentence is about speaks.
            speaker = self._person_subject(sentence, index - 1)
            if speaker is not None:
                self._add_quote(sentence, index, speaker, "colon-subject", group, None, confidence=0.7)
                return
        embedded = index > sentence.first and not tokens[index - 1].is_quote and tokens[index - 1].text not in ",:;"
        embedded = embedded or (index + 1 < sentence.last and tokens[index + 1].is_word)
        if embedded:
            if self._is_scare_quote(sentence, index, words) or self._is_echo(words):
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
        if self.asked is not None and sentence.paragraph.index - self.asked[1] <= 1:
            # "What did the coach tell his players?" then a quotation standing alone: the answer is the coach's.
            speaker, self.asked = self.asked[0], None
            self._add_quote(sentence, index, speaker, "answer", group, None, confidence=0.7)
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

    def _read_question(self, sentence: Sentence) -> None:
        """Remember who a question asks what they said ("What did the coach tell his players?")."""
        tokens = sentence.tokens
        if tokens[sentence.last - 1].text != "?":
            return
        for index in range(sentence.first, sentence.last - 2):
            if tokens[index].lower not in _QUESTION_AUXILIARIES:
                continue
            verbs = range(index + 2, min(sentence.last, index + 7))
            end = next((verb for verb in verbs if tokens[verb].lower in _ASKED_VERBS), None)
            if end is None or any(not token.is_word for token in tokens[index + 1 : end]):
                continue
            phrase = read_phrase(self.text, tokens, index + 1, end)
            if phrase.kind in ("person", "pronoun", "unnamed_source"):
                mention = self._resolve(phrase, index + 1, sentence, register=False)
                if mention.via != "pronoun-unresolved":
                    self.asked = (mention, sentence.paragraph.index)
            return

    def _person_subject(self, sentence: Sentence, ceiling: int) -> Mention | None:
        """The person the sentence's subject names or refers to, if it is one."""
        end = phrase_end_after(sentence.tokens, sentence.first, ceiling)
        if end is None:
            return None
        phrase = read_phrase(self.text, sentence.tokens, sentence.first, end)
        if phrase.kind not in ("person", "pronoun"):
            return None
        mention = self._resolve(phrase, sentence.first, sentence, register=False)
        return mention if mention.kind == "person" else None

    def _group_for(self, quote) -> int:
        if quote.continued and self.statements:
            previous = next((s for s in reversed(self.statements) if s.kind == DIRECT_QUOTE), None)
            if previous is not None and previous.group is not None:
                return previous.group
        self.groups += 1
        return self.groups

    def _attribution_after(self, sentence: Sentence, index: int, attributions) -> Attribution | None:
        tokens = sentence.tokens
        position = index + 1
        while position < sentence.last and tokens[position].text in ",?!\u2014\u2013-":
            position += 1
        for attribution in attributions:
            if attribution.subject_first == position and (attribution.inverted or attribution.subject.kind):
                return attribution
        return None

    def _attribution_before(self, sentence: Sentence, index: int, attributions) -> Attribution | None:
        tokens = sentence.tokens
        separator = tokens[index - 1].text if index - 1 >= sentence.first else ""
        for attribution in sorted(attributions, key=lambda item: -item.verb):
            if attribution.verb >= index:
                continue
            end = attribution.clause_end
            between = tokens[end:index]
            if any(token.is_quote for token in between) or len(between) > MAX_BEFORE_DISTANCE:
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

    def _is_embedded_before(self, sentence: Sentence, index: int, attribution: Attribution) -> bool:
        """A quotation introduced by "that" or running into more words is a fragment of reported speech."""
        tokens = sentence.tokens
        if index - 1 >= sentence.first and tokens[index - 1].lower == "that":
            return True
        return index + 1 < sentence.last and tokens[index + 1].is_word

    def _attribution_in_next_sentence(self, sentence: Sentence, index: int) -> Attribution | None:
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
        next_sentence = Sentence(paragraph, first, last)
        for attribution in self._attributions(next_sentence):
            if attribution.subject_first == first and attribution.verb <= last - 2:
                tail = paragraph.tokens[attribution.clause_end : last - 1]
                if len(tail) <= 3:
                    attribution.speaker = self._resolve(attribution.subject, first, next_sentence, register=False)
                    return attribution
        return None

    def _nearest_attribution(self, sentence: Sentence, index: int, attributions) -> Attribution | None:
        before = [item for item in attributions if item.verb < index]
        if before:
            return before[-1]
        after = [item for item in attributions if item.verb > index]
        return after[0] if after else None

    def _is_echo(self, words: list[str]) -> bool:
        """A one-word quotation the article has quoted before ("robust" … anything but "robust") echoes it:
        the first is someone's word, the repeats are the writer's scare quotes."""
        if len(words) != 1:
            return False
        word = words[0].strip(".,;:!?").lower()
        seen = word in self.quoted_words
        self.quoted_words.add(word)
        return seen

    def _is_scare_quote(self, sentence: Sentence, index: int, words: list[str]) -> bool:
        tokens = sentence.tokens
        previous = [token.lower for token in tokens[max(sentence.first, index - 2) : index]]
        if previous and (previous[-1] in lexicon.SCARE_QUOTE_MARKERS or "so-called" in previous):
            return True
        if previous[-2:] in (["known", "as"], ["the", "word"], ["the", "phrase"], ["the", "term"]):
            return True
        if len(words) > FRAGMENT_MAX_WORDS:
            return False
        # Titles of works and names are written in title case; people's words rarely are.
        capitalized = [word for word in words if word[:1].isupper()]
        return len(words) >= 2 and len(capitalized) == len(words)

    def _add_fragment(self, sentence: Sentence, index: int, attribution: Attribution, group: int) -> None:
        quote = sentence.tokens[index].quote
        words = self.text[quote.start : quote.end].split()
        if len(words) > 40:
            self._add_quote(sentence, index, attribution.speaker, "embedded", group, attribution, confidence=0.75)
            return
        self._add_quote(sentence, index, attribution.speaker, "fragment", group, attribution, 0.6, fragment=True)

    def _add_quote(
        self,
        sentence: Sentence,
        index: int,
        speaker: Mention | None,
        pattern: str,
        group: int,
        attribution: Attribution | None,
        confidence: float | None = None,
        fragment: bool = False,
    ) -> None:
        quote = sentence.tokens[index].quote
        if confidence is None:
            confidence = speaker_confidence(speaker)
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
