"""The extractor's rules, one attribution pattern per row: sentence -> kind, text and speaker."""

import pytest

from statements.extraction import DIRECT_QUOTE, PARAPHRASE, extract

QUOTE, PARA = DIRECT_QUOTE, PARAPHRASE


@pytest.mark.parametrize(
    ("text", "kind", "statement_text", "speaker"),
    [
        # Direct quotes, speaker after, straight and curly marks, `X said` and `said X`.
        ('"We will win," Maria Lopes said.', QUOTE, "We will win", "Maria Lopes"),
        ("“We will win,” Maria Lopes said.", QUOTE, "We will win", "Maria Lopes"),
        ('"We will win," said Maria Lopes.', QUOTE, "We will win", "Maria Lopes"),
        ('"Is it over?" Maria Lopes asked.', QUOTE, "Is it over?", "Maria Lopes"),
        ('"Never," Maria Lopes replied.', QUOTE, "Never", "Maria Lopes"),
        ('"Stay calm," Maria Lopes wrote on X.', QUOTE, "Stay calm", "Maria Lopes"),
        ('"It is too early," Maria Lopes cautioned.', QUOTE, "It is too early", "Maria Lopes"),
        ('"It will not last," Maria Lopes warned on Tuesday.', QUOTE, "It will not last", "Maria Lopes"),
        ('"We are done," Maria Lopes insisted.', QUOTE, "We are done", "Maria Lopes"),
        ('"That is all," Maria Lopes concluded.', QUOTE, "That is all", "Maria Lopes"),
        ('"We are ready," Maria Lopes told reporters.', QUOTE, "We are ready", "Maria Lopes"),
        # Titles and roles are not part of the name.
        ('"We are ready," Foreign Minister Maria Lopes said.', QUOTE, "We are ready", "Maria Lopes"),
        ('"We are ready," said Portuguese Foreign Minister Maria Lopes.', QUOTE, "We are ready", "Maria Lopes"),
        ('"We are ready," said Maria Lopes, the foreign minister.', QUOTE, "We are ready", "Maria Lopes"),
        ('"We are ready," the foreign minister, Maria Lopes, said.', QUOTE, "We are ready", "Maria Lopes"),
        (
            '"We are ready," White House press secretary Karine Jean-Pierre said.',
            QUOTE,
            "We are ready",
            "Karine Jean-Pierre",
        ),
        ('"We are ready," NATO Secretary-General Mark Rutte said.', QUOTE, "We are ready", "Mark Rutte"),
        # Speaker before the quote: comma or colon.
        ('Maria Lopes said, "We are ready."', QUOTE, "We are ready.", "Maria Lopes"),
        ('Maria Lopes added: "We are ready."', QUOTE, "We are ready.", "Maria Lopes"),
        ('Maria Lopes told reporters in Lisbon: "We are ready."', QUOTE, "We are ready.", "Maria Lopes"),
        # Organisations and unnamed sources.
        ('"Talks continue," the White House said.', QUOTE, "Talks continue", "White House"),
        ('"Talks continue," the Foreign Ministry said in a statement.', QUOTE, "Talks continue", "Foreign Ministry"),
        (
            '"Talks continue," a senior administration official said.',
            QUOTE,
            "Talks continue",
            "senior administration official",
        ),
        ('"Talks continue," Netanyahu\'s office said.', QUOTE, "Talks continue", "Netanyahu's office"),
        # Reported speech.
        ("Maria Lopes said that the talks would resume.", PARA, "the talks would resume", "Maria Lopes"),
        ("Maria Lopes said the talks would resume.", PARA, "the talks would resume", "Maria Lopes"),
        (
            "Maria Lopes told Prime Minister Luis Montenegro that the talks would resume.",
            PARA,
            "the talks would resume",
            "Maria Lopes",
        ),
        ("Maria Lopes said in a statement that the talks would resume.", PARA, "the talks would resume", "Maria Lopes"),
        ("Maria Lopes said on Tuesday that the talks would resume.", PARA, "the talks would resume", "Maria Lopes"),
        ("The talks will resume next week, Maria Lopes said.", PARA, "The talks will resume next week", "Maria Lopes"),
        ("The talks will resume next week, said Maria Lopes.", PARA, "The talks will resume next week", "Maria Lopes"),
        (
            "According to Maria Lopes, the talks will resume next week.",
            PARA,
            "the talks will resume next week",
            "Maria Lopes",
        ),
        (
            "The talks will resume next week, according to the ministry.",
            PARA,
            "The talks will resume next week",
            "ministry",
        ),
        ("Officials warned that the storm would strengthen.", PARA, "the storm would strengthen", "Officials"),
        (
            "Two people familiar with the talks said a deal was close.",
            PARA,
            "a deal was close",
            "people familiar with the talks",
        ),
        ("A US official later said that that the talks were serious.", PARA, "the talks were serious", "US official"),
    ],
)
def test_pattern_gives_kind_text_and_speaker(text, kind, statement_text, speaker):
    found = [(s.kind, s.text, s.speaker.name if s.speaker else None) for s in extract(text)]
    assert (kind, statement_text, speaker) in found


