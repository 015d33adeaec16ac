"""Actors that look like one another: candidate pairs, grouped, for a curator to merge in one step.

Also what the actor add form asks about: an existing actor with the same name or alias.
"""

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from django.db.models import Count, Q, prefetch_related_objects
from django.utils.text import slugify

from statements.models import Actor, ActorAlias, Statement
from statements.text import normalize_name

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


@dataclass(frozen=True)
class DuplicateGroup:
    """Unmerged actors that look like one, linked pair by pair; the first is the one suggested to keep.

    `statement_counts` gives, by actor id, how many statements each spoke: with the ids, kinds,
    countries, Wikidata ids and creation dates, what tells the members apart.
    """

    actors: tuple[Actor, ...]
    reasons: tuple[str, ...]
    statement_counts: dict[int, int]

    @property
    def keep(self) -> Actor:
        return self.actors[0]

    @property
    def wikidata_conflict(self) -> bool:
        """Members linked to different Wikidata items are probably different actors after all."""
        return len({actor.wikidata_id for actor in self.actors if actor.wikidata_id}) > 1


def actor_duplicate_groups() -> list[DuplicateGroup]:
    """The candidate pairs joined into groups (four identical actors are one group, not six pairs)."""
    candidates = actor_duplicate_candidates()
    parent: dict[int, int] = {}

    def root(pk: int) -> int:
        parent.setdefault(pk, pk)
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    actors: dict[int, Actor] = {}
    for candidate in candidates:
        actors[candidate.keep.pk], actors[candidate.duplicate.pk] = candidate.keep, candidate.duplicate
        parent[root(candidate.duplicate.pk)] = root(candidate.keep.pk)
    prefetch_related_objects(list(actors.values()), "aliases")
    members: dict[int, list[Actor]] = defaultdict(list)
    for pk, actor in actors.items():
        members[root(pk)].append(actor)
    reasons: dict[int, list[str]] = defaultdict(list)
    for candidate in candidates:
        for reason in candidate.reasons:
            reasons[root(candidate.keep.pk)].append(f"{candidate.keep} and {candidate.duplicate}: {reason}")
    counts = dict(
        Statement.objects.filter(speaker__in=actors)
        .order_by()
        .values("speaker")
        .annotate(count=Count("pk"))
        .values_list("speaker", "count")
    )
    groups = [
        DuplicateGroup(
            actors=tuple(sorted(group, key=_keeping_order)),
            reasons=tuple(reasons[key]),
            statement_counts={actor.pk: counts.get(actor.pk, 0) for actor in group},
        )
        for key, group in members.items()
    ]
    return sorted(groups, key=lambda group: (group.keep.name, group.keep.pk))


def _keeping_order(actor: Actor) -> tuple:
    # As for a pair: the one linked to Wikidata first, then the oldest record, which links elsewhere used longest.
    return (not actor.wikidata_id, actor.created_at, actor.pk)


def actors_named_like(name: str, *, exclude: int | None = None, limit: int = 20) -> list[Actor]:
    """Unmerged actors whose name, or one of whose aliases, folds to the same as `name`.

    Read through indexes: aliases by their folded form, names by their slug (a slug folds case and
    accents as the name would, and a taken one gets a numbered suffix), then checked by folding.
    """
    folded = normalize_name(name)
    if not folded:
        return []
    by_alias = ActorAlias.objects.filter(normalized_name=folded).values("actor")
    slug = slugify(name)
    looks_alike = Q(pk__in=by_alias) | Q(name__iexact=name.strip())
    if slug:
        looks_alike |= Q(slug=slug) | Q(slug__startswith=f"{slug}-")
    alias_owners = set(by_alias.values_list("actor", flat=True))
    found = [
        actor
        for actor in Actor.objects.filter(looks_alike, merged_into__isnull=True).exclude(pk=exclude).order_by("pk")
        if actor.pk in alias_owners or normalize_name(actor.name) == folded
    ]
    return sorted(found, key=lambda actor: (actor.name, actor.pk))[:limit]
