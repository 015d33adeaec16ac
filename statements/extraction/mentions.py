"""Noun phrases that name speakers: finding their edges around a verb and reading what they name."""

from dataclasses import dataclass, replace

from statements.extraction import lexicon
from statements.extraction.tokens import Token

_MAX_PHRASE_TOKENS = 10
_MAX_APPOSITIVE_TOKENS = 16
_NAME_PARTICLES = lexicon.words("al al- el bin ben ibn abu van von den ter ten de da del der la le du di dos das y")
_POSSESSIVE_ENDINGS = ("'s", "\u2019s", "'", "\u2019")


def bare(word: str) -> str:
    """A token's lower-case form without a possessive ending."""
    lowered = word.lower().replace("\u2019", "'")
    if lowered.endswith("'s"):
        return lowered[:-2]
    return lowered.rstrip("'")


def is_title(word: str) -> bool:
    """Whether a word is (part of) a title: "Minister", "Secretary-General", "Vice-President"."""
    lowered = bare(word)
    return lowered in lexicon.TITLE_WORDS or (
        "-" in lowered and any(part in lexicon.TITLE_WORDS for part in lowered.split("-"))
    )


def is_possessive(word: str) -> bool:
    return word.endswith(_POSSESSIVE_ENDINGS) and len(word) > 2


@dataclass(frozen=True)
class Phrase:
    """A noun phrase read from the text, before any reference in it is resolved."""

    start: int
    end: int
    as_written: str
    kind: str  # person, organization, government_body, unnamed_source, group, media_outlet, document, pronoun
    name: str  # the name without titles or determiners; for a pronoun, the pronoun
    role: str = ""
    plural: bool = False
    anaphoric: bool = False  # "the ministry", "the officials": refers back to someone already named
    head: str = ""  # the head noun in the singular ("official", "ministry", "statement")


def is_name_word(token: Token) -> bool:
    if token.is_quote or not token.text[0].isalpha():
        return False
    return token.is_capitalized or token.lower in _NAME_PARTICLES or token.lower.startswith(("al-", "el-"))


def _accepts_leftwards(token: Token) -> bool:
    if token.is_quote or not token.text[0].isalnum():
        return False
    if token.is_capitalized:
        return token.lower not in lexicon.CAPITALIZED_FUNCTION_WORDS or token.lower in lexicon.DETERMINERS
    if token.lower in lexicon.NOUN_PHRASE_STOPS or token.lower in lexicon.SPEECH_VERBS:
        return False
    if token.text[0].isdigit():
        return False
    # Participles ("meeting", "speaking") end a subject; nouns in -ing rarely name a speaker.
    return not (token.lower.endswith("ing") and token.lower not in lexicon.PERSON_ROLE_NOUNS)


def _joins_name(tokens: list[Token], index: int, floor: int, end: int) -> bool:
    """Whether tokens[index] is an "of", "for" or "and" inside an organisation's or a title's name."""
    word = tokens[index].lower
    if word not in ("of", "for", "and") or index - 1 < floor or tokens[index].is_capitalized:
        return False
    if not (tokens[index - 1].is_capitalized and tokens[index + 1].is_capitalized):
        return False
    if word != "and":
        return True
    # "and" joins two names ("Biden and Netanyahu") unless the phrase is an institution's name.
    return any(tokens[position].lower in ("of", "for") for position in range(max(floor, index - 4), end))


