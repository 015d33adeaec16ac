"""Text normalisation shared by alias matching, search and quote anchoring."""

import unicodedata

# Typographic variants that news text uses interchangeably with their ASCII forms.
_PUNCTUATION_FOLDS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)


def normalize_text(text: str) -> str:
    """A document's or a quote's text as it is stored: line breaks as "\n" (not "\r\n" or "\r", as pasted
    from Windows or old Mac text) and Unicode in composed form (NFC). Offsets, hashes and matches are
    taken on this form, so the same words are the same text whichever way they were sent."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def normalize_name(name: str) -> str:
    """Fold a name for matching: case-, accent-, apostrophe- and whitespace-insensitive."""
    folded = name.translate(_PUNCTUATION_FOLDS)
    decomposed = unicodedata.normalize("NFKD", folded)
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(without_accents.casefold().split())
