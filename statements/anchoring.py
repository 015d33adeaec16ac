"""Anchoring statements to the exact characters of their source's body."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """Half-open character offsets [start, end) into a source body."""

    start: int
    end: int


class AnchorError(ValueError):
    """The text cannot be anchored unambiguously."""


def find_unique_span(body: str, text: str) -> Span:
    """The one place `text` occurs in `body`; refuse when it is absent or ambiguous."""
    start = body.find(text)
    if start < 0:
        raise AnchorError("The text does not occur in the source's body.")
    if body.find(text, start + 1) >= 0:
        raise AnchorError("The text occurs more than once in the source's body: give its span.")
    return Span(start, start + len(text))


def context_around(body: str, start: int, end: int, width: int = 300) -> tuple[str, str, str]:
    """The text before, inside and after a span, cut to `width` characters on each side."""
    return body[max(0, start - width) : start], body[start:end], body[end : end + width]