def phrase_start_before(tokens: list[Token], end: int, floor: int) -> int | None:
    """The first token of the noun phrase that ends just before `end`, or None when there is none."""
    last = end - 1
    if last < floor:
        return None
    if tokens[last].lower in lexicon.PRONOUNS and tokens[last].is_word:
        return last
    if not _accepts_leftwards(tokens[last]):
        return None
    if tokens[last].lower in lexicon.DETERMINERS:
        return None
    first = last
    while first - 1 >= floor and end - first < _MAX_PHRASE_TOKENS:
        previous = tokens[first - 1]
        if _joins_name(tokens, first - 1, floor, end):
            first -= 2  # "Bank of England", "Centers for Disease Control and Prevention"
            continue
        if not _accepts_leftwards(previous) or previous.lower in lexicon.PRONOUNS:
            break
        first -= 1
        if previous.lower in lexicon.DETERMINERS:
            break
    # A role noun's post-modifier: "a spokesperson for the ministry", "two people familiar with the talks".
    preposition = first - 1
    while preposition >= floor and tokens[preposition].lower in lexicon.ROLE_PREPOSITIONS and first - preposition <= 2:
        preposition -= 1
    if preposition < first - 1:
        outer = phrase_start_before(tokens, preposition + 1, floor)
        named_before = tokens[preposition + 1].lower in _AFFILIATIONS and _is_named_person_end(tokens, preposition)
        if outer is not None and (_head(tokens, preposition + 1) in lexicon.PERSON_ROLE_NOUNS or named_before):
            return outer
    return first


#: Prepositions tying a named person to a body: "Fire Captain Lena Ortiz with the County Fire Service".
_AFFILIATIONS = frozenset({"with", "at", "from", "of"})


def _is_named_person_end(tokens: list[Token], index: int) -> bool:
    """Whether tokens[index] ends a person's name: capitalised, after another capitalised word, not a title."""
    return (
        index >= 1
        and tokens[index].is_capitalized
        and tokens[index - 1].is_capitalized
        and not is_title(tokens[index].text)
        and bare(tokens[index].text) not in lexicon.ORGANIZATION_NOUNS
    )


def _head(tokens: list[Token], end: int) -> str:
    return bare(tokens[end - 1].text)


def _is_noun_after_name(token: Token) -> bool:
    word = bare(token.text)
    return (
        word in lexicon.ORGANIZATION_NOUNS
        or word in lexicon.PERSON_ROLE_NOUNS
        or lexicon.ROLE_SINGULARS.get(word, word) in lexicon.PERSON_ROLE_NOUNS
        or word in lexicon.DOCUMENT_NOUNS
        or is_title(word)
    )


def _describes_by_nationality(tokens: list[Token], start: int, end: int, ceiling: int) -> bool:
    """Whether tokens[end] is a lower-case word between a nationality and a name: "the Brazilian midfielder
    Caio Prado", "the Norwegian fisheries minister Per Sandberg"."""
    position = end - 1
    while position > start and not tokens[position].is_capitalized:
        position -= 1
    if bare(tokens[position].text) not in lexicon.DEMONYMS or end - position > 3:
        return False
    following = tokens[end + 1 : min(ceiling, end + 4)]
    for token in following:
        if token.is_capitalized:
            return True
        if not token.text[0].isalpha() or token.lower in lexicon.SPEECH_VERBS:
            return False
    return False


def phrase_end_after(tokens: list[Token], start: int, ceiling: int) -> int | None:
    """Just past the last token of the noun phrase that starts at `start`, or None when there is none."""
    if start >= ceiling:
        return None
    first = tokens[start]
    if first.is_quote or not first.text[0].isalpha():
        return None
    if first.lower in lexicon.PRONOUNS:
        return start + 1
    end = start + 1 if first.lower in lexicon.DETERMINERS else start
    seen_capital = False
    while end < ceiling and end - start < _MAX_PHRASE_TOKENS:
        token = tokens[end]
        if token.is_quote or not token.text[0].isalnum():
            break
        if token.is_capitalized:
            if token.lower in lexicon.CAPITALIZED_FUNCTION_WORDS and end > start:
                break
            seen_capital = True
        elif end > start and end + 1 < ceiling and _joins_name(tokens, end, start, min(ceiling, end + 4)):
            pass  # "Secretary of State Antony Blinken", "Bank of England"
        elif (
            token.lower in lexicon.NOUN_PHRASE_STOPS
            or token.lower in lexicon.SPEECH_VERBS
            or (token.lower in lexicon.DETERMINERS and end > start)  # a second phrase starts
        ):
            break
        elif seen_capital and not (
            is_name_word(token)
            or _is_noun_after_name(token)
            or (end + 1 < ceiling and _is_noun_after_name(tokens[end + 1]) and not token.lower.endswith("ed"))
            or _describes_by_nationality(tokens, start, end, ceiling)
        ):
            break  # "Donald Trump spoke": a verb, not part of the name
        end += 1
    if end == start or (end == start + 1 and first.lower in lexicon.DETERMINERS):
        return None
    # A role noun's post-modifier, as above.
    modified = bare(tokens[end - 1].text)
    if end < ceiling and (
        (tokens[end].lower in lexicon.ROLE_PREPOSITIONS and modified in lexicon.PERSON_ROLE_NOUNS)
        or (tokens[end].lower in ("from", "by") and modified in lexicon.DOCUMENT_NOUNS)
    ):
        after = end + 1
        if after < ceiling and tokens[after].lower in lexicon.ROLE_PREPOSITIONS:
            after += 1
        outer = phrase_end_after(tokens, after, ceiling)
        if outer is not None:
            return outer
    return end


