"""Reads that are more than a filter: listings with their relations, full-text search, topic trees."""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import orjson
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest, Least, Substr

from statements.choices import CurationStatus
from statements.models import (
    Actor,
    ActorAlias,
    Communication,
    Place,
    PlaceAlias,
    Position,
    Source,
    Statement,
    Topic,
)
from statements.text import normalize_name

#: Characters of context either side of a quote, as in a Web Annotation TextQuoteSelector.
QUOTE_CONTEXT_CHARACTERS = 32


#: The permission to see draft and rejected statements; every other reader sees verified ones only.
VIEW_UNREVIEWED = "statements.view_unreviewed_statement"
#: The curation status of the statements every reader sees.
PUBLIC_STATUS = CurationStatus.VERIFIED


def public_statements(relation: str = "") -> Q:
    """The statements (or, through `relation`, such as "in_reply_to__", the statements related) the public sees."""
    return Q(**{f"{relation}status": PUBLIC_STATUS})


def sees_unreviewed(user) -> bool:
    """Whether `user` may see statements a curator has not verified (drafts, rejected statements)."""
    return bool(user is not None and user.is_authenticated and user.has_perm(VIEW_UNREVIEWED))


def sees_curators(user) -> bool:
    """Whether `user` may see who curated a record (usernames in records, history and merges): signed-in users."""
    return bool(user is not None and user.is_authenticated)


@dataclass(frozen=True)
class Audience:
    """What a reader may see beyond the public record."""

    unreviewed: bool
    curators: bool

    @classmethod
    def of(cls, user) -> "Audience":
        return cls(unreviewed=sees_unreviewed(user), curators=sees_curators(user))

    def sees_status(self, status: str | None) -> bool:
        """Whether this reader sees a statement of this curation status."""
        return self.unreviewed or status == PUBLIC_STATUS


#: Who reads without signing in: verified statements, no usernames.
PUBLIC = Audience(unreviewed=False, curators=False)


def statements_visible_to(user, statements: QuerySet) -> QuerySet:
    """The statements of `statements` (or their historical records) that `user` may see: all of them, or the
    verified ones."""
    return statements if sees_unreviewed(user) else statements.filter(public_statements())


def statement_list() -> QuerySet[Statement]:
    """Statements to filter and page: the narrow table only, and only what a page's ETag and links need.

    Lists choose a page of ids on it; `statement_rows` and `statement_members` then fetch what the
    page shows, so the work per request does not grow with the rows the filters match.
    """
    return Statement.objects.only("id", "version")


#: Columns of a statement and of the to-one records it embeds, as `statement_rows` reads them.
STATEMENT_ROW_COLUMNS = (
    *(field.attname for field in Statement._meta.concrete_fields if field.name != "extraction_digest"),
    "speaker__name",
    "speaker__kind",
    "reported_by__name",
    "reported_by__kind",
    "communication__kind",
    "communication__title",
    "communication__date",
    "communication__date_precision",
    "source__title",
    "source__url",
)

#: To-one records a statement embeds that are read by a subquery rather than a join (see `statement_rows`):
#: the row's column naming the record, its model, and the columns shown, as "<relation>__<column>".
STATEMENT_LOOKED_UP = (
    ("position", Position, ("title",)),
    ("in_reply_to", Statement, ("kind", "text", "status")),
    ("created_by", None, ("username",)),
    ("updated_by", None, ("username",)),
)

#: The to-many members a statement embeds: the relation and the member columns its brief shows.
STATEMENT_MEMBERS = (
    ("addressees", ("id", "name", "kind")),
    ("topics", ("id", "slug", "name")),
    ("mentioned_actors", ("id", "name", "kind")),
    ("mentioned_places", ("id", "name", "kind")),
)


