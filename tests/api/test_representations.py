"""The API's hand-written read paths write exactly what its serializers' declared fields would write."""

import datetime

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from api.serializers.actors import ActorSerializer
from api.serializers.communications import CommunicationSerializer
from api.serializers.places import PlaceSerializer
from api.serializers.positions import PositionSerializer
from api.serializers.sources import SourceSerializer, SourceSummarySerializer
from api.serializers.statements import StatementSerializer
from api.serializers.topics import TopicSerializer
from statements.models import Actor, Communication, Place, PlaceAlias, Position, Source, Statement, Topic
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db

SERIALIZERS = [
    (ActorSerializer, Actor),
    (PositionSerializer, Position),
    (PlaceSerializer, Place),
    (TopicSerializer, Topic),
    (SourceSerializer, Source),
    (SourceSummarySerializer, Source),
    (CommunicationSerializer, Communication),
    (StatementSerializer, Statement),
]


@pytest.fixture
def records(demo_data, curator):
    """The demo dataset, with the relations it leaves empty filled in somewhere."""
    statements = list(Statement.objects.order_by("pk"))
    statements[1].in_reply_to = statements[0]
    statements[1].position = Position.objects.filter(actor=statements[1].speaker).first()
    statements[1].created_by = statements[1].updated_by = curator
    statements[1].save()
    StatementFactory(text="Not anchored anywhere", date=datetime.date(2024, 5, 1), date_precision="day")
    place = Place.objects.first()
    place.latitude, place.longitude = "31.768300", "-35.2"
    place.parent = Place.objects.exclude(pk=place.pk).first()
    place.save()
    PlaceAlias.objects.create(place=place, name="Another name")


def generic_representation(serializer_class, instance, context) -> dict:
    """What DRF writes for the serializer's declared fields, field by field."""
    return serializers.ModelSerializer.to_representation(serializer_class(context=context), instance)


@pytest.mark.parametrize(("serializer_class", "model"), SERIALIZERS, ids=lambda value: value.__name__)
def test_fast_representation_is_the_declared_one(records, serializer_class, model):
    request = APIRequestFactory().get("/api/v1/")
    context = {"request": request}
    instances = list(model.objects.order_by("pk"))
    assert instances
    listed = serializer_class(instances, many=True, context=context).data
    for instance, fast in zip(instances, listed, strict=True):
        expected = generic_representation(serializer_class, instance, context)
        assert fast == expected
        assert list(fast) == list(expected), "fields in the declared order"
        assert serializer_class(instance, context=context).data == expected