def appositive_before(tokens: list[Token], comma: int, floor: int) -> int | None:
    """For `Name, apposition, said`: the index of the comma that opens the apposition ending at `comma`."""
    for index in range(comma - 1, max(floor, comma - _MAX_APPOSITIVE_TOKENS) - 1, -1):
        token = tokens[index]
        if token.is_quote or token.text in ".;:!?":
            return None
        if token.text == ",":
            opener = tokens[index + 1] if index + 1 < comma else None
            if opener is None:
                return None
            if opener.lower in lexicon.DETERMINERS or opener.lower in ("who", "whose") or opener.text[0].isdigit():
                return index
            if is_title(opener.text) or opener.lower in lexicon.PERSON_ROLE_NOUNS:
                return index
            if all(is_name_word(token) for token in tokens[index + 1 : comma]):
                return index  # the apposition is the name: "the club's chairman, Tom Avery, said"
            return None
    return None


def appositive_after(tokens: list[Token], comma: int, ceiling: int) -> int:
    """For `said Name, a spokesman for X.`: just past the apposition that follows `comma` (or `comma`)."""
    opener = tokens[comma + 1] if comma + 1 < ceiling else None
    if opener is None or not (
        opener.lower in lexicon.DETERMINERS
        or opener.lower in ("who", "whose")
        or is_title(opener.text)
        or opener.lower in lexicon.PERSON_ROLE_NOUNS
        or opener.text[0].isdigit()
    ):
        return comma
    end = comma + 1
    while end < ceiling and end - comma < _MAX_APPOSITIVE_TOKENS:
        token = tokens[end]
        if token.is_quote or token.text in ",.;:!?":
            break
        end += 1
    return end


