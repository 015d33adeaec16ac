"""Several facets of a small selection counted in one query, on PostgreSQL.

Counted one by one, each facet of a month's statements runs the month's filters again and reads the
same rows again. Here the selection is read once into a materialised table of the columns the facets
group by (`facet_selection`), and every facet is one branch of a single query over it: the filters
run once, each record's columns are read once, and the database answers in one round trip.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

#: The table of the selection's rows every branch reads: `id` and the columns the facets asked need.
SELECTION = "facet_selection"


@dataclass(frozen=True)
class Branch:
    """How one facet is counted over the selection: its SQL and parameters, and the columns it reads there.

    The SQL selects (value as text, count), most frequent first, at most as many rows as its one
    parameter (`%s`) says; it may also need the topic tree (`facet_tree(topic, ancestor)`) beside the selection.
    """

    sql: str
    columns: tuple[str, ...] = ()
    needs_tree: bool = False


def quote_name(name: str) -> str:
    return connection.ops.quote_name(name)


def tree_table(pairs: Sequence[tuple[int, int]]) -> str:
    """The topic tree's (topic, ancestor) pairs as a table of values, `facet_tree(topic, ancestor)`, for a WITH.

    The tree is small and read whole (one query); given as values, the database knows its size,
    where a recursive query would be estimated at a hundred times it and planned for that.
    """
    values = ", ".join(f"({int(topic)}, {int(ancestor)})" for topic, ancestor in pairs) or "(0, 0)"
    return f"facet_tree(topic, ancestor) AS (VALUES {values})"


def column_branch(model, column: str) -> Branch:
    """Counts by a column of the set's own rows; rows without one skipped."""
    name = quote_name(model._meta.get_field(column).column)
    return Branch(
        f"SELECT {name}::text, COUNT(*) FROM {SELECTION} WHERE {name} IS NOT NULL "
        f"GROUP BY {name} ORDER BY 2 DESC, {name} LIMIT %s",
        (model._meta.get_field(column).column,),
    )


def period_branch(kind: str) -> Branch:
    """Counts by the month or year of the records' dates."""
    period = f"date_trunc('{kind}', date)::date"
    return Branch(
        f"SELECT {period}::text, COUNT(*) FROM {SELECTION} WHERE date IS NOT NULL "
        f"GROUP BY {period} ORDER BY 2 DESC, {period} DESC LIMIT %s",
        ("date",),
    )


def link_branch(model, relation: str, *, target: str | None = None) -> Branch:
    """Counts by the members of a to-many relation, each record once per member."""
    field = model._meta.get_field(relation)
    if field.many_to_many:
        through = field.remote_field.through
        owner = through._meta.get_field(field.m2m_field_name()).column
        member = through._meta.get_field(target or field.m2m_reverse_field_name()).column
        table, distinct = through._meta.db_table, ""
    else:
        links = field.related_model
        owner, member = links._meta.get_field(field.field.name).column, links._meta.get_field(target).column
        table, distinct = links._meta.db_table, "DISTINCT "  # Participations are per role.
    owner, member = quote_name(owner), quote_name(member)
    return Branch(
        f"SELECT link.{member}::text, COUNT({distinct}link.{owner}) FROM {quote_name(table)} link "
        f"JOIN {SELECTION} chosen ON chosen.id = link.{owner} "
        f"GROUP BY link.{member} ORDER BY 2 DESC, link.{member} LIMIT %s"
    )


def topic_branch(model) -> Branch:
    """Counts by topic, each record under each topic it is about and each broader one, once."""
    field = model._meta.get_field("topics")
    through = field.remote_field.through
    owner = quote_name(through._meta.get_field(field.m2m_field_name()).column)
    table = quote_name(through._meta.db_table)
    return Branch(
        f"SELECT facet_tree.ancestor::text, COUNT(DISTINCT link.{owner}) FROM {table} link "
        f"JOIN {SELECTION} chosen ON chosen.id = link.{owner} JOIN facet_tree ON facet_tree.topic = link.topic_id "
        f"GROUP BY facet_tree.ancestor ORDER BY 2 DESC, facet_tree.ancestor LIMIT %s",
        needs_tree=True,
    )


def statement_place_branch(statement_model, communication_model) -> Branch:
    """Counts by place: the places a statement mentions and the place of its communication, once each."""
    mentioned = quote_name(statement_model.mentioned_places.through._meta.db_table)
    communication = quote_name(communication_model._meta.db_table)
    # The communication's place looked up by id for each row: a join would be planned from the
    # selection's estimated size, and could read the whole table.
    return Branch(
        "SELECT place_id::text, COUNT(DISTINCT statement_id) FROM ("
        f"SELECT link.statement_id, link.place_id FROM {mentioned} link "
        f"JOIN {SELECTION} chosen ON chosen.id = link.statement_id "
        f"UNION ALL SELECT chosen.id, (SELECT held.place_id FROM {communication} held "
        f"WHERE held.id = chosen.communication_id) FROM {SELECTION} chosen"
        ") facet_places (statement_id, place_id) WHERE place_id IS NOT NULL "
        "GROUP BY place_id ORDER BY 2 DESC, place_id LIMIT %s",
        ("communication_id",),
    )


def counted_together(
    queryset: QuerySet, branches: Sequence[Branch], limit: int, tree_pairs: Sequence[tuple[int, int]], most: int
) -> list[list[tuple[str, int]]] | None:
    """The (value as text, count) rows of each branch, in the order given, over the records of `queryset`;
    None if it holds more than `most` records (counted one facet at a time, they are read by index)."""
    columns = ["id", *sorted({column for branch in branches for column in branch.columns})]
    try:
        chosen, params = queryset.order_by().values(*columns)[: most + 1].query.sql_with_params()
    except EmptyResultSet:  # Django knows the set is empty.
        return [[] for _ in branches]
    common = [f"{SELECTION} AS MATERIALIZED ({chosen})"]
    if any(branch.needs_tree for branch in branches):
        common.insert(0, tree_table(tree_pairs))
    # The first row says how many records there are: the branches are wasted on a selection past `most`.
    union = " UNION ALL ".join(
        [
            f"(SELECT -1, NULL, COUNT(*) FROM {SELECTION})",
            *(f"(SELECT {index}, counted.* FROM ({branch.sql}) counted)" for index, branch in enumerate(branches)),
        ]
    )
    counted: list[list[tuple[str, int]]] = [[] for _ in branches]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(common)} {union}", [*params, *([limit] * len(branches))])
        for index, value, count in cursor.fetchall():
            if index < 0:
                if count > most:
                    return None
            else:
                counted[index].append((value, count))
    return counted


def value_of(text: str, value_kind: str):
    """A value as its facet gives it, from the text the query returned."""
    if value_kind == "choice":
        return text
    if value_kind == "period":
        return datetime.date.fromisoformat(text)
    return int(text)
