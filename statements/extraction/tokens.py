"""Paragraphs, quotations, tokens and sentences, each with its character offsets into the text."""

import re
from dataclasses import dataclass, field

from statements.extraction.lexicon import ABBREVIATIONS

OPENING_MARKS = "\u201c\u201e"  # “ „
CLOSING_MARKS = "\u201d"  # ”
STRAIGHT_MARK = '"'
QUOTE_MARKS = OPENING_MARKS + CLOSING_MARKS + STRAIGHT_MARK


@dataclass(frozen=True)
class QuoteMarks:
    """The marks an article quotes with: double (“…”, "…") or, in the British manner, single (‘…’, '…')."""

    opening: str
    closing: str
    straight: str

    @property
    def all(self) -> str:
        return self.opening + self.closing + self.straight


DOUBLE_MARKS = QuoteMarks(OPENING_MARKS, CLOSING_MARKS, STRAIGHT_MARK)
SINGLE_MARKS = QuoteMarks("\u2018", "\u2019", "'")
# A mark opening a quotation: at the start of a line or after a space or an opening bracket, before a letter.
_DOUBLE_OPENERS = re.compile(r"(?:^|(?<=[\s(\[\u2014]))[\u201c\u201e\"](?=[^\W\d_])", re.MULTILINE)
_SINGLE_OPENERS = re.compile(r"(?:^|(?<=[\s(\[\u2014]))[\u2018'](?=[^\W\d_])", re.MULTILINE)


def quote_marks_of(text: str) -> QuoteMarks:
    """The marks `text` quotes with: single ones when its first quotation opens with one and it opens at least
    as many with them as with double ones (British usage, double marks quoting inside a quotation); double
    ones otherwise."""
    singles, doubles = list(_SINGLE_OPENERS.finditer(text)), list(_DOUBLE_OPENERS.finditer(text))
    if not singles or len(singles) < len(doubles):
        return DOUBLE_MARKS
    return SINGLE_MARKS if not doubles or singles[0].start() < doubles[0].start() else DOUBLE_MARKS


# Characters after which a straight quote mark opens rather than closes a quotation.
_OPENER_CONTEXT = " \t([{\u2014\u2013-/:"
_SENTENCE_END = ".?!\u2026"

_TOKEN_RE = re.compile(
    r"""
    (?:[A-Za-z]\.){2,}(?:-[^\W_]+)*                 # U.S., U.N., U.S.-based
    | \d+(?:[.,:/]\d+)*(?:%|st|nd|rd|th|s)?        # 40, 1,000, 3.5%, 1990s
    | [^\W\d_](?:\w|['\u2019](?=\w)|[-&](?=\w))*     # words, with inner apostrophes and hyphens
      (?:['\u2019](?![^\W_]))?                     # a plural possessive's apostrophe (Hamas')
    | \.\.\.|\u2026|--|\S
    """,
    re.VERBOSE,
)


@dataclass
class Quote:
    """A quotation inside one paragraph: where its marks are and where its words are."""

    mark_start: int  # offset of the opening mark
    mark_end: int  # offset just past the closing mark, or the paragraph's end when it runs on
    start: int  # the words: no marks, no surrounding space, no trailing comma
    end: int
    paragraph: int
    runs_on: bool = False  # no closing mark: the quotation continues in the next paragraph
    continued: bool = False  # opens a paragraph while the previous paragraph's quotation ran on


@dataclass
class Token:
    """A word, a punctuation mark or a whole quotation, with its offsets."""

    text: str
    start: int
    end: int
    quote: Quote | None = None
    lower: str = field(init=False)

    def __post_init__(self):
        self.lower = self.text.lower().replace("\u2019", "'")

    @property
    def is_quote(self) -> bool:
        return self.quote is not None

    @property
    def is_word(self) -> bool:
        return self.quote is None and (self.text[0].isalnum())

    @property
    def is_capitalized(self) -> bool:
        return self.quote is None and self.text[0].isupper()


@dataclass
class Paragraph:
    """A paragraph of the text: a line, or lines separated by blank lines."""

    index: int
    start: int
    end: int
    tokens: list[Token]
    quotes: list[Quote]
    sentences: list[tuple[int, int]]  # half-open token index ranges


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """The [start, end) spans of the non-blank lines of `text`, trimmed of surrounding space."""
    spans = []
    for match in re.finditer(r"[^\n\r\u2028\u2029]+", text):
        line = match.group()
        stripped = line.strip()
        if stripped:
            start = match.start() + (len(line) - len(line.lstrip()))
            spans.append((start, start + len(stripped)))
    return spans


def _is_opener(text: str, position: int, paragraph_start: int, marks: QuoteMarks = DOUBLE_MARKS) -> bool:
    before = text[position - 1] if position > paragraph_start else " "
    return before in _OPENER_CONTEXT or before in marks.opening + "\u2018\u201c"


def _is_closer(text: str, position: int, paragraph_end: int, marks: QuoteMarks = DOUBLE_MARKS) -> bool:
    after = text[position + 1] if position + 1 < paragraph_end else " "
    return not (after.isalnum() or after in marks.opening)


