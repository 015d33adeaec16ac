"""Relative dates resolved against the publication date, with their precision and words."""

import datetime

import pytest

from statements.extraction import extract
from statements.extraction.dates import find_date

THURSDAY = datetime.date(2024, 2, 15)


@pytest.mark.parametrize(
    ("sentence", "value", "precision", "expression"),
    [
        ("said on Thursday", THURSDAY, "day", "on Thursday"),
        ("said Thursday", THURSDAY, "day", "Thursday"),
        ("said earlier on Thursday", THURSDAY, "day", "earlier on Thursday"),
        ("said on Sunday", datetime.date(2024, 2, 11), "day", "on Sunday"),
        ("said late Wednesday", datetime.date(2024, 2, 14), "day", "late Wednesday"),
        ("said last Thursday", datetime.date(2024, 2, 8), "day", "last Thursday"),
        ("said yesterday", datetime.date(2024, 2, 14), "day", "yesterday"),
        ("said earlier this week", datetime.date(2024, 2, 12), "week", "earlier this week"),
        ("said last week", datetime.date(2024, 2, 5), "week", "last week"),
        ("said last month", datetime.date(2024, 1, 1), "month", "last month"),
        ("said in January", datetime.date(2024, 1, 1), "month", "in January"),
        ("said in March", datetime.date(2023, 3, 1), "month", "in March"),
        ("said last year", datetime.date(2023, 1, 1), "year", "last year"),
        ("said in 2021", datetime.date(2021, 1, 1), "year", "in 2021"),
        ("said on Feb. 3", datetime.date(2024, 2, 3), "day", "on Feb. 3"),
        ("said on March 9, 2022", datetime.date(2022, 3, 9), "day", "on March 9, 2022"),
    ],
)
def test_date_expressions_resolve_with_precision(sentence, value, precision, expression):
    found = find_date(sentence, 0, len(sentence), THURSDAY)
    assert (found.value, found.precision, found.expression) == (value, precision, expression)


def test_week_month_and_year_precisions_start_their_period():
    for sentence in ("this week", "last month", "last year"):
        found = find_date(sentence, 0, len(sentence), datetime.date(2024, 5, 29))
        assert found.value.isoweekday() == 1 if found.precision == "week" else found.value.day == 1


def test_relative_date_without_publication_date_is_kept_with_unknown_precision():
    found = find_date("said on Thursday", 0, 16, None)
    assert (found.value, found.precision, found.expression) == (None, "unknown", "on Thursday")


def test_statement_carries_the_date_of_its_attribution():
    statement = extract(
        "Netanyahu's office said in a statement earlier on Thursday that the call lasted an hour.", THURSDAY
    )[0]
    assert (statement.date.value, statement.date.precision, statement.date.expression) == (
        THURSDAY,
        "day",
        "earlier on Thursday",
    )
