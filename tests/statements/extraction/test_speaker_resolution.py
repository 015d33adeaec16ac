"""Who a later reference in an article is: capitals that are not names, nationalities, roles of a place, and
family names written first. Each article is made up for the test."""

import pytest

from statements.extraction import extract


def speakers(text: str) -> list[tuple[str, str | None]]:
    return [(statement.text, statement.speaker.name if statement.speaker else None) for statement in extract(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A capital at the start of a sentence is not a name, so `he` goes back to the person named before.
        (
            'Agriculture Secretary Tom Vilk visited Iowa on Monday.\n\nFarmers, he said, "have carried this economy."',
            [("have carried this economy.", "Tom Vilk")],
        ),
        (
            "Finance Minister Rachel Moore presented the budget.\n\n"
            'Speaking about the budget, she said: "This is a plan for growth."',
            [("This is a plan for growth.", "Rachel Moore")],
        ),
        # A nationality opening a sentence ("The Norwegian salmon farms") is nobody.
        (
            "Fisheries Minister Per Sandberg toured the coast on Friday.\n\n"
            'The Norwegian salmon farms have struggled with lice for years. "We must act now," he said.',
            [("We must act now", "Per Sandberg")],
        ),
        # `the Brazilian` is the person the article introduced by that nationality.
        (
            'The Brazilian midfielder Caio Prado scored twice on Saturday.\n\n"I dedicate this to my mother," '
            "the Brazilian said.",
            [("I dedicate this to my mother", "Caio Prado")],
        ),
        # `The mayor of Springfield, Jane Doe,`: the place after "of" is not the person; the apposition is.
        (
            'The mayor of Springfield, Jane Doe, opened the bridge on Monday.\n\n"It took ten years," she said.',
            [("It took ten years", "Jane Doe")],
        ),
        (
            'The mayor of Springfield, Jane Doe, opened the bridge.\n\n"It took ten years," the mayor said.',
            [("It took ten years", "Jane Doe")],
        ),
        # A family name written first: `Park Min-jun`, then `Park`; a given name used alone in a feature.
        (
            'Park Min-jun, the trade minister, arrived in Geneva on Sunday.\n\n"We seek fairness," Park said.',
            [("We seek fairness", "Park Min-jun")],
        ),
        (
            'Tanaka Hiroshi has farmed rice for forty years.\n\n"The rain comes later every spring," Tanaka said.',
            [("The rain comes later every spring", "Tanaka Hiroshi")],
        ),
        (
            'Mia Jensen opened her bakery in 2019.\n\n"I bake what my grandmother baked," Mia said.',
            [("I bake what my grandmother baked", "Mia Jensen")],
        ),
        # A surname still wins over somebody's given name.
        (
            'Grace Okafor met Paul Grace on Monday.\n\n"We agreed on everything," Grace said.',
            [("We agreed on everything", "Paul Grace")],
        ),
    ],
)
def test_later_references_resolve_to_the_person_the_article_introduced(text, expected):
    assert speakers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Part of a full name the article gave…
        'Tom Vilk spoke to reporters.\n\nVilk left early. "We are done," he said.',
        # …or capitalised where no sentence starts.
        'Reporters waited for Vilk.\n\nVilk left early. "We are done," he said.',
    ],
)
def test_a_name_opening_a_sentence_is_still_taken_for_one(text):
    assert speakers(text)[0][1] in ("Tom Vilk", "Vilk")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Rarer speech verbs before their speaker, and a title the name loses.
        ('"Vote early," urged Dana Whitcomb, the campaign manager.', [("Vote early", "Dana Whitcomb")]),
        (
            'Coach Mark Ellis joined the club in 2019.\n\n"We had nothing then," recalled the coach.',
            [("We had nothing then", "Mark Ellis")],
        ),
        # The words of someone.
        (
            'Professor Anna Lund studies glaciers.\n\nIn Professor Lund\'s words, "the ice is running out of time."',
            [("the ice is running out of time.", "Anna Lund")],
        ),
        # A colon after a long phrase whose subject is the person.
        (
            "Grace Okafor, the manager, spoke after the final.\n\nMs Okafor summed up the season for the fans: "
            '"We will be back stronger."',
            [("We will be back stronger.", "Grace Okafor")],
        ),
        # A headline quoting someone the article names in full below.
        (
            "'We were let down': Okafor hits out at referee\n\nGrace Okafor, the manager, spoke after the match.",
            [("We were let down", "Grace Okafor")],
        ),
    ],
)
def test_attributions_beyond_x_said(text, expected):
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A person "with" a body is the person, not the body.
        (
            "Fire Captain Lena Ortiz with the County Fire Service said the blaze was contained. "
            '"We got lucky with the wind," Ortiz said.',
            [("the blaze was contained", "Lena Ortiz"), ("We got lucky with the wind", "Lena Ortiz")],
        ),
        # A quotation answering the question the article just asked.
        (
            'Coach Mark Ellis was furious at half time. What did the coach tell his players?\n\n"Wake up or go home."',
            [("Wake up or go home.", "Mark Ellis")],
        ),
    ],
)
def test_affiliations_and_answers(text, expected):
    assert speakers(text) == expected


def test_a_one_word_quotation_repeated_is_an_echo_not_another_statement():
    text = 'The minister called the plan "robust". Critics said it was anything but "robust".'
    quoted = [statement.text for statement in extract(text) if statement.kind == "direct_quote"]
    assert quoted == ["robust"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Particles inside a name, capitalised or not.
        (
            'Chief executive Marieke van den Broek spoke on Tuesday.\n\n"We grew too fast," Van den Broek said.',
            [("We grew too fast", "Marieke van den Broek")],
        ),
        ('"It is the plan," said Tomás de la Vega, an analyst.', [("It is the plan", "Tomás de la Vega")]),
        # An abbreviated title is the role a later reference names.
        (
            'Gov. Raymond Tuttle declared an emergency.\n\n"Do not wait," the governor told reporters.',
            [("Do not wait", "Raymond Tuttle")],
        ),
        # A country after a name gives the nationality a later reference uses; "South Korean" is one.
        (
            'Ingrid Halvorsen of Sweden finished second.\n\n"I ran out of holes," the Swede said.',
            [("I ran out of holes", "Ingrid Halvorsen")],
        ),
        (
            'South Korea\'s Park Seo-yeon won by two shots.\n\n"I was nervous," the South Korean said.',
            [("I was nervous", "Park Seo-yeon")],
        ),
        # "X of Y": the person, Y their place or body.
        (
            '"It is years away," said Professor Hamish Drummond of Imperial College London.',
            [("It is years away", "Hamish Drummond")],
        ),
        # The text shows a person's gender: "…, said that she would …".
        (
            "Rep. Dolores Whitcombe said that she would vote against the bill. Committee chairman Earl Dunmore "
            'has said he expects it to pass.\n\n"Not this session," she said.',
            [
                ("she would vote against the bill", "Dolores Whitcombe"),
                ("he expects it to pass", "Earl Dunmore"),
                ("Not this session", "Dolores Whitcombe"),
            ],
        ),
    ],
)
def test_names_titles_nationalities_and_genders_the_text_gives(text, expected):
    assert speakers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Residents who lost sheds said the plan had failed.", [("the plan had failed", "Residents")]),
        ("The woman who found the wallet said she had handed it in.", [("she had handed it in", "woman")]),
        ('"It is over," said Ann Lee, who chairs the board.', [("It is over", "Ann Lee")]),
    ],
)
def test_a_relative_clause_describes_the_speaker_it_follows(text, expected):
    assert speakers(text) == expected
