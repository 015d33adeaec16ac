"""The article's discourse: who has been named, and what a later reference (`he`, `the officials`) points to."""

from dataclasses import replace

from statements.extraction import lexicon
from statements.extraction.mentions import Phrase, bare
from statements.extraction.reading import GENERIC_ORGANIZATION_NOUNS, ORGANIZATION_KINDS, Entity, Sentence
from statements.extraction.types import Mention


class DiscourseState:
    """Remembers the entities the article names and resolves references to the most recent compatible one."""

    def _resolve(self, phrase: Phrase, first: int, sentence: Sentence, register: bool = True) -> Mention:
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
                issuer = self.issuer or self._latest(lambda entity: entity.mention.kind in ORGANIZATION_KINDS)
                if issuer is not None:
                    issuer_mention = issuer if isinstance(issuer, Mention) else issuer.mention
                    return replace(
                        issuer_mention, as_written=phrase.as_written, start=phrase.start, end=phrase.end, via="document"
                    )
                return mention
            mention = replace(mention, kind="organization")
        if phrase.anaphoric:
            entity = self._latest(lambda entity: phrase.head in entity.heads)
            if entity is None and phrase.head in GENERIC_ORGANIZATION_NOUNS:
                # "the agency", "the company": the organisation last named, whatever its name
                entity = self._latest(lambda entity: entity.mention.kind in ORGANIZATION_KINDS)
            if entity is not None:
                return replace(
                    entity.mention, as_written=phrase.as_written, start=phrase.start, end=phrase.end, via="role"
                )
            mention = replace(mention, name=phrase.name)
        if phrase.kind == "person" and len(phrase.name.split()) == 1:
            full = self.full_names.get(bare(phrase.name), set()) or self.first_names.get(bare(phrase.name), set())
            if len(full) == 1:
                mention = replace(mention, name=next(iter(full)), via="surname")
        elif phrase.kind == "person":
            for entity in reversed(self.entities):
                # `Mr. Netanyahu` after `Benjamin Netanyahu`: the same person.
                if entity.mention.kind == "person" and entity.mention.name.lower().endswith(" " + phrase.name.lower()):
                    mention = replace(mention, name=entity.mention.name, via="surname")
                    break
        if register:
            self._register(mention, phrase)
            if mention.kind == "person":
                self._gender_from_sentence(mention, phrase, sentence)
        return mention

    def _gender_from_sentence(self, mention: Mention, phrase: Phrase, sentence: Sentence) -> None:
        """`Rep. Dolores Whitcombe … said that she would …`: the first he or she after a person named as the
        sentence's subject is that person, whose gender the text then shows."""
        entity = next((entity for entity in reversed(self.entities) if entity.mention.name == mention.name), None)
        if entity is None or entity.gender:
            return
        for token in sentence.tokens[sentence.first : sentence.last]:
            if token.start < phrase.end or token.is_quote:
                continue
            if token.lower in ("he", "his", "him"):
                entity.gender = "he"
                return
            if token.lower in ("she", "her"):
                entity.gender = "she"
                return
            if token.is_capitalized and token.start > phrase.end:
                return  # someone else may be named before the pronoun

    def _register(self, mention: Mention, phrase: Phrase) -> None:
        heads = {bare(word) for word in f"{mention.name} {phrase.role} {phrase.as_written}".split()}
        heads |= {lexicon.ROLE_SINGULARS.get(word, word) for word in heads}
        # "Gov. Raymond Tuttle" is "the governor"; "Ingrid Halvorsen of Sweden", "South Korea's Park", "the Swede".
        heads |= {lexicon.ABBREVIATED_TITLES[word] for word in heads if word in lexicon.ABBREVIATED_TITLES}
        for word in list(heads):
            heads |= lexicon.COUNTRY_DEMONYMS.get(word, frozenset())
        if phrase.head:
            heads.add(phrase.head)
        gender = ""
        role = phrase.role.lower()
        if role.startswith("mr"):
            gender = "he"
        elif role.startswith(("ms", "mrs")):
            gender = "she"
        self.entities = [entity for entity in self.entities if entity.mention.name != mention.name] + [
            Entity(mention, phrase.plural, frozenset(heads), gender)
        ]

    def _latest(self, accepts) -> Entity | None:
        for entity in reversed(self.entities):
            if accepts(entity):
                return entity
        return None

    def _antecedent_of_pronoun(self, pronoun: str) -> Entity | None:
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
            return self._latest(lambda entity: entity.mention.kind in ORGANIZATION_KINDS | {"unknown"})
        if pronoun == "they":
            return self._latest(lambda entity: entity.plural or entity.mention.kind in ORGANIZATION_KINDS | {"group"})
        return None