def statement_rows(ids: Collection[int]) -> dict[int, dict]:
    """The statements with these ids, and the columns of everything they embed, by id: one query.

    Joins bring the source (the quote and its context are cut out of the body by the database, so
    bodies never leave it), the speaker, the intermediary and the communication, for only the
    columns shown; the position, the statement replied to and the users are scalar subqueries, and
    each to-many relation a JSON array made by a correlated subquery (`members_array`). A join of
    all nine tables would cost PostgreSQL's planner more than running the query.
    """
    width = QUOTE_CONTEXT_CHARACTERS
    looked_up = {
        f"{relation}__{column}": Subquery(
            (model or get_user_model())._default_manager.filter(pk=OuterRef(f"{relation}_id")).order_by().values(column)
        )
        for relation, model, columns in STATEMENT_LOOKED_UP
        for column in columns
    }
    # Named apart from the model's own relations, which an annotation may not shadow.
    members = {
        f"{relation}_members": members_array(Statement, relation, columns) for relation, columns in STATEMENT_MEMBERS
    }
    rows = (
        Statement.objects.filter(pk__in=list(ids))
        .order_by()
        .values(
            *STATEMENT_ROW_COLUMNS,
            **looked_up,
            **members,
            # The span and the context either side, cut from the body in one piece (one read of the body).
            quote_context=Substr(
                "source__body",
                Greatest(F("span_start") - width + 1, Value(1)),
                Least(F("span_start"), Value(width)) + F("span_end") - F("span_start") + width,
            ),
        )
    )
    found, ordered = {}, connection.vendor == "postgresql"
    for row in rows:
        for relation, _ in STATEMENT_MEMBERS:
            row[relation] = decode_members(row.pop(f"{relation}_members"), ordered=ordered)
        context, start, end = row.pop("quote_context"), row["span_start"], row["span_end"]
        if context is not None and start is not None:
            before = min(start, width)
            row["quote_prefix"], row["quote_exact"] = context[:before], context[before : before + end - start]
            row["quote_suffix"] = context[before + end - start :]
        found[row["id"]] = row
    return found


def members_array(
    model: type[models.Model],
    relation: str,
    columns: tuple[str, ...],
    *,
    ordering: tuple[str, ...] = ("member.name", "member.id"),
    link_columns: tuple[str, ...] = (),
) -> RawSQL:
    """A subquery giving, for each row of `model`'s outermost query, its members in a to-many relation.

    The members come as one JSON array of arrays of `columns` of the member, then `link_columns` of
    the link row (such as a participant's role), in `ordering` ("member.<column>" or "link.<column>",
    "-" first for descending); `decode_members` reads it back. For a reverse foreign key such as
    `participations` the link row is the participation and the member the actor it names.
    """
    quote = connection.ops.quote_name
    field = model._meta.get_field(relation)
    if field.many_to_many:
        link_model = field.remote_field.through
        owner = link_model._meta.get_field(field.m2m_field_name()).column
        target_model = field.related_model
        target = link_model._meta.get_field(field.m2m_reverse_field_name()).column
    else:
        link_model = field.related_model
        owner = field.field.column
        target_model = Actor
        target = link_model._meta.get_field("actor").column
    values = [f"member.{quote(column)}" for column in columns] + [f"link.{quote(column)}" for column in link_columns]
    keys = [f"{key.lstrip('-').split('.')[0]}.{quote(key.lstrip('-').split('.')[1])}" for key in ordering]
    source = (
        f"FROM {quote(link_model._meta.db_table)} link JOIN {quote(target_model._meta.db_table)} member "
        f"ON member.id = link.{quote(target)} "
        f"WHERE link.{quote(owner)} = {quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
    )
    if connection.vendor == "postgresql":
        order = ", ".join(
            f"{key}{' DESC' if raw.startswith('-') else ''}" for key, raw in zip(keys, ordering, strict=True)
        )
        # Each member looked up by its key: a small member table would otherwise be scanned whole, once
        # per row, to be hash-joined with its two or three links. (LIMIT keeps the planner from
        # flattening the lateral lookup into that join.)
        source = (
            f"FROM {quote(link_model._meta.db_table)} link CROSS JOIN LATERAL (SELECT * FROM "
            f"{quote(target_model._meta.db_table)} target WHERE target.id = link.{quote(target)} LIMIT 1) member "
            f"WHERE link.{quote(owner)} = {quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
        )
        sql = f"SELECT json_agg(json_build_array({', '.join(values)}) ORDER BY {order})::text {source}"
    else:
        # This SQLite orders no aggregate's input: the sort keys go last in each member, and
        # `decode_members` sorts by them as SQLite's ORDER BY would (binary collation, NULL first).
        sql = f"SELECT json_group_array(json_array({', '.join(values + keys)})) {source}"
    return RawSQL(sql, (), output_field=models.TextField())


