"""Full-text search: ranked PostgreSQL search over stored vectors, and a word match elsewhere.

On PostgreSQL every searched table has a `search_vector` column that the database generates from
the searched fields (migration 0009) and a GIN index on it. The models do not declare the column
(no other database has the type); `StoredSearchVector` names it in queries.
"""

from collections.abc import Sequence

from django.db import connection
from django.db.models import Expression, FloatField, Q, QuerySet, Value
from django.db.models.functions import Cast

#: The text-search configuration for PostgreSQL; the stored vectors are built with the same one.
SEARCH_CONFIG = "english"

#: Fields searched by `q`, per model; the stored vectors are made of exactly these.
SEARCH_FIELDS = {
    "statement": ("text",),
    "communication": ("title", "summary"),
    "source": ("title", "body"),
}

#: The generated column holding a row's vector, on PostgreSQL.
VECTOR_COLUMN = "search_vector"

#: The annotation a search leaves on the queryset: higher is more relevant.
SEARCH_RANK = "search_rank"


class StoredSearchVector(Expression):
    """The `search_vector` column of the queryset's own table (PostgreSQL only)."""

    def __init__(self, alias: str | None = None):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())
        self.alias = alias

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        return resolved

    def relabeled_clone(self, relabels):
        clone = self.copy()
        clone.alias = relabels.get(self.alias, self.alias)
        return clone

    def get_group_by_cols(self):
        return [self]

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name(VECTOR_COLUMN)}", []

    def __eq__(self, other):
        return isinstance(other, StoredSearchVector) and other.alias == self.alias

    def __hash__(self):
        return hash((type(self), self.alias))


def full_text_search(queryset: QuerySet, query: str, *, rank_window: int | None = None) -> QuerySet:
    """Rows matching a web-style search, annotated with `search_rank` (higher is better).

    PostgreSQL ranks matches of its stored vectors. Ranking reads every match's vector, so with
    `rank_window` only the newest `rank_window` matches (by DateKey, then id) are kept to be ranked:
    a common word matching a fifth of the archive then costs what ten thousand matches cost. Other
    databases require every word as a case-insensitive substring of a searched field, with a constant rank.
    """
    fields = SEARCH_FIELDS[queryset.model._meta.model_name]
    if connection.vendor != "postgresql":
        return word_match(queryset, query, fields)
    from django.contrib.postgres.search import SearchRank

    search = _web_search(query)
    matches = full_text_matches(queryset, query)
    if rank_window is not None:
        from statements.models.base import DateKey

        newest = matches.alias(date_key=DateKey()).order_by("-date_key", "-pk").values("pk")[:rank_window]
        matches = queryset.filter(pk__in=newest)
    # Double precision, so a rank read back from a cursor compares equal to itself.
    return matches.annotate(**{SEARCH_RANK: Cast(SearchRank(StoredSearchVector(), search), FloatField())})


def full_text_matches(queryset: QuerySet, query: str, *, alternatively: Q | None = None) -> QuerySet:
    """Rows matching a web-style search (or the `alternatively` condition), unranked.

    On PostgreSQL the condition is on the row's own stored vector, so the database may walk another
    index (a list's order) testing each row, or take the matches from the GIN index, as is cheaper.
    """
    if connection.vendor != "postgresql":
        words = word_match(queryset, query, SEARCH_FIELDS[queryset.model._meta.model_name])
        return words if alternatively is None else queryset.filter(Q(pk__in=words.values("pk")) | alternatively)
    matching = Q(search_vector=_web_search(query))
    return queryset.alias(search_vector=StoredSearchVector()).filter(
        matching if alternatively is None else matching | alternatively
    )


def _web_search(query: str):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")


def word_match(queryset: QuerySet, query: str, fields: Sequence[str]) -> QuerySet:
    """Rows containing every word of the query (quotes and a leading `-` ignored) in one of `fields`."""
    words = [word.strip('"').lstrip("-") for word in query.split()]
    condition = Q()
    for word in filter(None, words):
        condition &= Q.create([(f"{field}__icontains", word) for field in fields], connector=Q.OR)
    return queryset.filter(condition).annotate(**{SEARCH_RANK: Value(0.0, output_field=FloatField())})
