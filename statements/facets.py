"""Facets: the most frequent values of a property across a filtered set of statements or communications.

A facet counts, for each value (a speaker, a topic, a month, a kind…), the records of the set that
have it, and gives the most frequent first. Each is one grouped query over the set, which stays a
subquery: whatever filters and search made the set, the database counts it without the rows
leaving it. A facet's counts are those of the list its value narrows the set to: a topic counts
the records about it or a narrower topic, as the `topic` filter selects; a place, the statements
mentioning it or said in a communication there, as the `place` filter does; a month, the records
whose date falls in it, as a date range does (so a date known only to its year counts in January).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, DateField, QuerySet
from django.db.models.functions import Trunc

from statements import facets_together as together
from statements.changes import kept_until_changed, query_question
from statements.models import Communication, Statement, Topic


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet and how many records of the set have it."""

    value: int | str | datetime.date
    count: int


@dataclass(frozen=True)
class Facet:
    """A property to count: its name, the list filter that narrows to one of its values, and how to count."""

    name: str
    #: What the value is: "actor", "topic", "place", "source", "communication", "choice" or "period".
    value_kind: str
    #: The list's query parameter that selects one value ("speaker", "kind", "date" for a date range).
    parameter: str
    description: str
    counts: Callable[[QuerySet, int], list[FacetValue]]
    #: How it is counted with others over a small selection on PostgreSQL; None: on its own.
    branch: together.Branch | None = None


def _by_column(column: str) -> Callable[[QuerySet, int], list[FacetValue]]:
    """Counts by a column of the set's own rows (a choice, or a to-one relation's id); rows without one skipped."""

    def counts(queryset: QuerySet, limit: int) -> list[FacetValue]:
        # Rows without a value are counted too and dropped here: as a condition, `IS NOT NULL` can lead the
        # planner to intersect the set with the column's index (300,000 relayed statements for a month's 2,000).
        rows = (
            queryset.order_by()
            .values(column)
            .annotate(facet_count=Count("pk"))
            .order_by("-facet_count", column)[: limit + 1]
        )
        return [FacetValue(row[column], row["facet_count"]) for row in rows if row[column] is not None][:limit]

    return counts


def _by_link(relation: str, *, target: str | None = None) -> Callable[[QuerySet, int], list[FacetValue]]:
    """Counts by the members of a to-many relation (a many-to-many field, or `participations`' actors).

    The links of the set's records are counted, each record once per member even when it is linked
    to the member twice (an actor taking part in two roles).
    """

    def counts(queryset: QuerySet, limit: int) -> list[FacetValue]:
        model = queryset.model
        field = model._meta.get_field(relation)
        if field.many_to_many:
            links, owner = field.remote_field.through.objects, field.m2m_field_name()
            member = target or field.m2m_reverse_field_name()
        else:
            links, owner, member = field.related_model.objects, field.field.name, target
        distinct = not field.many_to_many  # Many-to-many links are unique per pair; participations per role.
        rows = (
            links.filter(**{f"{owner}__in": queryset.order_by().values("pk")})
            .values(member)
            .annotate(facet_count=Count(owner, distinct=distinct))
            .order_by("-facet_count", member)[:limit]
        )
        return [FacetValue(row[member], row["facet_count"]) for row in rows]

    return counts


def _by_period(kind: str) -> Callable[[QuerySet, int], list[FacetValue]]:
    """Counts by the month or year of the records' dates, as their first day; undated records skipped."""

    def counts(queryset: QuerySet, limit: int) -> list[FacetValue]:
        rows = (
            queryset.order_by()
            .filter(date__isnull=False)
            .annotate(facet_period=Trunc("date", kind, output_field=DateField()))
            .values("facet_period")
            .annotate(facet_count=Count("pk"))
            .order_by("-facet_count", "-facet_period")[:limit]
        )
        return [FacetValue(_as_date(row["facet_period"]), row["facet_count"]) for row in rows]

    return counts


def _as_date(value) -> datetime.date:
    # SQLite's truncation comes back as a string on some versions, PostgreSQL's as a date.
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def _raw_counts(sql: str, params: list, limit: int) -> list[FacetValue]:
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY 2 DESC, 1 LIMIT %s", [*params, limit])
        return [FacetValue(value, count) for value, count in cursor.fetchall()]