def decode_members(
    raw: str | None, ordering: tuple[str, ...] = ("member.name", "member.id"), *, ordered: bool
) -> list[tuple]:
    """The members `members_array` wrote for this `ordering`, as tuples of their columns; [] for none.

    `ordered` says whether the database ordered them (PostgreSQL does) or they are to be sorted here.
    """
    if not raw:
        return []
    members = orjson.loads(raw)
    if not members:
        return []
    if ordered:
        return [tuple(member) for member in members]
    count = len(ordering)
    for position in reversed(range(count)):
        descending = ordering[position].startswith("-")
        index = len(members[0]) - count + position
        # Stable sorts from the last key to the first; NULL sorts before every value, as in SQLite.
        members.sort(key=lambda member, i=index: (member[i] is not None, member[i] or 0), reverse=descending)
    return [tuple(member[:-count]) for member in members]


def with_briefs(queryset: QuerySet, **relations: tuple[str, ...]) -> QuerySet:
    """The queryset's rows whole, with to-one relations joined for only the columns their briefs show."""
    model = queryset.model
    own = [field.attname for field in model._meta.concrete_fields]
    joined = [f"{relation}__{column}" for relation, columns in relations.items() for column in ("id", *columns)]
    return queryset.select_related(*relations).only(*own, *joined)


def actor_list() -> QuerySet[Actor]:
    """Actors with the briefs of their affiliation and merge target (their aliases: `aliases_by_owner`)."""
    return with_briefs(Actor.objects.all(), affiliation=("name", "kind"), merged_into=("name", "kind"))


def position_list() -> QuerySet[Position]:
    """Positions with the briefs of their holder and organisation."""
    return with_briefs(Position.objects.all(), actor=("name", "kind"), organization=("name", "kind"))


def place_list() -> QuerySet[Place]:
    """Places with the brief of the place they lie within (their aliases: `aliases_by_owner`)."""
    return with_briefs(Place.objects.all(), parent=("name", "kind"))


def topic_list() -> QuerySet[Topic]:
    """Topics with the brief of their parent."""
    return with_briefs(Topic.objects.all(), parent=("slug", "name"))


def source_list() -> QuerySet[Source]:
    """Sources with the brief of their publisher (the body is left to the caller; authors: `source_authors`)."""
    return with_briefs(Source.objects.all(), publisher=("name", "kind"))


def aliases_by_owner(alias_model: type[ActorAlias] | type[PlaceAlias], owner_ids: Collection[int]) -> dict[int, list]:
    """The alias names of these actors or places, by owner id, in alias order: one query.

    Plain rows rather than prefetched instances: for a page of fifty, Django's prefetching costs
    more than the query it runs.
    """
    owner = "actor_id" if alias_model is ActorAlias else "place_id"
    names: dict[int, list] = defaultdict(list)
    rows = alias_model.objects.filter(**{f"{owner}__in": list(owner_ids)}).order_by("name", "id")
    for owner_id, name in rows.values_list(owner, "name"):
        names[owner_id].append(name)
    return names


def source_authors(source_ids: Collection[int]) -> dict[int, list[tuple]]:
    """The authors of these sources as (id, name, kind), by source id, in actor order: one query."""
    authors: dict[int, list[tuple]] = defaultdict(list)
    links = Source.authors.through.objects.filter(source_id__in=list(source_ids)).order_by("actor__name", "actor_id")
    for source_id, *author in links.values_list("source_id", "actor_id", "actor__name", "actor__kind"):
        authors[source_id].append(tuple(author))
    return authors


def communication_list() -> QuerySet[Communication]:
    """Communications to filter and page: the narrow table only (see `statement_list`)."""
    return Communication.objects.only("id", "version")


#: Columns of a communication and of the records it embeds, as `communication_rows` reads them.
COMMUNICATION_ROW_COLUMNS = (
    *(field.attname for field in Communication._meta.concrete_fields),
    "duration_according_to__name",
    "duration_according_to__kind",
    "place__name",
    "place__kind",
    "regarding__kind",
    "regarding__title",
    "regarding__date",
    "regarding__date_precision",
)


#: The to-many parts a communication embeds: relation, member columns shown, order, columns of the link row.
COMMUNICATION_MEMBERS = (
    ("participations", ("id", "name", "kind"), ("link.id",), ("role",)),
    ("topics", ("id", "slug", "name"), ("member.name", "member.id"), ()),
    # As Source orders itself.
    ("sources", ("id", "title", "url"), ("-member.date", "member.title", "member.id"), ()),
)


