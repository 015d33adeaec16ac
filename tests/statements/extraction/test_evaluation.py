"""The extractor on the labelled evaluation set and on the seed article."""

import datetime

import pytest

from statements.extraction import DIRECT_QUOTE, PARAPHRASE, extract
from statements.extraction.evaluation import (
    SEED_ARTICLE,
    Tally,
    all_passages,
    evaluate,
    load_passages,
    load_seed_passage,
    span_overlap,
)

PASSAGES = all_passages()


@pytest.fixture(scope="module")
def report():
    return evaluate(PASSAGES)


def test_evaluation_set_is_large_enough_and_its_labels_are_verbatim():
    passages = load_passages()
    assert len(passages) >= 40
    for passage in passages:
        for labelled in passage.expected:
            assert passage.text[labelled.start : labelled.end] == labelled.text


@pytest.mark.parametrize("passage", PASSAGES, ids=lambda passage: passage.identifier)
def test_every_direct_quote_is_its_exact_span(passage):
    for statement in extract(passage.text, passage.published):
        assert passage.text[statement.start : statement.end] == statement.text
        if statement.kind == DIRECT_QUOTE:
            assert statement.text == statement.text.strip()
            assert not statement.text.endswith(",")
            assert passage.text[statement.start - 1] not in " ,"


def test_attributed_quote_f1_reaches_the_target(report):
    assert report.total("attributed_quotes").f1 >= 0.95


def test_paraphrase_detection_and_attribution_stay_high(report):
    assert report.total("paraphrase_detection").f1 >= 0.9
    assert report.total("attributed_paraphrases").f1 >= 0.85


@pytest.mark.parametrize(
    ("counts", "precision", "recall", "f1"),
    [
        ((8, 2, 0), 0.8, 1.0, 8 / 9),
        ((0, 0, 0), 1.0, 1.0, 1.0),
        ((0, 3, 2), 0.0, 0.0, 0.0),
    ],
)
def test_tally_computes_precision_recall_and_f1(counts, precision, recall, f1):
    tally = Tally(*counts)
    assert (tally.precision, tally.recall) == (precision, recall)
    assert tally.f1 == pytest.approx(f1)


def test_scorer_counts_a_wrong_speaker_as_detected_but_not_attributed():
    seed = load_seed_passage()
    wrong = lambda text, published: [  # noqa: E731
        _with_speaker(statement, "Hamas") for statement in extract(text, published)
    ]
    report = evaluate([seed], extractor=wrong)
    assert report.total("quote_detection").true_positives == 5
    assert report.total("attributed_quotes").true_positives == 0


def _with_speaker(statement, name):
    from dataclasses import replace

    if statement.speaker:
        statement.speaker = replace(statement.speaker, name=name)
    return statement


SEED_TEXT = SEED_ARTICLE.read_text(encoding="utf-8")
SEED_QUOTES = [
    ("The President and the Prime Minister discussed ongoing hostage negotiations.", "White House", "the White House"),
    ("The President and the Prime Minister also discussed the situation in Gaza,", "White House", "the statement"),
    ("The President also raised the situation in Rafah,", "White House", "it"),
    ("This week we freed two of our hostages", "Benjamin Netanyahu", "Netanyahu"),
    ("I insist that Hamas drop their delusional demands", "Benjamin Netanyahu", "he"),
]
SEED_PARAPHRASES = [
    ("s1", "he was committed to secure the release of the hostages", "Joe Biden", "US President Joe Biden"),
    ("s5", "Netanyahu’s conversation with Biden lasted about 40 minutes", "Netanyahu’s office", "Netanyahu’s office"),
    ("s6", "The conversation dealt with the negotiations", "Netanyahu’s office", "Netanyahu’s office"),
    ("s7", "the two leaders discussed a deal", "senior administration official", "A senior administration official"),
    ("s8", "while a framework is in place, gaps remain", "senior administration official", "The officials"),
    ("s9", "the talks were productive and serious", "US official", "A US official"),
]


@pytest.fixture(scope="module")
def seed_statements():
    return extract(SEED_TEXT, datetime.date(2024, 2, 15))


def test_seed_article_gives_the_five_direct_quotes_with_their_speakers(seed_statements):
    quotes = [statement for statement in seed_statements if statement.kind == DIRECT_QUOTE]
    assert [
        (statement.text[: len(start)], statement.speaker.name, statement.speaker.as_written)
        for statement, (start, _, _) in zip(quotes, SEED_QUOTES, strict=True)
    ] == [(start, name, written) for start, name, written in SEED_QUOTES]


@pytest.mark.parametrize(
    ("key", "start", "name", "written"), SEED_PARAPHRASES, ids=[row[0] for row in SEED_PARAPHRASES]
)
def test_seed_article_gives_the_curated_paraphrases_with_their_speakers(seed_statements, key, start, name, written):
    seed = load_seed_passage()
    labelled = next(item for item in seed.expected if item.text.startswith(start))
    found = [s for s in seed_statements if s.kind == PARAPHRASE and span_overlap(s, labelled) >= 0.5]
    assert [(s.speaker.name, s.speaker.as_written) for s in found] == [(name, written)]


def test_seed_article_records_addressee_intermediaries_and_dates(seed_statements):
    def starting(words):
        return next(statement for statement in seed_statements if statement.text.startswith(words))

    s1 = starting("he was committed")
    assert [addressee.name for addressee in s1.addressees] == ["Benjamin Netanyahu"]
    assert s1.reported_by.name == "White House"
    assert (s1.date.value, s1.date.precision, s1.date.expression) == (datetime.date(2024, 2, 15), "day", "on Thursday")
    assert starting("the two leaders").reported_by.name == "CNN"
    assert starting("The President and the Prime Minister discussed").channel == "readout"