def _is_apostrophe(text: str, position: int, start: int, end: int) -> bool:
    """Whether a single mark is an apostrophe: between two letters (don't, Lund's), or a plural possessive's
    after an s and before a lower-case word ("the players' union"), rather than a quotation mark."""
    if not start < position < end - 1:
        return False
    if text[position - 1].isalnum() and text[position + 1].isalnum():
        return True
    return text[position - 1] == "s" and text[position + 1] == " " and text[position + 2 : position + 3].islower()


def find_quotes(
    text: str, start: int, end: int, index: int, continued: bool, marks: QuoteMarks = DOUBLE_MARKS
) -> list[Quote]:
    """The quotations of the paragraph text[start:end]; `continued` when it carries on a run-on quotation."""
    quotes: list[Quote] = []
    open_at: int | None = None
    depth = 0
    position = start
    while True:
        position = _next_mark(text, position, end, marks)
        if position < 0:
            break
        mark = text[position]
        if marks is SINGLE_MARKS and _is_apostrophe(text, position, start, end):
            position += 1
            continue
        straight = mark == marks.straight
        opens = mark in marks.opening or (straight and _is_opener(text, position, start, marks))
        closes = mark in marks.closing or (straight and _is_closer(text, position, end, marks))
        if marks is SINGLE_MARKS and opens and closes:
            opens = False  # "the players' union": a plural possessive's apostrophe closes nothing it opened
        if open_at is None:
            if marks is SINGLE_MARKS and not opens:
                position += 1
                continue  # an apostrophe ending a word ("the players' union") outside any quotation
            if (
                opens
                or (straight and not closes)
                or (
                    mark in marks.closing
                    and _is_opener(text, position, start, marks)
                    and not _is_closer(text, position, end, marks)
                )
            ):
                open_at, depth = position, 0
        elif opens and not closes:
            depth += 1  # a quotation inside the quotation
        elif closes:
            if depth:
                depth -= 1
            else:
                quote = _make_quote(text, open_at, position + 1, index, continued=continued and not quotes)
                if quote:
                    quotes.append(quote)
                open_at = None
        position += 1
    if open_at is not None:
        quote = _make_quote(text, open_at, end, index, continued=continued and not quotes, runs_on=True)
        if quote:
            quotes.append(quote)
    return quotes


def _next_mark(text: str, position: int, end: int, marks: QuoteMarks = DOUBLE_MARKS) -> int:
    best = -1
    for mark in marks.all:
        found = text.find(mark, position, end)
        if found >= 0 and (best < 0 or found < best):
            best = found
    return best


def _make_quote(text: str, mark_start: int, mark_end: int, index: int, continued: bool, runs_on=False) -> Quote | None:
    inner_end = mark_end if runs_on else mark_end - 1
    start, end = mark_start + 1, inner_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    # A comma before the closing mark belongs to the attribution that follows, not to the quotation.
    if not runs_on and end > start and text[end - 1] == ",":
        end -= 1
        while end > start and text[end - 1].isspace():
            end -= 1
    if end <= start:
        return None
    return Quote(mark_start, mark_end, start, end, index, runs_on=runs_on, continued=continued)


def tokenize(text: str, start: int, end: int, quotes: list[Quote]) -> list[Token]:
    """Tokens of text[start:end], each quotation one token."""
    tokens: list[Token] = []
    position = start
    for quote in [*quotes, None]:
        segment_end = quote.mark_start if quote else end
        for match in _TOKEN_RE.finditer(text, position, segment_end):
            token_end = match.end()
            word = match.group()
            if (
                token_end < segment_end
                and text[token_end] == "."
                and (word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper()))
            ):
                token_end += 1
            if tokens and tokens[-1].end > match.start():
                continue  # the full stop already absorbed by an abbreviation
            tokens.append(Token(text[match.start() : token_end], match.start(), token_end))
        if quote:
            tokens.append(Token(text[quote.mark_start : quote.mark_end], quote.mark_start, quote.mark_end, quote))
            position = quote.mark_end
    return tokens


def split_sentences(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Sentence boundaries as token index ranges; a quotation never splits a sentence by itself."""
    sentences = []
    first = 0
    for index, token in enumerate(tokens[:-1]):
        following = tokens[index + 1]
        if token.is_quote:
            inner = text[token.quote.start : token.quote.end]
            ends_sentence = inner[-1:] in _SENTENCE_END and (following.is_capitalized or following.is_quote)
        else:
            ends_sentence = token.text in _SENTENCE_END or token.text == "..."
            ends_sentence = ends_sentence and (
                following.is_capitalized or following.is_quote or following.text[0].isdigit()
            )
        if ends_sentence:
            sentences.append((first, index + 1))
            first = index + 1
    if first < len(tokens):
        sentences.append((first, len(tokens)))
    return sentences


def read_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs with their quotations, tokens and sentences."""
    paragraphs = []
    runs_on = False
    marks = quote_marks_of(text)
    for index, (start, end) in enumerate(split_paragraphs(text)):
        continued = runs_on and text[start] in marks.opening + marks.straight
        quotes = find_quotes(text, start, end, index, continued, marks)
        runs_on = bool(quotes) and quotes[-1].runs_on
        tokens = tokenize(text, start, end, quotes)
        paragraphs.append(Paragraph(index, start, end, tokens, quotes, split_sentences(text, tokens)))
    return paragraphs
