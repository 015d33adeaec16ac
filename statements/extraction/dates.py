"""Relative and absolute date expressions, resolved against the publication date when it is known."""

import datetime
import re

from statements.extraction.types import StatementDate

DAY, WEEK, MONTH, YEAR, UNKNOWN = "day", "week", "month", "year", "unknown"

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)"
)
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"

DATE_RE = re.compile(
    rf"""
    (?P<explicit>(?:on\s+)?(?:{_WEEKDAY},?\s+)?{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?)
    | (?P<month_year>(?:in\s+)?{_MONTH}\s+(?P<my_year>\d{{4}}))
    | (?P<weekday>(?:(?:earlier|late|early|later)\s+(?:on\s+)?|on\s+|last\s+)?
                 (?P<weekday_name>{_WEEKDAY}){_PART_OF_DAY})
    | (?P<relative_day>yesterday|today|tonight|this\s+(?:morning|afternoon|evening)|last\s+night)
    | (?P<relative_week>(?:earlier\s+|later\s+)?(?P<week_which>this|last|next)\s+week)
    | (?P<relative_month>(?:earlier\s+|later\s+)?(?P<month_which>this|last|next)\s+month)
    | (?P<relative_year>(?:earlier\s+|later\s+)?(?P<year_which>this|last|next)\s+year)
    | (?P<month_only>in\s+
                    (?P<month_name>January|February|March|April|June|July|August|September|October|November|December))
    | (?P<year_only>in\s+(?P<only_year>(?:19|20)\d{{2}}))
    """,
    re.VERBOSE | re.IGNORECASE,
)


# Date expressions start with, or just before, one of these words; finding them first is much faster
# than trying the full expression at every character.
_ANCHOR_RE = re.compile(
    rf"\b(?:{_WEEKDAY}|{_MONTH}|yesterday|today|tonight|[Tt]his |[Ll]ast |[Nn]ext |[Ii]n (?:19|20)\d\d\b)"
)
_PREFIX_RE = re.compile(r"(?:(?:earlier|late|early|later)\s+(?:on\s+)?|on\s+|last\s+|in\s+)$", re.IGNORECASE)
_PREFIX_WINDOW = 12


def _date_matches(text: str, start: int, end: int):
    position = start
    for anchor in _ANCHOR_RE.finditer(text, start, end):
        if anchor.start() < position:
            continue
        begin = anchor.start()
        prefix = _PREFIX_RE.search(text, max(position, begin - _PREFIX_WINDOW), begin)
        if prefix is not None:
            begin = prefix.start()
        match = DATE_RE.match(text, begin, end) or DATE_RE.match(text, anchor.start(), end)
        if match is not None and match.end() > match.start():
            position = match.end()
            yield match


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _shift_month(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def find_date(text: str, start: int, end: int, published: datetime.date | None) -> StatementDate | None:
    """The first date expression in text[start:end], resolved when the publication date allows."""
    match = next(_date_matches(text, start, end), None)
    if match is None:
        return None
    expression = match.group().strip()
    value, precision = _resolve(match, published)
    if value is None:
        precision = UNKNOWN
    return StatementDate(value, precision, expression)


def date_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Where date expressions are in text[start:end], so attribution can step over them."""
    return [match.span() for match in _date_matches(text, start, end)]


def _resolve(match: re.Match, published: datetime.date | None) -> tuple[datetime.date | None, str]:
    groups = match.groupdict()
    if groups["explicit"]:
        month = _MONTHS[re.search(_MONTH, groups["explicit"], re.IGNORECASE).group().lower().rstrip(".")]
        day = int(groups["day"])
        year = int(groups["year"]) if groups["year"] else (published.year if published else None)
        if year is None:
            return None, UNKNOWN
        if not groups["year"] and published and (month, day) > (published.month, published.day):
            year -= 1  # news reports the past: "Dec. 30" in a January article is last year's
        try:
            return datetime.date(year, month, day), DAY
        except ValueError:
            return None, UNKNOWN
    if groups["month_year"]:
        month = _MONTHS[re.search(_MONTH, groups["month_year"], re.IGNORECASE).group().lower().rstrip(".")]
        return datetime.date(int(groups["my_year"]), month, 1), MONTH
    if groups["year_only"]:
        return datetime.date(int(groups["only_year"]), 1, 1), YEAR
    if published is None:
        return None, UNKNOWN
    if groups["weekday"]:
        wanted = _WEEKDAYS.index(groups["weekday_name"].lower())
        back = (published.weekday() - wanted) % 7
        if groups["weekday"].lower().startswith("last") and back == 0:
            back = 7
        return published - datetime.timedelta(days=back), DAY
    if groups["relative_day"]:
        word = groups["relative_day"].lower()
        if word == "yesterday" or word.startswith("last"):
            return published - datetime.timedelta(days=1), DAY
        return published, DAY
    if groups["relative_week"]:
        offset = {"this": 0, "last": -7, "next": 7}[groups["week_which"].lower()]
        return _monday(published) + datetime.timedelta(days=offset), WEEK
    if groups["relative_month"]:
        offset = {"this": 0, "last": -1, "next": 1}[groups["month_which"].lower()]
        return _shift_month(published, offset), MONTH
    if groups["relative_year"]:
        offset = {"this": 0, "last": -1, "next": 1}[groups["year_which"].lower()]
        return datetime.date(published.year + offset, 1, 1), YEAR
    if groups["month_only"]:
        month = _MONTHS[groups["month_name"].lower()]
        year = published.year if month <= published.month else published.year - 1
        return datetime.date(year, month, 1), MONTH
    return None, UNKNOWN
