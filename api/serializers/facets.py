"""Facets: the documented shape of `statements/facets/` and `communications/facets/`.

The responses are built as plain dicts (`api.facets`); these serializers give the schema its
types, one facet component per kind of value, so an SDK reads `facets.speaker.results[0].value.name`.
"""

from rest_framework import serializers

from api.serializers.briefs import (
    ActorBriefSerializer,
    CommunicationBriefSerializer,
    PlaceBriefSerializer,
    SourceBriefSerializer,
    TopicBriefSerializer,
)
from statements.facets import COMMUNICATION_FACETS, STATEMENT_FACETS


class ChoiceValueSerializer(serializers.Serializer):
    """A choice: the value the filter takes and its label."""

    value = serializers.CharField()
    label = serializers.CharField()


class PeriodValueSerializer(serializers.Serializer):
    """A month (`2024-02`) or year (`2024`), its label, and its first and last days."""

    value = serializers.CharField(help_text="YYYY-MM for a month, YYYY for a year.")
    label = serializers.CharField(help_text="Such as February 2024.")
    start = serializers.DateField()
    end = serializers.DateField()


def _facet_serializer(kind: str, value_serializer) -> type[serializers.Serializer]:
    """The serializer of a facet whose values are `value_serializer` briefs, named after `kind`."""
    value_class = type(
        f"{kind}FacetValueSerializer",
        (serializers.Serializer,),
        {
            "__doc__": f"One value of a facet ({kind.lower()}), how many records of the set have it, and where "
            "to list or facet them.",
            "__module__": __name__,
            "value": value_serializer,
            "count": serializers.IntegerField(min_value=1),
            "selected": serializers.BooleanField(help_text="Whether the request's filters name this value."),
            "list_url": serializers.URLField(
                help_text="The list narrowed to this value: the request's filters, with this value for the facet's "
                "own filter (replacing the values given for it) or, for a period, its dates within the range given."
            ),
            "facets_url": serializers.URLField(help_text="The same facets of that narrowed set."),
        },
    )
    return type(
        f"{kind}FacetSerializer",
        (serializers.Serializer,),
        {
            "__doc__": f"A facet whose values are {kind.lower()}s: the most frequent first.",
            "__module__": __name__,
            "description": serializers.CharField(),
            "results": value_class(many=True),
            "truncated": serializers.BooleanField(help_text="Whether more values have records in the set."),
        },
    )


FACET_SERIALIZERS = {
    "actor": _facet_serializer("Actor", ActorBriefSerializer()),
    "topic": _facet_serializer("Topic", TopicBriefSerializer()),
    "place": _facet_serializer("Place", PlaceBriefSerializer()),
    "source": _facet_serializer("Source", SourceBriefSerializer()),
    "communication": _facet_serializer("Communication", CommunicationBriefSerializer()),
    "choice": _facet_serializer("Choice", ChoiceValueSerializer()),
    "period": _facet_serializer("Period", PeriodValueSerializer()),
}


def _facets_serializer(resource: str, facets: dict) -> type[serializers.Serializer]:
    """The response of a facets endpoint: an object with one key per facet asked for."""
    facet_set = type(
        f"{resource}FacetSetSerializer",
        (serializers.Serializer,),
        {
            "__doc__": f"The facets of the {resource.lower()}s asked for, by name; only those asked for are present.",
            "__module__": __name__,
            **{
                name: FACET_SERIALIZERS[facet.value_kind](required=False, help_text=facet.description)
                for name, facet in facets.items()
            },
        },
    )
    return type(
        f"{resource}FacetsSerializer",
        (serializers.Serializer,),
        {
            "__doc__": f"Facets of the {resource.lower()}s the filters select.",
            "__module__": __name__,
            "facets": facet_set(),
        },
    )


StatementFacetsSerializer = _facets_serializer("Statement", STATEMENT_FACETS)
CommunicationFacetsSerializer = _facets_serializer("Communication", COMMUNICATION_FACETS)