def _set_sql(queryset: QuerySet) -> tuple[str, list]:
    """The SQL selecting the ids of the set, to use as a subquery."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # A set Django knows to be empty (no ids): it writes no SQL for it.
        return "SELECT 0 WHERE 1 = 0", []
    return sql, list(params)


def _topic_tree_pairs() -> list[tuple[int, int]]:
    """Pairs (topic, itself or a broader topic) of the whole topic tree."""
    parents = dict(Topic.objects.order_by().values_list("pk", "parent_id"))
    pairs = []
    for topic in parents:
        ancestor, seen = topic, set()
        while ancestor is not None and ancestor not in seen:
            seen.add(ancestor)
            pairs.append((int(topic), int(ancestor)))
            ancestor = parents.get(ancestor)
    return pairs


def _by_topic(queryset: QuerySet, limit: int) -> list[FacetValue]:
    """Counts by topic, a record counted under each topic it is about and each broader one, once."""
    pairs = _topic_tree_pairs()
    if not pairs:
        return []
    field = queryset.model._meta.get_field("topics")
    through = field.remote_field.through
    owner = together.quote_name(through._meta.get_field(field.m2m_field_name()).column)
    ids, params = _set_sql(queryset)
    sql = (
        f"WITH {together.tree_table(pairs)} SELECT facet_tree.ancestor, COUNT(DISTINCT link.{owner}) "
        f"FROM {together.quote_name(through._meta.db_table)} link JOIN facet_tree ON facet_tree.topic = link.topic_id "
        f"WHERE link.{owner} IN ({ids}) GROUP BY facet_tree.ancestor"
    )
    return _raw_counts(sql, params, limit)


def _statements_by_place(queryset: QuerySet, limit: int) -> list[FacetValue]:
    """Counts by place: the places a statement mentions and the place of its communication, once each."""
    mentioned = Statement.mentioned_places.through._meta.db_table
    ids, params = _set_sql(queryset)
    quote = together.quote_name
    statement, communication = quote(Statement._meta.db_table), quote(Communication._meta.db_table)
    sql = (
        "SELECT place_id, COUNT(DISTINCT statement_id) FROM ("
        f"SELECT statement_id, place_id FROM {quote(mentioned)} WHERE statement_id IN ({ids}) "
        f"UNION ALL SELECT said.id, held.place_id FROM {statement} said "
        f"JOIN {communication} held ON held.id = said.communication_id "
        f"WHERE held.place_id IS NOT NULL AND said.id IN ({ids})"
        ") facet_places GROUP BY place_id"
    )
    return _raw_counts(sql, params * 2, limit)


def _period_facets(noun: str) -> list[Facet]:
    return [
        Facet(
            "month",
            "period",
            "date",
            f"{noun} by the month of their date.",
            _by_period("month"),
            together.period_branch("month"),
        ),
        Facet(
            "year",
            "period",
            "date",
            f"{noun} by the year of their date.",
            _by_period("year"),
            together.period_branch("year"),
        ),
    ]


def _column_facet(model, name: str, value_kind: str, description: str, column: str | None = None) -> Facet:
    """A facet by a column of the records' own rows (a choice, or a to-one relation's id)."""
    column = column or name
    return Facet(name, value_kind, name, description, _by_column(column), together.column_branch(model, column))


def _link_facet(model, name: str, value_kind: str, description: str, relation: str, target: str | None = None):
    """A facet by the members of a to-many relation."""
    counts = _by_link(relation, target=target)
    return Facet(name, value_kind, name, description, counts, together.link_branch(model, relation, target=target))


#: The facets of statements, by name, in the order the schema lists them.
STATEMENT_FACETS = {
    facet.name: facet
    for facet in [
        _column_facet(Statement, "speaker", "actor", "Statements by who said them."),
        _link_facet(Statement, "addressee", "actor", "Statements by who they were said to.", "addressees"),
        _column_facet(Statement, "reported_by", "actor", "Statements by who relayed them."),
        _link_facet(Statement, "mentioned_actor", "actor", "Statements by the actors they name.", "mentioned_actors"),
        Facet(
            "topic",
            "topic",
            "topic",
            "Statements by topic, each counted under broader topics too.",
            _by_topic,
            together.topic_branch(Statement),
        ),
        Facet(
            "place",
            "place",
            "place",
            "Statements by the places they mention or were said in.",
            _statements_by_place,
            together.statement_place_branch(Statement, Communication),
        ),
        _column_facet(Statement, "source", "source", "Statements by the source they are taken from."),
        _column_facet(
            Statement, "communication", "communication", "Statements by the communication they were said in."
        ),
        _column_facet(Statement, "kind", "choice", "Statements by kind (direct quote, paraphrase…)."),
        # Columns of a related row: counted on their own, by a join.
        Facet(
            "communication_kind",
            "choice",
            "communication_kind",
            "Statements by the kind of communication they were said in.",
            _by_column("communication__kind"),
        ),
        Facet(
            "speaker_kind", "choice", "speaker_kind", "Statements by the kind of speaker.", _by_column("speaker__kind")
        ),
        _column_facet(Statement, "status", "choice", "Statements by curation status."),
        *_period_facets("Statements"),
    ]
}

#: The facets of communications, by name.
COMMUNICATION_FACETS = {
    facet.name: facet
    for facet in [
        _link_facet(
            Communication, "participant", "actor", "Communications by who took part.", "participations", "actor"
        ),
        _link_facet(
            Communication,
            "participant_role",
            "choice",
            "Communications by the roles their participants took.",
            "participations",
            "role",
        ),
        Facet(
            "topic",
            "topic",
            "topic",
            "Communications by topic, each counted under broader topics too.",
            _by_topic,
            together.topic_branch(Communication),
        ),
        _column_facet(Communication, "place", "place", "Communications by where they took place."),
        _column_facet(Communication, "kind", "choice", "Communications by kind (phone call, meeting…)."),
        *_period_facets("Communications"),
    ]
}

#: Facets by the model they count.
FACETS = {Statement: STATEMENT_FACETS, Communication: COMMUNICATION_FACETS}

#: Values a facet gives unless asked for more, and the most it gives.
DEFAULT_FACET_SIZE = 10
MAX_FACET_SIZE = 100


@dataclass(frozen=True)
class FacetResult:
    """A facet's most frequent values, and whether more values have records in the set."""

    facet: Facet
    values: list[FacetValue]
    truncated: bool


