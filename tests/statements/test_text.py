"""Name folding for matching, and anchoring quotes to the exact characters of a source."""

import pytest

from statements.anchoring import AnchorError, Span, context_around, find_unique_span
from statements.text import normalize_name


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Netanyahu’s office", "netanyahu's office"),
        ("Netanyahu‘s office", "netanyahu's office"),
        ("Netanyahuʼs office", "netanyahu's office"),
        ("Benjamín Netanyahú", "benjamin netanyahu"),
        ("Emmanuel Macron", "emmanuel macron"),
        ("François Hollande", "francois hollande"),
        ("Recep Tayyip Erdoğan", "recep tayyip erdogan"),
        ("Straße", "strasse"),
        ("  White\u00a0House \t press  office ", "white house press office"),
        ("“Bibi”", '"bibi"'),
        ("Al‑Sisi", "al-sisi"),
        ("Abbas — Fatah", "abbas - fatah"),
        ("ﬁnance ministry", "finance ministry"),
        ("", ""),
    ],
)
def test_normalize_name_folds_case_accents_punctuation_and_space(written, folded):
    assert normalize_name(written) == folded


@pytest.mark.parametrize(
    "variants",
    [
        ("Netanyahu’s office", "Netanyahu's office", "NETANYAHU'S  OFFICE"),
        ("Benjamín Netanyahú", "Benjamin Netanyahu", "benjamin netanyahu"),
    ],
)
def test_normalize_name_gives_variants_one_form(variants):
    assert len({normalize_name(variant) for variant in variants}) == 1


def test_normalize_name_keeps_distinct_names_apart():
    assert normalize_name("Netanyahu's office") != normalize_name("Netanyahus office")


BODY = 'Biden said "we will talk again". Netanyahu said "we will talk again" too. Aaa.'


def test_find_unique_span_returns_the_offsets_of_the_only_occurrence():
    span = find_unique_span(BODY, "Biden said")
    assert span == Span(0, len("Biden said"))
    assert BODY[span.start : span.end] == "Biden said"


def test_find_unique_span_is_exact():
    span = find_unique_span(BODY, "Netanyahu said")
    assert BODY[span.start : span.end] == "Netanyahu said"


@pytest.mark.parametrize(
    ("body", "text", "message"),
    [
        (BODY, "we will never talk", "does not occur"),
        (BODY, "We will talk again", "does not occur"),
        (BODY, "we will talk again", "occurs more than once"),
        # Overlapping occurrences are ambiguous too.
        ("xaaax", "aa", "occurs more than once"),
    ],
)
def test_find_unique_span_refuses_absent_or_ambiguous_text(body, text, message):
    with pytest.raises(AnchorError, match=message):
        find_unique_span(body, text)


@pytest.mark.parametrize(
    ("body", "start", "end", "width", "expected"),
    [
        ("0123456said it", 7, 11, 3, ("456", "said", " it")),
        ("Biden said it", 0, 5, 4, ("", "Biden", " sai")),
        ("Biden said it", 11, 13, 4, ("aid ", "it", "")),
    ],
)
def test_context_around_cuts_to_width_on_each_side(body, start, end, width, expected):
    assert context_around(body, start, end, width) == expected
