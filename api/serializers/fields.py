"""Relation fields that read as embedded summaries and write as ids."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers


class EmbeddedRelatedField(serializers.PrimaryKeyRelatedField):
    """A relation written as the related record's id and read as its brief representation.

    Clients then need no second request to show a speaker's name, yet send plain ids.
    The viewset must select or prefetch the relation, or each row costs a query.
    """

    def __init__(self, brief_serializer_class, **kwargs):
        self.brief_serializer_class = brief_serializer_class
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        return self.brief_serializer_class(value, context=self.context).data


class EmbeddedRelatedFieldSchema(OpenApiSerializerFieldExtension):
    """Documents an embedded relation: the brief component in responses, an integer id in requests."""

    target_class = "api.serializers.fields.EmbeddedRelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "integer"}
        return auto_schema.resolve_serializer(self.target.brief_serializer_class, direction).ref