def facet_counts(
    queryset: QuerySet, names: list[str], size: int = DEFAULT_FACET_SIZE, *, stale_for: float = 0
) -> list[FacetResult]:
    """The facets named, in that order, of the records of `queryset`: the `size` most frequent values of each.

    On PostgreSQL, counts that took long to make are kept until the data they count changes
    (`statements.changes`): the same question of a large selection, such as the whole archive, is then
    answered from the cache, and the first question after any change is counted afresh, unless counts
    made less than `stale_for` seconds ago are good enough.
    """
    facets = [FACETS[queryset.model][name] for name in names]
    if len(facets) == 1:
        answer = partial(facets[0].counts, queryset, size + 1)
    else:
        answer = partial(_counted_at_once, queryset, facets, size + 1)
    counted = kept_until_changed(_question(queryset, names, size + 1), answer, stale_for=stale_for)
    if len(facets) == 1:
        counted = [counted]
    return [
        FacetResult(facet, values[:size], truncated=len(values) > size)
        for facet, values in zip(facets, counted, strict=True)
    ]


def _small_selection() -> int:
    """Selections up to this size are read once, as ids, for all the facets of a request."""
    # On PostgreSQL the ids are one parameter (an array); elsewhere, one each.
    return 10_000 if connection.vendor == "postgresql" else 1_000


def _counted_at_once(queryset: QuerySet, facets: list[Facet], limit: int) -> list[list[FacetValue]]:
    """The counts of each facet of the set. When it is small its filters run once: on PostgreSQL the facets
    that can be are counted together in one query, and the others (and elsewhere all) over its ids, read
    first. A large set is counted one facet at a time."""
    most = _small_selection()
    counted: dict[str, list[FacetValue]] = {}
    large = False
    joint = [facet for facet in facets if facet.branch is not None] if connection.vendor == "postgresql" else []
    if len(joint) > 1:
        tree = _topic_tree_pairs() if any(facet.branch.needs_tree for facet in joint) else []
        rows = together.counted_together(queryset, [facet.branch for facet in joint], limit, tree, most)
        large = rows is None
        if not large:
            counted = {facet.name: _ordered(facet, texts) for facet, texts in zip(joint, rows, strict=True)}
    rest = [facet for facet in facets if facet.name not in counted]
    if rest and not large:
        ids = list(queryset.order_by().values_list("pk", flat=True)[: most + 1])
        if len(ids) <= most:
            queryset = queryset.model._default_manager.filter(pk__in=ids)
    counted |= {facet.name: facet.counts(queryset, limit) for facet in rest}
    return [counted[facet.name] for facet in facets]


def _ordered(facet: Facet, texts: list[tuple[str, int]]) -> list[FacetValue]:
    """A facet's values from their text, most frequent first and, among equals, as its own query orders them."""
    values = [FacetValue(together.value_of(text, facet.value_kind), count) for text, count in texts]
    if facet.value_kind == "period":  # Latest period first.
        return sorted(values, key=lambda value: (-value.count, -value.value.toordinal()))
    return sorted(values, key=lambda value: (-value.count, value.value))


def _question(queryset: QuerySet, names: list[str], limit: int) -> str | None:
    """What the facets' counts of a selection depend on, beside the data."""
    selection = queryset.order_by().values("pk").query
    return query_question("facets", queryset.model._meta.label, tuple(names), limit, query=selection)
