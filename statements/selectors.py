"""Reads that are more than a filter: listings with their relations, full-text search, topic trees."""

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Cast, Greatest, Least, Substr

from statements.models import Actor, ActorAlias, Communication, Statement, Topic
from statements.text import normalize_name

#: Characters of context either side of a quote, as in a Web Annotation TextQuoteSelector.
QUOTE_CONTEXT_CHARACTERS = 32

#: The text-search configuration for PostgreSQL; indexes are built with the same one.
SEARCH_CONFIG = "english"

#: Fields searched by `q`, per model; the PostgreSQL indexes cover exactly these.
SEARCH_FIELDS = {
    "statement": ("text",),
    "communication": ("title", "summary"),
    "source": ("title", "body"),
}


def statement_list() -> QuerySet[Statement]:
    """Statements with everything their representation embeds, in a constant number of queries.

    The quote's context is cut out by the database, so long source bodies never leave it.
    """
    width = QUOTE_CONTEXT_CHARACTERS
    return (
        Statement.objects.select_related(
            "speaker", "position", "reported_by", "communication", "source", "in_reply_to", "created_by", "updated_by"
        )
        .defer("source__body")
        .prefetch_related("addressees", "topics", "mentioned_actors", "mentioned_places")
        .annotate(
            quote_prefix=Substr(
                "source__body", Greatest(F("span_start") - width + 1, Value(1)), Least(F("span_start"), Value(width))
            ),
            quote_exact=Substr("source__body", F("span_start") + 1, F("span_end") - F("span_start")),
            quote_suffix=Substr("source__body", F("span_end") + 1, Value(width)),
        )
    )


def communication_list() -> QuerySet[Communication]:
    """Communications with their participants, topics, sources and links, in a constant number of queries."""
    return Communication.objects.select_related("duration_according_to", "place", "regarding").prefetch_related(
        "participations__actor", "topics", "sources"
    )


def topic_ids_with_descendants(topic_ids: Iterable[int]) -> set[int]:
    """The given topics and every topic beneath them; one query per level of the tree."""
    found = set(topic_ids)
    frontier = set(found)
    while frontier:
        frontier = set(Topic.objects.filter(parent__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def full_text_search(queryset: QuerySet, query: str, *, fields: Sequence[str]) -> QuerySet:
    """Rows matching a web-style search, annotated with `search_rank` (higher is better).

    PostgreSQL uses ranked full-text search over an expression index; other databases fall
    back to requiring every word as a case-insensitive substring, with a constant rank.
    """
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*fields, config=SEARCH_CONFIG)
        search = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        return (
            queryset.annotate(search_vector=vector)
            .filter(search_vector=search)
            .annotate(
                # Double precision, so a rank read back from a cursor compares equal to itself.
                search_rank=Cast(SearchRank(vector, search), FloatField())
            )
        )
    words = [word.strip('"').lstrip("-") for word in query.split()]
    condition = Q()
    for word in filter(None, words):
        condition &= Q.create([(f"{field}__icontains", word) for field in fields], connector=Q.OR)
    return queryset.filter(condition).annotate(search_rank=Value(0.0, output_field=FloatField()))


def actor_search(queryset: QuerySet[Actor], query: str) -> QuerySet[Actor]:
    """Actors whose name or an alias contains the query, ignoring case, accents and apostrophe style."""
    folded = normalize_name(query)
    alias_matches = ActorAlias.objects.filter(normalized_name__contains=folded).values("actor_id")
    return queryset.filter(Q(name__icontains=query.strip()) | Q(pk__in=alias_matches))