def communication_rows(ids: Collection[int]) -> dict[int, dict]:
    """The communications with these ids, with the columns of the records they embed, by id: one query.

    To-one records are joined for the columns shown; participants, topics and sources are JSON arrays
    made by correlated subqueries (see `members_array`).
    """
    members = {
        f"{relation}_members": members_array(
            Communication, relation, columns, ordering=ordering, link_columns=link_columns
        )
        for relation, columns, ordering, link_columns in COMMUNICATION_MEMBERS
    }
    rows = Communication.objects.filter(pk__in=list(ids)).order_by().values(*COMMUNICATION_ROW_COLUMNS, **members)
    found, ordered = {}, connection.vendor == "postgresql"
    for row in rows:
        for relation, _, ordering, _ in COMMUNICATION_MEMBERS:
            row[relation] = decode_members(row.pop(f"{relation}_members"), ordering, ordered=ordered)
        found[row["id"]] = row
    return found


def topic_ids_with_descendants(topic_ids: Iterable[int]) -> set[int]:
    """The given topics and every topic beneath them, in one recursive query."""
    topic_ids = [int(topic_id) for topic_id in topic_ids]
    if not topic_ids:
        return set()
    table = connection.ops.quote_name(Topic._meta.db_table)
    marks = ", ".join(["%s"] * len(topic_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE tree(id) AS (SELECT id FROM {table} WHERE id IN ({marks}) "
            f"UNION SELECT topic.id FROM {table} topic JOIN tree ON topic.parent_id = tree.id) SELECT id FROM tree",
            topic_ids,
        )
        return {row[0] for row in cursor.fetchall()}


#: Links past which a topic filter counts as common (see `about_topics`).
COMMON_TOPIC_LINKS = 5_000


def about_topics(queryset: QuerySet, topic_ids: Collection[int]) -> QuerySet:
    """The rows of `queryset` (statements or communications) linked to any of these topics; never twice.

    A semi-join, which PostgreSQL plans well whether the topics are common or rare. SQLite always
    reads the links first and then sorts what they match, which for a topic on half the archive is
    a sort of half the archive; there, a common topic (more than COMMON_TOPIC_LINKS links, counted
    no further) is tested row by row as the list's index is walked, which stops at the first page.
    """
    model = queryset.model
    owner = f"{model._meta.model_name}_id"
    links = model.topics.through.objects.filter(topic_id__in=topic_ids)
    if connection.vendor == "sqlite" and links.values("pk")[:COMMON_TOPIC_LINKS].count() == COMMON_TOPIC_LINKS:
        return queryset.filter(Exists(links.filter(**{owner: OuterRef("pk")})))
    return queryset.filter(pk__in=links.values(owner))


def actor_search(queryset: QuerySet[Actor], query: str) -> QuerySet[Actor]:
    """Actors whose name or an alias contains the query, ignoring case, accents and apostrophe style."""
    folded = normalize_name(query)
    by_alias = ActorAlias.objects.filter(normalized_name__contains=folded).order_by().values("actor_id")
    by_name = Actor.objects.filter(name__icontains=query.strip()).order_by().values("pk")
    # One set of ids, each half answered by its own index (trigram indexes on PostgreSQL, see migration
    # 0010); an OR of the two would make the database test every actor.
    return queryset.filter(pk__in=by_name.union(by_alias))


def place_search(queryset: QuerySet[Place], query: str) -> QuerySet[Place]:
    """Places whose name contains the query, or an alias its folded form; a semi-join, so no place is listed twice."""
    alias_matches = PlaceAlias.objects.filter(normalized_name__contains=normalize_name(query)).values("place_id")
    return queryset.filter(Q(name__icontains=query.strip()) | Q(pk__in=alias_matches))


def places_named(names: Collection[str]) -> dict[str, set[int]]:
    """The places each name is the name or an alias of, ignoring case and accents (aliases folded as
    `normalize_name` folds them), in one query; a name no place has is left out."""
    folded = {name: normalize_name(name) for name in names}
    by_name = Q.create([("name__iexact", name) for name in names], connector=Q.OR)
    rows = Place.objects.filter(by_name | Q(aliases__normalized_name__in=set(folded.values()))).values_list(
        "pk", "name", "aliases__normalized_name"
    )
    found: dict[str, set[int]] = defaultdict(set)
    for pk, name, alias in rows:
        matching = {normalize_name(name), alias}
        for given, given_folded in folded.items():
            if given_folded in matching:
                found[given].add(pk)
    return dict(found)
