"""Reads that are more than a filter: listings with their relations, full-text search, topic trees."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from django.db import connection
from django.db.models import Count, F, FloatField, Q, QuerySet, Value
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


# Merging actors

#: Folded names looked up per query when matching aliases to names; keeps every database's parameter limit.
NAME_LOOKUP_BATCH = 500


@dataclass(frozen=True)
class DuplicateCandidate:
    """Two unmerged actors that look like one, with the reasons; `keep` is the one suggested to merge into."""

    keep: Actor
    duplicate: Actor
    reasons: tuple[str, ...]


def actor_duplicate_candidates() -> list[DuplicateCandidate]:
    """Pairs of unmerged actors sharing a folded name or alias, or where one's alias is the other's name.

    Names are folded in Python (the folding is Unicode-aware, beyond what SQL can do portably), once
    per actor; shared aliases are found by grouping in the database and aliases matching names by
    batched lookups, so the work grows with the number of actors, not with its square. The Wikidata
    id is unique, so two actors can never share one; no need to look for that.
    """
    live_actors = Actor.objects.filter(merged_into__isnull=True)
    live_aliases = ActorAlias.objects.filter(actor__merged_into__isnull=True)
    actors_by_name: dict[str, set[int]] = defaultdict(set)
    for pk, name in live_actors.values_list("pk", "name").iterator():
        actors_by_name[normalize_name(name)].add(pk)

    reasons: dict[tuple[int, int], list[str]] = defaultdict(list)

    def match(first: int, second: int, reason: str) -> None:
        pair = (min(first, second), max(first, second))
        if first != second and reason not in reasons[pair]:
            reasons[pair].append(reason)

    for pks in actors_by_name.values():
        for first, second in combinations(sorted(pks), 2):
            match(first, second, "same name")
    shared = (
        live_aliases.values("normalized_name")
        .annotate(actor_count=Count("actor", distinct=True))
        .filter(actor_count__gt=1)
        .values("normalized_name")
    )
    actors_by_alias: dict[str, set[int]] = defaultdict(set)
    for actor_id, normalized_name in live_aliases.filter(normalized_name__in=shared).values_list(
        "actor_id", "normalized_name"
    ):
        actors_by_alias[normalized_name].add(actor_id)
    for normalized_name, pks in actors_by_alias.items():
        for first, second in combinations(sorted(pks), 2):
            match(first, second, f'shared alias "{normalized_name}"')
    folded_names = list(actors_by_name)
    for start in range(0, len(folded_names), NAME_LOOKUP_BATCH):
        batch = folded_names[start : start + NAME_LOOKUP_BATCH]
        for actor_id, normalized_name in live_aliases.filter(normalized_name__in=batch).values_list(
            "actor_id", "normalized_name"
        ):
            for other in actors_by_name[normalized_name]:
                match(actor_id, other, f'alias "{normalized_name}" is the other\'s name')

    actors = live_actors.in_bulk({pk for pair in reasons for pk in pair})
    candidates = []
    for (first, second), why in reasons.items():
        older, newer = actors[first], actors[second]
        # Keep the one linked to Wikidata; otherwise the older record, which links elsewhere have used longer.
        keep, duplicate = (newer, older) if newer.wikidata_id and not older.wikidata_id else (older, newer)
        candidates.append(DuplicateCandidate(keep=keep, duplicate=duplicate, reasons=tuple(why)))
    return sorted(candidates, key=lambda candidate: (candidate.keep.name, candidate.duplicate.name, candidate.keep.pk))