def read_phrase(text: str, tokens: list[Token], start: int, end: int, role: str = "") -> Phrase:
    """What the noun phrase tokens[start:end] names."""
    for index in range(start + 2, end - 1):
        if tokens[index].lower in _AFFILIATIONS and _is_named_person_end(tokens, index - 1):
            # "Fire Captain Lena Ortiz with the County Fire Service": the person, the body their affiliation.
            person = read_phrase(text, tokens, start, index, role)
            if person.kind == "person":
                affiliation = text[tokens[index].start : tokens[end - 1].end]
                return replace(
                    person,
                    end=tokens[end - 1].end,
                    as_written=text[tokens[start].start : tokens[end - 1].end],
                    role=person.role or affiliation,
                )
    words = tokens[start:end]
    as_written = text[words[0].start : words[-1].end]
    char_start, char_end = words[0].start, words[-1].end
    if len(words) == 1 and words[0].lower in lexicon.PRONOUNS:
        kind, number = lexicon.PRONOUNS[words[0].lower]
        return Phrase(char_start, char_end, as_written, "pronoun", words[0].lower, plural=number == "plural")
    determiner = words[0].lower if words[0].lower in lexicon.DETERMINERS else ""
    content = words[1:] if determiner else words
    if not content:
        content = words
    content_text = text[content[0].start : content[-1].end]
    head = bare(content[-1].text)
    singular_head = lexicon.ROLE_SINGULARS.get(head, head)
    plural = head in lexicon.ROLE_SINGULARS or (
        head.endswith("s") and not content[-1].is_capitalized and head[-2:] != "ss"
    )
    has_capital = any(word.is_capitalized for word in content)
    lower_words = [word for word in content if not word.is_capitalized]

    offset = start + (1 if determiner and len(words) > 1 else 0)
    for index, word in enumerate(content[:-2]):
        # "a statement from the ministry", "a letter by the lawyers": the issuer speaks.
        if bare(word.text) in lexicon.DOCUMENT_NOUNS and content[index + 1].lower in ("from", "by"):
            issuer = read_phrase(text, tokens, offset + index + 2, end, role)
            return replace(issuer, start=char_start, end=char_end, as_written=as_written)
    if head in lexicon.DOCUMENT_NOUNS:
        issuer = [word for word in content[:-1] if word.is_capitalized]
        if issuer and not is_possessive(issuer[-1].text):
            return _organization(as_written, text[issuer[0].start : issuer[-1].end], char_start, char_end, role, head)
        if issuer:  # "Netanyahu's statement": the issuer is the owner
            owner = text[issuer[0].start : issuer[-1].end]
            return Phrase(char_start, char_end, as_written, "document", owner.rstrip("'\u2019s"), role, head=head)
        return Phrase(char_start, char_end, as_written, "document", content_text, role, anaphoric=True, head=head)

    compass = len(content) == 2 and content[0].lower in ("south", "north", "east", "west", "new")
    if (len(content) == 1 or compass) and head in lexicon.DEMONYMS:
        # "the Brazilian": a person the article described by nationality ("the Brazilian midfielder Caio Prado");
        # "The Norwegian" opening "The Norwegian salmon farms": nobody.
        return Phrase(char_start, char_end, as_written, "person", content_text, role, anaphoric=True, head=head)

    # A person named after a title or role: "Foreign Minister Maria Lopes", "press secretary Karine Jean-Pierre".
    connectors = [
        index
        for index, word in enumerate(content[1:-1], start=1)
        if word.lower in ("of", "for", "and")
        and content[index - 1].is_capitalized
        and content[index + 1].is_capitalized
    ]
    last_title = -1
    for index, word in enumerate(content):
        if index in connectors:
            continue
        if word.lower in _NAME_PARTICLES and _particle_of_name(content, index):
            continue  # "van den Broek", "de la Vega": part of the name
        if (not word.is_capitalized and word.text[0].isalpha()) or is_title(word.text):
            last_title = index
        if is_possessive(word.text) and index < len(content) - 1:
            last_title = index
    tail = content[last_title + 1 :]
    if (
        tail
        and last_title >= 1
        and content[last_title].lower == "of"
        and (is_title(content[last_title - 1].text) or bare(content[last_title - 1].text) in lexicon.PERSON_ROLE_NOUNS)
    ):
        # "the mayor of Springfield", "the president of Acme Corp": a role, and the name after "of" its
        # place or body, not the person; an apposition may name them ("…, Jane Doe,").
        role_noun = bare(content[last_title - 1].text)
        return Phrase(
            char_start,
            char_end,
            as_written,
            "unnamed_source",
            content_text,
            role,
            anaphoric=determiner == "the",
            head=lexicon.ROLE_SINGULARS.get(role_noun, role_noun),
        )
    if any(index > last_title for index in connectors):
        # "Bank of England", "Centers for Disease Control and Prevention": an institution's name
        return _organization(as_written, content_text, char_start, char_end, role, head)
    if tail and all(is_name_word(word) for word in tail) and head not in lexicon.ORGANIZATION_NOUNS:
        name = text[tail[0].start : tail[-1].end]
        if not _is_organization_name(tail):
            title = text[content[0].start : content[last_title].end] if last_title >= 0 else ""
            return Phrase(char_start, char_end, as_written, "person", name, role or title, head=bare(tail[-1].text))
        return _organization(as_written, content_text, char_start, char_end, role, head)

    if head in lexicon.ORGANIZATION_NOUNS or _is_organization_name(content):
        anaphoric = determiner == "the" and not has_capital
        name = content_text if has_capital or not anaphoric else content_text
        kind = "government_body" if singular_head in lexicon.GOVERNMENT_NOUNS else "organization"
        if head in lexicon.MEDIA_WORDS and has_capital:
            kind = "media_outlet"
        return Phrase(char_start, char_end, as_written, kind, name, role, plural=False, anaphoric=anaphoric, head=head)

    if lower_words and (singular_head in lexicon.PERSON_ROLE_NOUNS or head in lexicon.PERSON_ROLE_NOUNS):
        anaphoric = determiner in ("the", "this", "these", "those") and not _has_post_modifier(content)
        kind = "group" if plural and head not in ("officials", "sources", "diplomats") else "unnamed_source"
        return Phrase(
            char_start,
            char_end,
            as_written,
            kind,
            content_text,
            role,
            plural=plural,
            anaphoric=anaphoric,
            head=singular_head,
        )
    if not has_capital:
        anaphoric = determiner == "the"
        kind = "group" if plural else "unnamed_source"
        return Phrase(char_start, char_end, as_written, kind, content_text, role, plural, anaphoric, singular_head)
    if plural and not content[-1].is_capitalized:
        return Phrase(char_start, char_end, as_written, "group", content_text, role, True, head=singular_head)
    return Phrase(char_start, char_end, as_written, "unknown", content_text, role, head=head)


