"""The statement domain's models."""

from statements.models.actors import Actor, ActorAlias, ActorMerge, Position
from statements.models.communications import Communication, Participation
from statements.models.places import Place, PlaceAlias
from statements.models.sources import Source
from statements.models.statements import Statement
from statements.models.topics import Topic

__all__ = [
    "Actor",
    "ActorAlias",
    "ActorMerge",
    "Communication",
    "Participation",
    "Place",
    "PlaceAlias",
    "Position",
    "Source",
    "Statement",
    "Topic",
]