@pytest.mark.parametrize(
    ("text", "first_speaker", "second_speaker", "second_via"),
    [
        # Split around the attribution, and continued in a new sentence.
        ('"We will win," Maria Lopes said, "and soon."', "Maria Lopes", "Maria Lopes", "named"),
        ('"We will win," Maria Lopes said. "Nobody doubts it."', "Maria Lopes", "Maria Lopes", "continuation"),
        # Pronouns and role nouns go back to the most recent compatible speaker.
        ('"We will win," Maria Lopes said. "Nobody doubts it," she added.', "Maria Lopes", "Maria Lopes", "pronoun"),
        (
            '"Talks continue," the Foreign Ministry said. "No date is set," it added.',
            "Foreign Ministry",
            "Foreign Ministry",
            "pronoun",
        ),
        (
            'The Foreign Ministry said in a statement that talks continue. "No date is set," the statement said.',
            "Foreign Ministry",
            "Foreign Ministry",
            "document",
        ),
        (
            'Foreign Minister Maria Lopes said that talks continue. "No date is set," the minister added.',
            "Maria Lopes",
            "Maria Lopes",
            "role",
        ),
        (
            "A senior official said the talks were close. The officials cautioned that gaps remain.",
            "senior official",
            "senior official",
            "role",
        ),
        # A surname alone is completed from the article's full mention of the name.
        ('Foreign Minister Maria Lopes arrived. "We are ready," Lopes said.', None, "Maria Lopes", "surname"),
    ],
)
def test_references_resolve_to_the_previous_speaker(text, first_speaker, second_speaker, second_via):
    statements = extract(text)
    if first_speaker is not None:
        assert statements[0].speaker.name == first_speaker
    assert statements[-1].speaker.name == second_speaker
    assert statements[-1].speaker.via == second_via


def test_multi_paragraph_quote_continues_with_its_speaker():
    text = (
        '"The first paragraph opens the quote and does not close it.\n\n'
        '"The second paragraph closes it," Maria Lopes said.'
    )
    first, second = extract(text)
    assert first.text == "The first paragraph opens the quote and does not close it."
    assert first.speaker.name == second.speaker.name == "Maria Lopes"
    assert first.group == second.group


def test_two_speakers_in_one_paragraph_keep_their_own_quotes():
    text = (
        '"We will strike," union leader Ana Dias said. "We will not give in," countered Transport Minister Rui Sousa.'
    )
    assert [(s.text, s.speaker.name) for s in extract(text)] == [
        ("We will strike", "Ana Dias"),
        ("We will not give in", "Rui Sousa"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        'Officials warned of a so-called "red line" on quotas.',
        'The plan, dubbed "Blue Horizon," cuts catches by a third.',
        'The documentary "The Last Harvest" premiered on Saturday.',
        'The government\'s "temporary" measures have lasted three years.',
        'Analysts describe what is known as "the doom loop" between banks and states.',
    ],
)
def test_scare_quotes_and_titles_are_not_direct_quotes(text):
    assert [s for s in extract(text) if s.kind == DIRECT_QUOTE] == []


def test_quoted_fragment_inside_reported_speech_is_marked_as_such():
    statements = extract('Maria Lopes said the proposal was "dead on arrival" and left.')
    fragment = next(s for s in statements if s.kind == DIRECT_QUOTE)
    assert fragment.is_fragment
    assert fragment.text == "dead on arrival"
    assert fragment.speaker.name == "Maria Lopes"


def test_addressee_and_intermediary_are_recorded():
    told = extract("Joe Biden told Prime Minister Benjamin Netanyahu that the deal was close, the White House said.")[0]
    assert [addressee.name for addressee in told.addressees] == ["Benjamin Netanyahu"]
    assert told.reported_by.name == "White House"
    briefed = extract("A senior administration official later told CNN that the talks went well.")[0]
    assert briefed.addressees == []
    assert briefed.reported_by.name == "CNN"
    assert briefed.reported_by.kind == "media_outlet"


def test_no_statement_in_plain_narrative():
    assert extract("Biden and Netanyahu previously spoke for about 45 minutes on Sunday.") == []


def test_empty_text_gives_nothing():
    assert extract("") == []


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "“”",
        '" , said',
        'He said: "',
        '"Unclosed quote at the end, she said.',
        "”backwards“ marks, he said.",
        "said said said that that",
        "“A,” “B,” “C.”",
        "Line one.\r\n\r\n“Line two,” she said.\r\n",
        ", according to",
        "According to",
    ],
)
def test_malformed_text_never_breaks_the_offsets(text):
    for statement in extract(text):
        assert text[statement.start : statement.end] == statement.text
        assert statement.text.strip()
