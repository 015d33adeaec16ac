"""factory_boy factories for the statement domain."""

import factory

from statements.choices import ActorKind, CommunicationKind, CurationStatus, SourceKind, StatementKind
from statements.models import Actor, ActorAlias, Communication, Participation, Place, Position, Source, Statement, Topic


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    kind = ActorKind.PERSON
    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.Sequence(lambda n: f"actor-{n}")
    country = "US"


class ActorAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorAlias

    actor = factory.SubFactory(ActorFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    actor = factory.SubFactory(ActorFactory)
    title = "Minister"
    country = "US"


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    kind = "city"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    kind = SourceKind.NEWS_ARTICLE
    title = factory.Sequence(lambda n: f"Article {n}")
    body = factory.Sequence(lambda n: f'Article {n}. "We will talk again," the minister said.')


class CommunicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Communication

    kind = CommunicationKind.PHONE_CALL
    title = factory.Sequence(lambda n: f"Call {n}")


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    communication = factory.SubFactory(CommunicationFactory)
    actor = factory.SubFactory(ActorFactory)


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    kind = StatementKind.PARAPHRASE
    # Verified, as most of an archive is (the public reads verified statements only); a statement without
    # a speaker cannot be, and stays a draft.
    status = factory.LazyAttribute(
        lambda statement: CurationStatus.VERIFIED if statement.speaker else CurationStatus.DRAFT
    )
    text = factory.Sequence(lambda n: f"they would talk again ({n})")
    speaker = factory.SubFactory(ActorFactory)
