"""Actors that look like one another: candidate pairs, grouped, for a curator to merge in one step.

Also what the actor add form asks about: an existing actor with the same name or alias.
"""

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from django.db.models import Count, Q
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


def look_alike_pairs() -> dict[tuple[int, int], list[str]]:
    """Pairs of unmerged actors' ids sharing a folded name or alias, or where one's alias is the other's name,
    with the reasons: no actor is read whole.

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

    return dict(reasons)


def actor_duplicate_candidates() -> list[DuplicateCandidate]:
    """The look-alike pairs (`look_alike_pairs`) with their actors, the one suggested to keep first."""
    reasons = look_alike_pairs()
    actors = Actor.objects.in_bulk({pk for pair in reasons for pk in pair})
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


def actor_duplicate_groups(*, limit: int | None = None) -> tuple[list[DuplicateGroup], int]:
    """The look-alike pairs joined into groups (four identical actors are one group, not six pairs).

    Returns the first `limit` groups, by the name of the actor to keep, and how many there are. The
    grouping works on ids and a few columns; only the groups returned are read whole, with their
    aliases and statement counts, so an archive with thousands of look-alikes costs what a page shows.
    """
    pairs = look_alike_pairs()
    parent: dict[int, int] = {}

    def root(pk: int) -> int:
        parent.setdefault(pk, pk)
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for first, second in pairs:
        parent[root(second)] = root(first)
    members: dict[int, list[int]] = defaultdict(list)
    for pk in list(parent):
        members[root(pk)].append(pk)
    facts = {
        pk: (not wikidata_id, created_at, pk, name)
        for pk, wikidata_id, created_at, name in Actor.objects.filter(pk__in=parent).values_list(
            "pk", "wikidata_id", "created_at", "name"
        )
    }
    # As for a pair: the one linked to Wikidata first, then the oldest record, which links elsewhere used longest.
    ordered = sorted((sorted(group, key=facts.__getitem__) for group in members.values()), key=_by_kept_name(facts))
    shown = ordered if limit is None else ordered[:limit]
    actors = Actor.objects.prefetch_related("aliases").in_bulk([pk for group in shown for pk in group])
    counts = dict(
        Statement.objects.filter(speaker__in=actors)
        .order_by()
        .values("speaker")
        .annotate(count=Count("pk"))
        .values_list("speaker", "count")
    )
    pairs_by_group: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pair in pairs:
        pairs_by_group[root(pair[0])].append(pair)
    groups = []
    for group in shown:
        reasons = [
            f"{actors[first]} and {actors[second]}: {reason}"
            for first, second in pairs_by_group[root(group[0])]
            for reason in pairs[first, second]
        ]
        groups.append(
            DuplicateGroup(
                actors=tuple(actors[pk] for pk in group),
                reasons=tuple(reasons),
                statement_counts={pk: counts.get(pk, 0) for pk in group},
            )
        )
    return groups, len(ordered)


def _by_kept_name(facts: dict[int, tuple]):
    return lambda group: (facts[group[0]][3], group[0])


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
