"""Finding who speaks in a sentence: speech verbs with their subjects, `according to`, participle clauses."""

import re
from dataclasses import replace

from statements.extraction import lexicon
from statements.extraction.mentions import (
    appositive_after,
    appositive_before,
    bare,
    is_name_word,
    is_possessive,
    phrase_end_after,
    phrase_start_before,
    read_phrase,
)
from statements.extraction.reading import NOT_ADVERBS, Attribution, Sentence
from statements.extraction.tokens import Token


class AttributionReading:
    """Speech verbs and their subjects in a sentence (the attributions quotes and paraphrases are given to)."""

    def _attributions(self, sentence: Sentence) -> list[Attribution]:
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
        return found + self._in_the_words_of(sentence)

    def _in_the_words_of(self, sentence: Sentence) -> list[Attribution]:
        """`In Professor Lund's words, "…"`: the owner of the words speaks what follows."""
        tokens = sentence.tokens
        found = []
        for index in range(sentence.first, sentence.last - 3):
            if tokens[index].lower != "in":
                continue
            for words in range(index + 2, min(sentence.last - 1, index + 8)):
                if tokens[words].lower == "words" and tokens[words + 1].text == ",":
                    break
            else:
                continue
            if not is_possessive(tokens[words - 1].text):
                continue
            phrase = read_phrase(self.text, tokens, index + 1, words)
            owner = phrase.name
            owner = owner[:-2] if owner.endswith(("'s", "\u2019s")) else owner.rstrip("'\u2019")
            found.append(Attribution(words, replace(phrase, name=owner), index + 1, words + 1))
        return found

    def _is_skippable(self, sentence: Sentence, token: Token) -> bool:
        if token.lower in lexicon.VERB_MODIFIERS:
            return True
        if token.lower.endswith("ly") and len(token.lower) > 4 and token.lower not in NOT_ADVERBS:
            return not token.is_capitalized
        return any(start <= token.start < end for start, end in sentence.date_spans)

    def _subject_before(self, sentence: Sentence, verb: int) -> Attribution | None:
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
                    return Attribution(verb, named, start, verb + 1)
            return Attribution(verb, described, start, verb + 1)
        start = phrase_start_before(tokens, end, sentence.first)
        if start is None:
            return None
        relative = next(
            (
                index
                for index in range(start - 1, max(sentence.first, end - 8), -1)
                if tokens[index].lower == "who" or not tokens[index].is_word
            ),
            None,
        )
        if relative is not None and relative > sentence.first and tokens[relative].lower == "who":
            # "Residents who lost sheds said …", "The woman who found the wallet said …": the speaker is
            # who the relative clause describes.
            owner = phrase_start_before(tokens, relative, sentence.first)
            if owner is not None:
                return Attribution(verb, read_phrase(self.text, tokens, owner, relative), owner, verb + 1)
        return Attribution(verb, read_phrase(self.text, tokens, start, end), start, verb + 1)

    def _subject_after(self, sentence: Sentence, verb: int) -> Attribution | None:
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
        return Attribution(verb, phrase, verb, end, inverted=True)

    def _read_object(self, sentence: Sentence, attribution: Attribution) -> None:
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

    def _register_subject(self, sentence: Sentence, attributions: list[Attribution]) -> None:
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
        if phrase.kind == "person" and " " not in phrase.name and not self._may_be_a_name(phrase.name):
            return  # "Farmers, he said, …", "Speaking about …": a capital only because the sentence starts there
        if phrase.kind in ("person", "organization", "government_body") and not phrase.anaphoric:
            self._resolve(phrase, first, sentence)

    def _may_be_a_name(self, word: str) -> bool:
        """Whether a capitalised word opening a sentence may be a name: part of a person's full name in the
        article, or written with its capital somewhere a sentence does not start, as a name is."""
        return bare(word) in self.full_names or bare(word) in self.first_names or self._named_mid_sentence(word)

    def _named_mid_sentence(self, word: str) -> bool:
        """Whether `word` is written with its capital somewhere a sentence does not start."""
        found = self._mid_sentence_capitals.get(word)
        if found is None:
            pattern = r"[^\s.!?:\"\u201c\u201d'\u2018\u2019\u2014(]\s+" + re.escape(word) + r"(?![\w-])"
            found = self._mid_sentence_capitals[word] = re.search(pattern, self.text) is not None
        return found

    # Direct quotes -----------------------------------------------------------------------------------

    def _according_after_quote(self, sentence: Sentence, index: int) -> list[Attribution]:
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
        attribution = Attribution(position, phrase, position, end, inverted=True)
        attribution.speaker = self._resolve(phrase, position + 2, sentence)
        return [attribution]

    def _according_to(self, sentence: Sentence) -> list[tuple]:
        tokens = sentence.tokens
        found = []
        for index in range(sentence.first, sentence.last - 2):
            if tokens[index].lower != "according" or tokens[index + 1].lower != "to":
                continue
            end = phrase_end_after(tokens, index + 2, sentence.last)
            if end is None:
                continue
            phrase = read_phrase(self.text, tokens, index + 2, end)
            attribution = Attribution(index, phrase, index + 2, end)
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

    def _participle_clauses(self, sentence: Sentence, attributions) -> list[tuple]:
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
