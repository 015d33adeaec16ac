"""Matching speaker names found in text to known actors, by name, alias and unambiguous surname.

Pure Python: the resolver is built from `ActorCandidate`s, which `actor_candidates` reads from a
queryset of `Actor` (prefetch `aliases`), from model instances or from plain mappings. Nothing here
writes: a name that matches no actor is proposed as a new one for a curator to confirm.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from statements.extraction import lexicon
from statements.extraction.types import Mention
from statements.text import normalize_name

MATCHED = "matched"
AMBIGUOUS = "ambiguous"
NEW = "new"
# How the extractor marks a pronoun it could not tie to anyone: there is no name to match.
UNRESOLVED_PRONOUN = "pronoun-unresolved"

_ARTICLES = ("the ", "a ", "an ")
_PERSON_KINDS = frozenset({"person"})
# Which extracted kinds may match which actor kinds when a name fits several actors.
_COMPATIBLE_KINDS = {
    "person": {"person"},
    "organization": {"organization", "government_body", "media_outlet", "group"},
    "government_body": {"government_body", "organization"},
    "media_outlet": {"media_outlet", "organization"},
    "unnamed_source": {"unnamed_source"},
    "group": {"group", "organization", "unnamed_source"},
}


@dataclass(frozen=True)
class ActorCandidate:
    """A known actor reduced to what matching needs."""

    id: Any
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """The outcome of matching one name: the actor found, the actors it could be, or a proposal."""

    name: str
    status: str  # matched, ambiguous, new
    actor_id: Any = None
    method: str = ""  # name, alias, surname
    candidate_ids: tuple = ()
    proposed_kind: str = ""  # for a new actor: the kind a curator is asked to confirm

    @property
    def is_resolved(self) -> bool:
        return self.status == MATCHED

    def as_dict(self) -> dict:
        found = {"status": self.status, "actor_id": self.actor_id}
        if self.method:
            found["method"] = self.method
        if self.candidate_ids:
            found["candidate_ids"] = list(self.candidate_ids)
        if self.status == NEW:
            found["proposed_actor"] = {"name": self.name, "kind": self.proposed_kind, "status": "draft"}
        return found


def fold(name: str) -> str:
    """A name folded for matching, without a leading article."""
    folded = normalize_name(name)
    for article in _ARTICLES:
        if folded.startswith(article):
            return folded[len(article) :]
    return folded


def strip_titles(folded: str) -> str:
    """`foreign minister maria lopes` -> `maria lopes`; a name made only of title words is left alone."""
    words = folded.split()
    first = 0
    while first < len(words) - 1 and words[first] in lexicon.TITLE_WORDS | {"us", "u.s.", "u.s", "uk", "israeli"}:
        first += 1
    return " ".join(words[first:])


def actor_candidates(actors: Iterable[Any]) -> list[ActorCandidate]:
    """Candidates from `Actor` instances (with their aliases), mappings, or candidates already."""
    candidates = []
    for actor in actors:
        if isinstance(actor, ActorCandidate):
            candidates.append(actor)
        elif isinstance(actor, dict):
            candidates.append(
                ActorCandidate(actor["id"], actor["name"], actor.get("kind", ""), tuple(actor.get("aliases", ())))
            )
        else:
            aliases = tuple(alias.name for alias in actor.aliases.all())
            candidates.append(ActorCandidate(actor.pk, actor.name, actor.kind, aliases))
    return candidates


@dataclass
class ActorResolver:
    """Finds actors by folded name or alias, or by surname when only one person has it.

    An unnamed source ("a senior administration official") is somebody in one story: the same words
    in another article are somebody else, for all anyone knows. So a stored unnamed source matches
    only if it is in `unnamed_sources_here` (those already speaking in the article being read); any
    other is proposed anew, for a curator to link if they are the same.
    """

    actors: list[ActorCandidate]
    unnamed_sources_here: frozenset = frozenset()
    _by_name: dict[str, list[ActorCandidate]] = field(init=False, default_factory=dict)
    _by_surname: dict[str, list[ActorCandidate]] = field(init=False, default_factory=dict)

    def __post_init__(self):
        self.actors = [
            actor
            for actor in actor_candidates(self.actors)
            if actor.kind != "unnamed_source" or actor.id in self.unnamed_sources_here
        ]
        for actor in self.actors:
            names = {fold(actor.name), *(fold(alias) for alias in actor.aliases)}
            for name in names:
                self._add(self._by_name, name, actor)
                stripped = strip_titles(name)
                if stripped != name:
                    self._add(self._by_name, stripped, actor)
            if actor.kind in _PERSON_KINDS:
                surnames = {strip_titles(name).split()[-1] for name in names if name}
                for surname in surnames:
                    self._add(self._by_surname, surname, actor)

    @staticmethod
    def _add(index: dict[str, list[ActorCandidate]], key: str, actor: ActorCandidate) -> None:
        bucket = index.setdefault(key, [])
        if actor not in bucket:
            bucket.append(actor)

    def resolve(self, name: str, *, kind: str = "", as_written: str = "") -> Resolution:
        """The actor `name` (or the words `as_written`) refers to, if exactly one fits."""
        for written in (name, as_written):
            if not written:
                continue
            folded = fold(written)
            for key in dict.fromkeys((folded, strip_titles(folded))):
                found = self._narrow(self._by_name.get(key, []), kind)
                if len(found) == 1:
                    primary = fold(found[0].name)
                    method = "name" if key in (primary, strip_titles(primary)) else "alias"
                    return Resolution(name, MATCHED, found[0].id, method)
                if len(found) > 1:
                    return Resolution(name, AMBIGUOUS, candidate_ids=tuple(actor.id for actor in found))
        if kind in ("", "person", "unknown"):
            words = strip_titles(fold(name)).split()
            if words:
                found = self._by_surname.get(words[-1], [])
                if len(words) > 1:
                    # A full name matches a stored person by surname only if the first names agree.
                    found = [actor for actor in found if _first_names_agree(words, fold(actor.name).split())]
                if len(found) == 1:
                    return Resolution(name, MATCHED, found[0].id, "surname")
                if len(found) > 1:
                    return Resolution(name, AMBIGUOUS, candidate_ids=tuple(actor.id for actor in found))
        return Resolution(name, NEW, proposed_kind=_proposed_kind(kind))

    def resolve_mention(self, mention: Mention) -> Resolution | None:
        """The actor a speaker, addressee or intermediary found in text refers to; None for an unresolved pronoun."""
        if mention.via == UNRESOLVED_PRONOUN:
            return None
        return self.resolve(mention.name, kind=mention.kind, as_written=mention.as_written)

    @staticmethod
    def _narrow(found: list[ActorCandidate], kind: str) -> list[ActorCandidate]:
        if len(found) <= 1 or kind not in _COMPATIBLE_KINDS:
            return found
        compatible = [actor for actor in found if actor.kind in _COMPATIBLE_KINDS[kind]]
        return compatible or found


def _first_names_agree(words: list[str], stored: list[str]) -> bool:
    stored = strip_titles(" ".join(stored)).split()
    if len(stored) < 2:
        return True
    return stored[0][0] == words[0][0]


def _proposed_kind(kind: str) -> str:
    if kind in ("person", "organization", "government_body", "media_outlet", "unnamed_source", "group"):
        return kind
    return "person" if kind in ("", "unknown") else "organization"


def stored_actor_resolver(source=None) -> ActorResolver:
    """A resolver over every stored actor and its aliases, for reading `source` (a stored `Source`) or an
    article not stored: the unnamed sources that match are those curators have had speak in `source`,
    in a statement standing or since deleted (its history keeps it)."""
    from statements.models import Actor, Statement  # imported here so the extractor core never needs Django

    here = frozenset()
    if source is not None:
        speakers = Statement.history.filter(source_id=source.pk, speaker_id__isnull=False).values("speaker_id")
        unnamed = Actor.objects.filter(kind="unnamed_source", pk__in=speakers)
        here = frozenset(unnamed.values_list("pk", flat=True))
    actors = Actor.objects.filter(merged_into__isnull=True).prefetch_related("aliases")
    return ActorResolver(list(actors), unnamed_sources_here=here)
