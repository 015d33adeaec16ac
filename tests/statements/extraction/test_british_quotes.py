"""Quotations in the British manner: single marks, double ones for a quotation inside a quotation."""

import pytest

from statements.extraction import DIRECT_QUOTE, extract


def quotes(text: str) -> list[tuple[str, str | None]]:
    return [
        (statement.text, statement.speaker.name if statement.speaker else None)
        for statement in extract(text)
        if statement.kind == DIRECT_QUOTE
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'We were let down,' Grace Okafor said.", [("We were let down", "Grace Okafor")]),
        ("\u2018We were let down,\u2019 said Grace Okafor.", [("We were let down", "Grace Okafor")]),
        # Apostrophes inside a quotation close nothing: don't, Okafor's, the players' union.
        (
            "'We didn't play Okafor's way, and the players' union knows it,' Grace Okafor said.",
            [("We didn't play Okafor's way, and the players' union knows it", "Grace Okafor")],
        ),
        # Double marks quote inside the quotation.
        (
            "\u2018The referee called it \u201ca clear penalty\u201d, and it was not,\u2019 said Grace Okafor.",
            [("The referee called it \u201ca clear penalty\u201d, and it was not", "Grace Okafor")],
        ),
        # The manager is named, then quoted across paragraphs.
        (
            "The manager, Grace Okafor, was blunt.\n\n'We were let down,' she said. 'It will not happen again.'",
            [("We were let down", "Grace Okafor"), ("It will not happen again.", "Grace Okafor")],
        ),
    ],
)
def test_single_marks_quote_in_an_article_that_quotes_with_them(text, expected):
    assert quotes(text) == expected


def test_an_article_quoting_with_double_marks_keeps_its_apostrophes_out_of_quotations():
    text = "The players' union met on Monday. \"We won't strike,\" Grace Okafor said of the union's plans."
    assert quotes(text) == [("We won't strike", "Grace Okafor")]