def _particle_of_name(content: list[Token], index: int) -> bool:
    """Whether content[index], a particle ("van", "de"), is followed by more particles and then a name."""
    following = index + 1
    while following < len(content) and content[following].lower in _NAME_PARTICLES:
        following += 1
    return following < len(content) and content[following].is_capitalized


def _has_post_modifier(content: list[Token]) -> bool:
    return any(word.lower in lexicon.ROLE_PREPOSITIONS for word in content[1:])


def _is_organization_name(words: list[Token]) -> bool:
    lowered = {bare(word.text) for word in words}
    if len(words) == 1 and (lowered & lexicon.KNOWN_ORGANIZATIONS or lowered & lexicon.COUNTRIES):
        return True
    return bare(words[-1].text) in lexicon.ORGANIZATION_NOUNS or bare(words[-1].text) in lexicon.KNOWN_ORGANIZATIONS


def _organization(as_written: str, name: str, start: int, end: int, role: str, head: str) -> Phrase:
    lowered = name.lower()
    last = bare(lowered.split()[-1]) if lowered.split() else ""
    if last in lexicon.MEDIA_WORDS:
        kind = "media_outlet"
    elif last in lexicon.GOVERNMENT_NOUNS or last in lexicon.COUNTRIES:
        kind = "government_body"
    else:
        kind = "organization"
    return Phrase(start, end, as_written, kind, name, role, head=head)


def person_names(text: str, tokens: list[Token]) -> list[str]:
    """Full personal names (two words or more, titles removed) in a run of tokens, for completing surnames."""
    names = []
    index = 0
    while index < len(tokens):
        if not tokens[index].is_capitalized or tokens[index].lower in lexicon.CAPITALIZED_FUNCTION_WORDS:
            index += 1
            continue
        end = index
        while (
            end < len(tokens)
            and is_name_word(tokens[end])
            and not is_possessive(tokens[end - 1].text if end > index else "")
        ):
            end += 1
        run = tokens[index:end]
        index = max(end, index + 1)
        titles = [position for position, word in enumerate(run) if is_title(word.text)]
        if titles:
            run = run[titles[-1] + 1 :]
        while run and run[0].lower in _NAME_PARTICLES:
            run = run[1:]
        while run and run[-1].lower in _NAME_PARTICLES:
            run = run[:-1]
        if len(run) < 2 or len(run) > 4 or _is_organization_name(run):
            continue
        if any(bare(word.text) in lexicon.COUNTRIES for word in run):
            continue
        name = text[run[0].start : run[-1].end]
        if is_possessive(name):
            name = name[:-2] if name.endswith(("'s", "\u2019s")) else name[:-1]
        names.append(name)
    return names
